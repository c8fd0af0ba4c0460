package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var explainPaths = []string{
	"public/blog/index.html", "./public/a b/é.html", "_posts/2024-01-02-Hello.md", "layouts/base.html",
	"public/app.js.map", "public/drafts/x.html", "README.md", "public/../../etc/passwd",
}

func TestExplainGolden(t *testing.T) {
	cfg := filepath.Join("testdata", "explain", "config.yml")
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"text.golden", append([]string{"explain", "--config", cfg}, explainPaths...)},
		// Flags after the paths, and "--" before a path that looks like a flag.
		{"json.golden", append(append([]string{"explain"}, explainPaths...), "--config", cfg, "--output", "json", "--", "-x.html")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			checkGolden(t, "explain/"+tc.name, r.stdout)
		})
	}
}

// TestExplainContract checks the JSON independently of the golden bytes.
func TestExplainContract(t *testing.T) {
	r := run(t, "explain", "--config", filepath.Join("testdata", "explain", "config.yml"), "--output", "json", "public/blog/index.html", "README.md", "public/x.js.map")
	var doc struct {
		Config string
		Paths  []struct {
			Path, Status, At, Reason string
			Rule                     int
			Objects                  []struct{ Type, Value string }
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != 0 {
		t.Fatalf("exit %d, %v:\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	var got []string
	for _, p := range doc.Paths {
		got = append(got, p.Status+" "+p.At)
	}
	want := []string{"matched testdata/explain/config.yml:6:5", "unmatched ", "ignored testdata/explain/config.yml:4:10"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if n := len(doc.Paths[0].Objects); n != 4 {
		t.Errorf("index.html gave %d objects, want blog/, blog, blog/index.html and the sitemap", n)
	}
}

func TestExplainFromRepository(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	r := run(t, "explain", "--repo", dir, "public/new/page.html")
	if r.code != 0 || !strings.Contains(r.stdout, `"public/new/page.html": matched by rule 1 at `+filepath.Join(dir, ".ccu-purge.yml")+":5:5") ||
		!strings.Contains(r.stdout, "url    https://www.example.com/new/page.html") {
		t.Errorf("exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
}

func TestExplainErrors(t *testing.T) {
	bad := filepath.Join("testdata", "explain", "bad.yml")
	for _, tc := range []struct {
		name string
		args []string
		want []string // fragments of stderr
	}{
		{"config errors with positions", []string{"explain", "--config", bad, "a.html"}, []string{
			bad + `:1:10: unsupported version "2"; valid versions are [1]`,
			bad + `:5:12: bad glob "public/[x" in rule 1 ("pages") match`,
			bad + `:6:11: rule 1 ("pages"): template "{base}{path}": put a / after {base}`,
			bad + `:8:11: rule 2: template "{base}/{year}/{slug|upper}" uses unknown placeholder {year}; valid placeholders are {base}, {host}, {path}, {dir}, {name}, {stem}, {ext}, {parent}, {slug}, {y}`,
			bad + `:9:12: rule 2 tags: cache tag "a b" has ' '`,
			bad + `:11:5: unknown key "action" in rule 3; valid keys are also, base_url`,
		}},
		{"no paths", []string{"explain", "--config", filepath.Join("testdata", "explain", "config.yml")}, []string{"no paths given"}},
		{"bad output", []string{"explain", "--config", bad, "--output", "yaml", "a"}, []string{`unknown --output "yaml"`}},
		{"missing config", []string{"explain", "--config", "nope.yml", "a"}, []string{"config file not found: nope.yml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2:\n%s%s", r.code, r.stdout, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

// TestValidateListsEveryError runs validate on a config with one problem
// per kind of key: every one is listed with its position, exit 2.
func TestValidateListsEveryError(t *testing.T) {
	bad := filepath.Join("testdata", "explain", "bad.yml")
	r := run(t, "validate", "--config", bad)
	if r.code != ExitUsage || !strings.Contains(r.stderr, "6 problem(s)") {
		t.Fatalf("exit %d, want 2 and 6 problems:\n%s%s", r.code, r.stdout, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	var pos []string
	for _, l := range lines {
		f := strings.SplitN(l, ":", 4)
		pos = append(pos, strings.Join(f[1:3], ":"))
	}
	if d := cmp.Diff([]string{"1:10", "5:12", "6:11", "8:11", "9:12", "11:5"}, pos); d != "" {
		t.Errorf("positions (-want +got):\n%s\n%s", d, r.stdout)
	}
}

// TestValidateShippedConfigs validates every config the project ships.
func TestValidateShippedConfigs(t *testing.T) {
	configs, _ := filepath.Glob(filepath.Join("..", "..", "examples", "*", ".ccu-purge.yml"))
	configs = append(configs, filepath.Join("..", "..", ".ccu-purge.yml.example"), filepath.Join("testdata", "explain", "config.yml"))
	if len(configs) < 8 {
		t.Fatalf("found %d configs, want the example, the test config and at least 6 examples", len(configs))
	}
	for _, c := range configs {
		if r := run(t, "validate", "--config", c); r.code != 0 || !strings.Contains(r.stdout, ": ok,") {
			t.Errorf("validate %s: exit %d\n%s%s", c, r.code, r.stdout, r.stderr)
		}
	}
}

// TestPlanPolicyErrors: unmatched: error and a max_objects without
// fallback make plan and purge exit 2 with the reason and send nothing.
func TestPlanPolicyErrors(t *testing.T) {
	for _, tc := range []struct {
		name, config, want string
	}{
		{"unmatched error", "unmatched: error\n" + siteConfig, `changed files no rule covers (unmatched: error): 1 changed file(s) no rule covers, so not purged: "docs/notes.txt"`},
		{"max_objects", "max_objects: 2\n" + siteConfig, "too many objects: 5 objects exceed max_objects 2 and there is no fallback"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := site(t, tc.config, nil)
			for _, cmd := range []string{"plan", "purge"} {
				r := run(t, cmd, "--repo", dir, "--from", "v1", "--edgerc", "/nonexistent")
				if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) || strings.Contains(r.stdout, "would POST") {
					t.Errorf("%s: exit %d, want 2 and %q:\n%s%s", cmd, r.code, tc.want, r.stdout, r.stderr)
				}
			}
		})
	}
}
