package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/output"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// Configs of a built site in public/, one with a rule the git diff
// decides for (static/ is served as the repository holds it).
const (
	outputRules = "output: {dir: public}\nrules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n"
	gitRules    = outputRules + "  - match: \"static/**\"\n    urls: https://www.example.com/{path}\n"
)

// change is a planned change as the cases spell it.
type change struct{ Path, Status, Signal string }

func TestPlan(t *testing.T) {
	repo := t.TempDir()
	shas, err := gitfixture.Build(repo, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{"static/a.css": "a", "README": "r"}},
		{Message: "two", Write: map[string]string{"static/a.css": "b"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sha := func(s string) string { return strings.NewReplacer("c0", shas[0], "c1", shas[1]).Replace(s) }
	for _, c := range []struct {
		name string
		yml  string
		from string            // --from
		prev map[string]string // the last purged build; nil for none
		at   string            // the commit its manifest recorded
		site map[string]string // the build; "link:" makes a symlink
		to   string            // the head; "" without a repository
		// want
		changes  []change
		rng      plan.Range // Source without the manifest's path
		fallback string
		warning  string
		err      string // its parts split at "…"
	}{
		{
			name: "a first run under all: every file is new", yml: "on_unknown_base: all\n" + outputRules,
			site:    map[string]string{"index.html": "one"},
			changes: []change{{"public/index.html", "A", "output"}},
			rng:     plan.Range{Source: "output manifest"},
		},
		{
			name: "a first run under cpcode falls back, without the git side", yml: "on_unknown_base: cpcode\ncpcodes: [5]\n" + gitRules,
			site: map[string]string{"index.html": "one"}, to: "c1",
			changes:  []change{{"public/index.html", "A", "output"}},
			rng:      plan.Range{To: "c1", Source: "output manifest"},
			fallback: "on_unknown_base is cpcode",
		},
		{
			name: "the git side starts at the manifest's commit", yml: gitRules,
			prev: map[string]string{"app.css": "one"}, at: "c0",
			site: map[string]string{"app.css": "two"}, to: "c1",
			changes: []change{{"public/app.css", "M", "output"}, {"static/a.css", "M", "git"}},
			rng:     plan.Range{From: "c0", To: "c1", Source: "output manifest"},
		},
		{
			name: "--from starts the git side", yml: gitRules, from: "c1",
			prev: map[string]string{"index.html": "one"}, at: "c0",
			site: map[string]string{"index.html": "one"}, to: "c1",
			changes: []change{},
			rng:     plan.Range{From: "c0", To: "c1", Source: "output manifest"},
		},
		{
			name: "a commit the clone lacks: the shallow-clone hint", yml: gitRules, from: "v9",
			prev: map[string]string{"index.html": "one"}, at: "c0",
			site: map[string]string{"index.html": "two"}, to: "c1",
			err: "starts at v9: resolve \"v9\": …(a shallow clone? fetch the history",
		},
		{
			name: "a git rule without a repository", yml: gitRules,
			prev: map[string]string{"index.html": "one"},
			site: map[string]string{"index.html": "two"},
			err:  "there is no repository",
		},
		{
			name: "a skipped file is a warning", yml: "on_unknown_base: all\n" + outputRules,
			site:    map[string]string{"index.html": "one", "out.html": "link:/nowhere"},
			changes: []change{{"public/index.html", "A", "output"}},
			rng:     plan.Range{Source: "output manifest"},
			warning: "build output: out.html: symlink skipped",
		},
		{
			name: "the plan's own error", yml: "on_unknown_base: all\nunmatched: error\noutput: {dir: public}\nrules:\n  - match: \"public/*.css\"\n    strip: public/\n    urls: https://www.example.com/{path}\n",
			site: map[string]string{"index.html": "one"},
			err:  "unmatched: error",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg, dir := config(t, c.yml), t.TempDir()
			f := Flags{SiteDir: filepath.Join(dir, "public"), Manifest: filepath.Join(dir, "m.gz"), From: sha(c.from)}
			writeSite(t, f.SiteDir, c.site)
			if c.prev != nil {
				writeManifest(t, cfg, filepath.Join(dir, "prev"), f.Manifest, sha(c.at), c.prev)
			}
			got, err := Plan(context.Background(), f, repo, cfg, "", sha(c.to), plan.SettingsOf(cfg))
			if c.err != "" {
				checkErr(t, err, c.err)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := plan.Range{From: sha(c.rng.From), To: sha(c.rng.To), Source: c.rng.Source + " " + f.Manifest}
			if d := gocmp.Diff(want, got.Range); d != "" {
				t.Errorf("range (-want +got):\n%s", d)
			}
			if d := gocmp.Diff(c.changes, changesOf(got.Plan.Changes)); d != "" {
				t.Errorf("changes (-want +got):\n%s", d)
			}
			checkPlanned(t, got, sha(c.to), c.fallback, c.warning)
		})
	}
}

// checkPlanned checks what every build-output plan holds: its mode, the
// comparison's stats, the head in the manifest to record, the fallback
// and a warning (none when "").
func checkPlanned(t *testing.T, got *Planned, to, fallback, warning string) {
	t.Helper()
	p := got.Plan
	if p.Mode != "output" || p.Output != got.Side.Stats || got.Side.Manifest.Commit != to {
		t.Errorf("mode %q, output %v, manifest commit %q; want output, the side's stats, %q", p.Mode, p.Output, got.Side.Manifest.Commit, to)
	}
	if p.Fallback.Used != (fallback != "") || !strings.Contains(p.Fallback.Reason, fallback) {
		t.Errorf("fallback %+v; want one with %q (none for \"\")", p.Fallback, fallback)
	}
	if w := strings.Join(p.Warnings, "\n"); (warning == "") != (w == "") || !strings.Contains(w, warning) {
		t.Errorf("warnings %q; want one with %q (none for \"\")", p.Warnings, warning)
	}
	if len(got.Mapped.Matches) != len(p.Changes) {
		t.Errorf("mapped %d paths; want the %d changes", len(got.Mapped.Matches), len(p.Changes))
	}
}

// checkErr fails unless err holds each part of want, split at "…".
func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	for part := range strings.SplitSeq(want, "…") {
		if err == nil || !strings.Contains(err.Error(), part) {
			t.Fatalf("error %v; want one with %q", err, part)
		}
	}
}

func changesOf(cs []diff.Change) []change {
	out := []change{}
	for _, c := range cs {
		out = append(out, change{c.Path, string(c.Status), c.Signal})
	}
	return out
}

// writeSite writes files under dir; a body "link:TARGET" is a symlink.
func writeSite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		var err error
		if target, ok := strings.CutPrefix(body, "link:"); ok {
			err = os.Symlink(target, p)
		} else {
			err = os.WriteFile(p, []byte(body), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// writeManifest writes to path the manifest of a build of files made at
// commit.
func writeManifest(t *testing.T, cfg *mapper.Config, dir, path, commit string, files map[string]string) {
	t.Helper()
	writeSite(t, dir, files)
	m, err := output.Hash(context.Background(), dir, plan.OutputOptions(cfg.Output))
	if err != nil {
		t.Fatal(err)
	}
	m.Commit = commit
	data, err := EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestEncodeManifest(t *testing.T) {
	file := func(p string) output.File { return output.File{Path: p} }
	for _, c := range []struct {
		name string
		m    *output.Manifest
		err  string
	}{
		{"sorted files round-trip", &output.Manifest{Commit: "abc", Files: []output.File{file("a.html"), file("b/c.css")}}, ""},
		{"no files", &output.Manifest{Files: []output.File{}}, ""},
		{"unsorted files are refused", &output.Manifest{Files: []output.File{file("b"), file("a")}}, "sorted by path"},
		{"a file twice is refused", &output.Manifest{Files: []output.File{file("a"), file("a")}}, "each once"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data, err := EncodeManifest(c.m)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || data != nil {
					t.Fatalf("%d bytes, %v; want no bytes and an error with %q", len(data), err, c.err)
				}
				return
			}
			path := filepath.Join(t.TempDir(), "m.gz")
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			back, err := ReadManifest(path)
			if err != nil {
				t.Fatal(err)
			}
			if back.Commit != c.m.Commit || len(back.Files) != len(c.m.Files) {
				t.Errorf("read back commit %q, %d files; want %q, %d", back.Commit, len(back.Files), c.m.Commit, len(c.m.Files))
			}
		})
	}
}
