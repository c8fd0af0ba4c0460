package cli

import (
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// submoduleSite builds, with the git binary, a theme repository of two
// commits and a site that adds it as a submodule at at (public/sub, or
// public itself) on the first and bumps it to the second. It returns the
// site, the theme's two commits and the site's two commits.
func submoduleSite(t *testing.T, config, at string) (dir string, theme, site [2]string) {
	t.Helper()
	root := t.TempDir()
	th := filepath.Join(root, "theme")
	dir = filepath.Join(root, "site")
	for _, d := range []string{th, dir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		gitCmd(t, d, "init", "-q", "-b", "main")
	}
	for i, v := range []string{"v1", "v2"} {
		submoduleWrite(t, filepath.Join(th, "style.css"), v)
		gitCmd(t, th, "add", ".")
		gitCmd(t, th, "commit", "-qm", v)
		theme[i] = gitCmd(t, th, "rev-parse", "HEAD")
	}
	gitCmd(t, th, "checkout", "-q", theme[0])
	submoduleWrite(t, filepath.Join(dir, ".ccu-purge.yml"), config)
	if at != "public" {
		submoduleWrite(t, filepath.Join(dir, "public", "index.html"), "home")
	}
	gitCmd(t, dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", th, at)
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-qm", "add the theme")
	site[0] = gitCmd(t, dir, "rev-parse", "HEAD")
	gitCmd(t, filepath.Join(dir, at), "checkout", "-q", theme[1])
	gitCmd(t, dir, "add", at)
	gitCmd(t, dir, "commit", "-qm", "bump the theme")
	site[1] = gitCmd(t, dir, "rev-parse", "HEAD")
	return dir, theme, site
}

// submoduleWrite writes a file of a test repository, with its folders.
func submoduleWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSubmoduleBump: a submodule bump in a real repository never passes
// quietly. Under a served folder or as the served folder itself, the plan
// names the submodule and both commits; warn (the default without
// cpcodes) says its files are not purged, cpcode (the default with them)
// purges the CP codes, error exits 2 with the fix.
func TestSubmoduleBump(t *testing.T) {
	const rules = "rules:\n  - match: 'public/**'\n    strip: public/\n    urls: https://www.example.com/{path}\n"
	for _, tc := range []struct {
		name, config, at string
		code             int
		out, errOut      []string // fragments; %A and %B stand for the theme's commits (12 digits)
	}{
		{"bump under public, default warn", rules, "public/sub", 0,
			[]string{`M "public/sub"`, `Submodules moved (1)`, `submodule "public/sub" moved from %A to %B (its files are NOT purged)`, "Warning: a submodule's files are not purged (submodules: warn): set submodules: cpcode", "https://www.example.com/sub"}, nil},
		{"public is the submodule, default warn", rules, "public", 0,
			[]string{`submodule "public" moved from %A to %B (its files are NOT purged)`, "Warning: a submodule's files are not purged", "Nothing to purge."}, nil},
		{"public is the submodule, error", "submodules: error\n" + rules, "public", 2,
			nil, []string{`a submodule moved (submodules: error): submodule "public" moved from %A to %B`, "set submodules: cpcode with cpcodes:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, theme, site := submoduleSite(t, tc.config, tc.at)
			r := run(t, "plan", "--repo", dir, "--from", site[0], "--to", site[1])
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			shas := strings.NewReplacer("%A", theme[0][:12], "%B", theme[1][:12])
			for _, f := range tc.out {
				if f = shas.Replace(f); !strings.Contains(r.stdout, f) {
					t.Errorf("stdout lacks %q:\n%s", f, r.stdout)
				}
			}
			for _, f := range tc.errOut {
				if f = shas.Replace(f); !strings.Contains(r.stderr, f) {
					t.Errorf("stderr lacks %q:\n%s", f, r.stderr)
				}
			}
			if strings.Contains(r.stdout, "Unmatched") {
				t.Errorf("the submodule is reported as an unmatched file:\n%s", r.stdout)
			}
		})
	}
}

// TestSubmoduleBumpJSON: the JSON plan carries each gitlink's commits on
// the change and in submodules, and the warning.
func TestSubmoduleBumpJSON(t *testing.T) {
	dir, theme, site := submoduleSite(t, "rules:\n  - match: 'public/**'\n    urls: https://www.example.com/{path}\n", "public")
	r := run(t, "plan", "--repo", dir, "--from", site[0], "--to", site[1], "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var p struct {
		Changes []struct {
			Path, Kind string
			Submodule  struct{ From, To string }
		}
		Unmatched  []string
		Submodules []struct {
			Path, From, To string
			Covered        bool
		}
		Warnings []string
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Changes) != 1 || p.Changes[0].Kind != "gitlink" || p.Changes[0].Submodule.From != theme[0] || p.Changes[0].Submodule.To != theme[1] {
		t.Errorf("changes = %+v, want public moved %s → %s", p.Changes, theme[0], theme[1])
	}
	if len(p.Submodules) != 1 || p.Submodules[0].Path != "public" || p.Submodules[0].From != theme[0] || p.Submodules[0].To != theme[1] || p.Submodules[0].Covered {
		t.Errorf("submodules = %+v", p.Submodules)
	}
	if len(p.Unmatched) != 0 || len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0], `submodule "public" moved from `+theme[0][:12]) {
		t.Errorf("unmatched %q, warnings %q", p.Unmatched, p.Warnings)
	}
}

// TestSubmoduleBumpCPCode: with cpcodes and no submodules key, a bump of
// the served folder purges the CP codes, over real HTTPS.
func TestSubmoduleBumpCPCode(t *testing.T) {
	dir, theme, site := submoduleSite(t, "cpcodes: [12345]\nrules:\n  - match: 'public/**'\n    urls: https://www.example.com/{path}\n", "public")
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--repo", dir, "--from", site[0], "--to", site[1]}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	purges := sim.Purges()
	if len(purges) != 1 || purges[0].Type != "cpcode" || strings.Join(purges[0].Objects, ",") != "12345" {
		t.Fatalf("simulator got %+v, want one purge of CP code 12345", purges)
	}
	want := `Fallback: submodule "public" moved from ` + theme[0][:12] + " to " + theme[1][:12] + ", and submodules is cpcode: purging CP codes 12345 instead"
	if !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "(purged by the fallback)") {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}
}

// TestActionSubmoduleWarning: in the Action, a submodule whose files are
// not purged is an annotation and a line of the job summary, and
// fail-on: warning fails on it.
func TestActionSubmoduleWarning(t *testing.T) {
	const config = "rules:\n  - match: 'public/**'\n    strip: public/\n    urls: https://www.example.com/{path}\n"
	for _, tc := range []struct {
		failOn string
		code   int
	}{{"error", 0}, {"warning", 1}} {
		t.Run(tc.failOn, func(t *testing.T) {
			dir, theme, site := submoduleSite(t, config, "public/sub")
			g := newGHA(t, siteConfig, map[string]any{"before": site[0], "after": site[1]})
			g.dir, g.env = dir, append(g.env, "GITHUB_SHA="+site[1])
			code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "fail-on": tc.failOn})
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			moved := `submodule "public/sub" moved from ` + theme[0][:12] + " to " + theme[1][:12]
			if want := "::warning::" + moved + ": its files are not purged (submodules: warn)"; !strings.Contains(out, want) {
				t.Errorf("log lacks %q:\n%s", want, out)
			}
			if sum, want := g.file(g.summary), "**Submodule:** "+html.EscapeString(moved)+" (its files are NOT purged)"; !strings.Contains(sum, want) {
				t.Errorf("summary lacks %q:\n%s", want, sum)
			}
			if p := g.sim.Purges(); len(p) != 1 || strings.Join(p[0].Objects, " ") != "https://www.example.com/sub" {
				t.Errorf("simulator got %+v, want the rule's one URL", p)
			}
		})
	}
}

// TestSubmoduleInReport: a purge that succeeds while a submodule's files
// are not purged (submodules: warn) says so in --report too, so the file a
// pipeline keeps never reads as a complete purge.
func TestSubmoduleInReport(t *testing.T) {
	const config = "rules:\n  - match: 'public/**'\n    strip: public/\n    urls: https://www.example.com/{path}\n"
	dir, theme, site := submoduleSite(t, config, "public/sub")
	_, flags := simulator(t, ccusim.Options{})
	rep := filepath.Join(t.TempDir(), "report.json")
	r := run(t, append([]string{"purge", "--repo", dir, "--from", site[0], "--to", site[1], "--report", rep}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	got := readJSON[struct {
		Submodules []struct{ Path, From, To string }
		Warnings   []string
	}](t, rep)
	if len(got.Submodules) != 1 || got.Submodules[0].Path != "public/sub" || got.Submodules[0].From != theme[0] || got.Submodules[0].To != theme[1] {
		t.Errorf("report submodules = %+v, want public/sub from %s to %s", got.Submodules, theme[0], theme[1])
	}
	if len(got.Warnings) == 0 || !strings.Contains(strings.Join(got.Warnings, "\n"), "submodule") {
		t.Errorf("report warnings = %q, want the submodule warning", got.Warnings)
	}
}
