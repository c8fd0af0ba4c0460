package mapper

import (
	"errors"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestEscapePath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"public/a b/é#1.html", "public/a%20b/%C3%A9%231.html"},
		{"100%.html", "100%25.html"},
		{"q?x=1", "q%3Fx=1"},
		{`"<>{}` + "`", "%22%3C%3E%7B%7D%60"},
		{"keep+&'()!*,;=:@$~-_.", "keep+&'()!*,;=:@$~-_."},
		{"tab\there\nnl\x7f", "tab%09here%0Anl%7F"},
		{"e\u0301", "e%CC%81"}, // NFD stays NFD: the bytes git stores
	} {
		if got := EscapePath(tc.in); got != tc.want {
			t.Errorf("EscapePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const good = `
api: fast-purge
network: staging
threshold: 3
cpcodes: [12345, "678"]
ignore: ["**/*.map", "drafts/**"]
rules:
  - match: "public/**/*.css"
    strip: public/
    urls: https://static.example.com/{path}
  - match: ["public/**", "root.txt"]
    strip: public/
    urls:
      - https://www.example.com/{path}
      - https://example.com/{dir}{name}
  - match: layouts/**
    cpcodes: 999
`

func TestMap(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	res := cfg.Map([]string{"public/a b/é#1.html", "public/css/x.css", "public/x.js.map", "layouts/base.html", "README.md", "public/a b/é#1.html"})
	want := []Object{
		{purge.URL, "https://www.example.com/a%20b/%C3%A9%231.html"},
		{purge.URL, "https://example.com/a%20b/%C3%A9%231.html"},
		{purge.URL, "https://static.example.com/css/x.css"},
		{purge.CPCode, "999"},
	}
	if d := cmp.Diff(want, res.Objects); d != "" {
		t.Errorf("objects (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"README.md"}, res.Unmatched); d != "" {
		t.Errorf("unmatched (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"public/x.js.map"}, res.Ignored); d != "" {
		t.Errorf("ignored (-want +got):\n%s", d)
	}
	if got := res.Matches[1].Rule; got != 1 {
		t.Errorf("css matched rule %d, want the first matching rule 1", got)
	}
	if cfg.Network != "staging" || cfg.Action != "invalidate" || cfg.API != purge.FastPurge || cfg.Threshold != 3 {
		t.Errorf("settings = %+v", cfg)
	}
	if d := cmp.Diff([]int64{12345, 678}, cfg.CPCodes); d != "" {
		t.Errorf("cpcodes (-want +got):\n%s", d)
	}
}

func TestARL(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("rules:\n  - match: '**'\n    urls: /L/512/6848/1h/www.example.com/{path}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Map([]string{"a.html"}).Objects
	want := []Object{{purge.ARL, "/L/512/6848/1h/www.example.com/a.html"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      []string // each a fragment of one error, in order
	}{
		{"unknown key", "rules:\n  - match: a\n    url: https://x/{path}\n", []string{"c.yml:3:5: unknown key \"url\" in rule 1; did you mean \"urls\"? valid keys are also, base_url, cpcodes, each, hosts, ignore, index, index_forms, match, name, pretty, pretty_forms, regex, source, strip, tags, urls"}},
		{"bad glob", "rules:\n  - match: 'public/[a'\n    urls: https://x.com/{path}\n", []string{"c.yml:2:12: bad glob \"public/[a\""}},
		{"bad template", "rules:\n  - match: a\n    urls: www.example.com/{path}\n", []string{"c.yml:3:11: rule 1: template \"www.example.com/{path}\" does not make an absolute http(s) URL"}},
		{"unknown placeholder", "rules:\n  - match: a\n    urls: https://x.com/{file}\n", []string{"c.yml:3:11: rule 1: template \"https://x.com/{file}\" uses unknown placeholder {file}"}},
		{"no path", "rules:\n  - match: a\n    urls: https://x.com/\n", []string{"names no file"}},
		{"upper host", "rules:\n  - match: a\n    urls: https://WWW.x.com/{path}\n", []string{`c.yml:3:11: rule 1: template "https://WWW.x.com/{path}" has the host "WWW.x.com"; write hosts in lower case`}},
		{"bad enum", "api: v2\nrules:\n  - match: a\n    cpcodes: 1\n", []string{`c.yml:1:6: unknown api "v2"; valid values are ["fast-purge" "ccu-v2"]`}},
		{"threshold without cpcodes", "threshold: 10\nrules:\n  - match: a\n    cpcodes: 1\n", []string{"c.yml:1:12: threshold is set but neither cpcodes nor tags is"}},
		{"bad cpcode", "cpcodes: [abc]\nrules:\n  - match: a\n    cpcodes: 1\n", []string{"c.yml:1:11: CP code \"abc\" is not a positive number"}},
		{"no rules", "api: fast-purge\n", []string{"c.yml:1:1: no rules"}},
		{"empty", "", []string{"c.yml:1:1: config is empty"}},
		{"rule purges nothing", "rules:\n  - match: a\n", []string{"c.yml:2:5: rule 1 purges nothing"}},
		{"invalid yaml", "rules: [\n", []string{"c.yml:1:1: invalid YAML"}},
		{"several", "nope: 1\nrules:\n  - match: '[x'\n    urls: ftp://x/{path}\n", []string{"c.yml:1:1: unknown key \"nope\"", "c.yml:3:12: bad glob", "c.yml:4:11: rule 1: template"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yml", []byte(tc.yml))
			var errs Errors
			if !errors.As(err, &errs) {
				t.Fatalf("Parse error = %v, want Errors", err)
			}
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d = %q, want it to contain %q", i, errs[i].Error(), w)
				}
			}
		})
	}
}

func TestLoadMissing(t *testing.T) {
	t.Parallel()
	_, err := Load(t.TempDir() + "/.ccu-purge.yml")
	if !errors.Is(err, ErrNoConfig) || !strings.Contains(err.Error(), "--config") {
		t.Fatalf("Load(missing) = %v, want ErrNoConfig with a hint", err)
	}
}

func TestExampleConfig(t *testing.T) {
	t.Parallel()
	cfg, err := Load("../../.ccu-purge.yml.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) == 0 {
		t.Fatal("example config has no rules")
	}
	if !cfg.Verify.Set || cfg.Verify.SiteDir == "" {
		t.Errorf("example config has no verify: section with site_dir: %+v", cfg.Verify)
	}
}

// commentedKey is a commented-out key of the example's verify: section
// ("  # origin: …") or a line of its value ("  #   - match: …"); prose
// comments start with a capital letter.
var commentedKey = regexp.MustCompile(`(?m)^  # ((?:[a-z_]+:|  ).*)$`)

// The keys the example shows commented out still load once uncommented
// (all at once, on network: staging where staging_edge applies), so the
// comments cannot rot either.
func TestExampleConfigCommentedVerify(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../.ccu-purge.yml.example")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\nverify:\n")
	if !ok {
		t.Fatal("the example has no verify: section")
	}
	open := commentedKey.ReplaceAllString(section, "  $1")
	if n := len(commentedKey.FindAllString(section, -1)); n < 8 {
		t.Fatalf("found %d commented verify lines, want the 8 or more the example shows", n)
	}
	cfg, err := Parse("example", []byte("network: staging\n"+rule1+"verify:\n"+open))
	if err != nil {
		t.Fatalf("the example's commented verify keys, uncommented:\n%s\n%v", open, err)
	}
	if cfg.Verify.StagingEdge == "" || len(cfg.Verify.Normalize) == 0 || cfg.Verify.Origin == "" {
		t.Errorf("uncommented keys missing: %+v", cfg.Verify)
	}
}

// The example's output: section is commented out whole (build-output
// mode is opt-in); uncommented, it loads with every key set.
func TestExampleConfigCommentedOutput(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../.ccu-purge.yml.example")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n# output:\n")
	if !ok {
		t.Fatal("the example has no commented output: section")
	}
	lines := strings.Split(strings.TrimRight(section, "\n"), "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(l, "#")
		if !ok {
			t.Fatalf("line %d of the output: section is not commented: %q", i+1, l)
		}
		lines[i] = rest
	}
	cfg, err := Parse("example", []byte(rule1+"output:\n"+strings.Join(lines, "\n")+"\n"))
	if err != nil {
		t.Fatalf("the example's output: section, uncommented:\n%s\n%v", strings.Join(lines, "\n"), err)
	}
	o := cfg.Output
	if o.Dir == "" || o.Manifest == "" || len(o.Normalize) == 0 || len(o.Immutable) == 0 || !o.MaxRemovedSet || o.Volatility == 0 || o.SampleBytes == 0 {
		t.Errorf("uncommented keys missing: %+v", o)
	}
}

func TestUnknownBaseSettings(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("rules:\n  - match: a\n    cpcodes: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OnUnknownBase != UnknownBaseFail || cfg.Fetch != FetchAuto {
		t.Errorf("defaults: on_unknown_base %q fetch %q, want fail and auto", cfg.OnUnknownBase, cfg.Fetch)
	}
	_, err = Parse("c.yml", []byte("on_unknown_base: cpcode\nrules:\n  - match: a\n    cpcodes: 1\n"))
	if err == nil || !strings.Contains(err.Error(), "c.yml:1:18: on_unknown_base: cpcode needs cpcodes") {
		t.Errorf("cpcode policy without cpcodes: %v", err)
	}
	_, err = Parse("c.yml", []byte("fetch: always\nrules:\n  - match: a\n    cpcodes: 1\n"))
	if err == nil || !strings.Contains(err.Error(), `unknown fetch "always"; valid values are ["auto" "never"]`) {
		t.Errorf("bad fetch: %v", err)
	}
}
