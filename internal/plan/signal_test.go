package plan

import (
	"slices"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// TestBySignal: which signal keeps each change. Without output.dir
// (--site-dir alone) the rules match the output's own paths, so the
// build output decides for a rule without source:, not git.
func TestBySignal(t *testing.T) {
	out := []diff.Change{{Status: diff.Modified, Path: "index.html", Signal: mapper.SourceOutput}}
	git := []diff.Change{{Status: diff.Modified, Path: "static/a.css"}}
	for _, c := range []struct {
		name, yaml string
		want       []string
		gitRule    int
	}{
		{"no output.dir", "base_url: https://x.example\nrules:\n  - match: \"**\"\n    urls: \"{base}/{path}\"\n", []string{"index.html"}, 0},
		{"no output.dir, source: git", "base_url: https://x.example\nrules:\n  - match: \"static/**\"\n    source: git\n    urls: \"{base}/{path}\"\n  - match: \"**\"\n    urls: \"{base}/{path}\"\n", []string{"index.html", "static/a.css"}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := mapper.Parse("c.yml", []byte(c.yaml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ch := range BySignal(cfg, out, git) {
				got = append(got, ch.Path)
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("BySignal kept %q, want %q", got, c.want)
			}
			if n := GitRule(cfg); n != c.gitRule {
				t.Errorf("GitRule = %d, want %d", n, c.gitRule)
			}
		})
	}
}
