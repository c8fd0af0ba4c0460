package build

import (
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

func config(t *testing.T, yml string) *mapper.Config {
	t.Helper()
	if !strings.Contains(yml, "rules:") {
		yml += "rules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n"
	}
	cfg, err := mapper.Parse("c.yml", []byte(yml))
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestManifestPath(t *testing.T) {
	withFile := config(t, "network: staging\noutput: {dir: public, manifest: .cache/m.gz}\n")
	bare := config(t, "network: staging\n")
	for _, c := range []struct {
		name      string
		f         Flags
		cfg       *mapper.Config
		want, err string
	}{
		{"--manifest wins", Flags{Manifest: "/ci/m.gz", State: "s.json"}, withFile, "/ci/m.gz", ""},
		{"output.manifest, under the root", Flags{State: "s.json"}, withFile, "/repo/.cache/m.gz", ""},
		{"beside the state, per network", Flags{State: "/ci/state.json"}, bare, "/ci/state.json.staging.manifest.gz", ""},
		{"nowhere", Flags{}, bare, "", "pass --manifest FILE"},
	} {
		got, err := ManifestPath(c.f, c.cfg, "/repo")
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: %q, %v; want %q, error with %q", c.name, got, err, c.want, c.err)
		}
	}
}

func TestFirstRun(t *testing.T) {
	for policy, want := range map[string]string{"cpcode": "on_unknown_base is cpcode", "all": "", "fail": "error"} {
		force, err := firstRun(config(t, "on_unknown_base: "+policy+"\ncpcodes: [5]\n"), "m.gz")
		switch {
		case want == "error" && (err == nil || !strings.Contains(err.Error(), "set on_unknown_base: cpcode")):
			t.Errorf("%s: %v; want an error with the fix", policy, err)
		case want != "error" && (err != nil || !strings.Contains(force, want) || (want == "") != (force == "")):
			t.Errorf("%s: force %q, %v; want %q", policy, force, err, want)
		}
	}
}

func TestGitFrom(t *testing.T) {
	gitRule := config(t, "output: {dir: public}\nrules:\n  - match: \"static/**\"\n    urls: https://www.example.com/{path}\n")
	outputOnly := config(t, "output: {dir: public}\nrules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n")
	recorded := &Side{Stats: &plan.OutputStats{Commit: "abc"}}
	first := &Side{Stats: &plan.OutputStats{}}
	for _, c := range []struct {
		name      string
		f         Flags
		cfg       *mapper.Config
		side      *Side
		to        string
		want, err string
	}{
		{"--from wins", Flags{From: "v1"}, gitRule, recorded, "head", "v1", ""},
		{"the manifest's commit", Flags{}, gitRule, recorded, "head", "abc", ""},
		{"a first run: every file", Flags{}, gitRule, first, "head", diff.EmptyTree, ""},
		{"no rule listens to git", Flags{}, outputOnly, recorded, "head", "", ""},
		{"a CP-code first run", Flags{}, gitRule, &Side{Stats: &plan.OutputStats{}, Force: "first run"}, "head", "", ""},
		{"no repository", Flags{}, gitRule, recorded, "", "", "there is no repository"},
	} {
		got, err := GitFrom(c.f, c.cfg, c.side, c.to)
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("%s: %q, %v; want %q, error with %q", c.name, got, err, c.want, c.err)
		}
	}
}
