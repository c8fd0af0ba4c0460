package mapper

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// withOutput is a valid config whose output: section is body (indented
// by the caller): its first key is at line 5, column 3.
func withOutput(body string) string { return rule1 + "output:\n" + body }

// byPattern compares compiled regexes by their source.
var byPattern = cmp.Transformer("pattern", func(re *regexp.Regexp) string { return re.String() })

func res(srcs ...string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, s := range srcs {
		out = append(out, regexp.MustCompile(s))
	}
	return out
}

func TestOutputConfig(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(withOutput(`  dir: ./public/
  manifest: ci\.ccu-purge-manifest.gz
  normalize:
    - match: "**/*.html"
      strip: ['<meta name="generator"[^>]*>', 'data-build-time="[^"]*"']
    - strip: '\?v=[0-9a-f]+'
  immutable: ["**/*.????????.{js,css}", "fonts/**"]
  max_removed: 100
  volatility: 40%
  sample_bytes: 4096
`)))
	if err != nil {
		t.Fatal(err)
	}
	want := OutputConfig{
		Dir: "public", Manifest: "ci/.ccu-purge-manifest.gz",
		Normalize: []OutputNormalizer{
			{Match: "**/*.html", Strip: res(`<meta name="generator"[^>]*>`, `data-build-time="[^"]*"`)},
			{Strip: res(`\?v=[0-9a-f]+`)},
		},
		Immutable:  []string{"**/*.????????.{js,css}", "fonts/**"},
		MaxRemoved: 100, MaxRemovedSet: true, Volatility: 0.4, SampleBytes: 4096, Set: true,
	}
	if d := cmp.Diff(want, cfg.Output, byPattern); d != "" {
		t.Errorf("Output (-want +got):\n%s", d)
	}
}

// A config without the section has the zero OutputConfig, so every
// default is the caller's; "output:" alone or {} says it is present.
func TestOutputConfigUnset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      OutputConfig
	}{
		{"absent", rule1, OutputConfig{}},
		{"null", rule1 + "output:\n", OutputConfig{Set: true}},
		{"empty mapping", rule1 + "output: {}\n", OutputConfig{Set: true}},
		{"max_removed 0 is set", withOutput("  max_removed: 0\n"), OutputConfig{MaxRemovedSet: true, Set: true}},
		{"sample_bytes 0 keeps none", withOutput("  sample_bytes: 0\n"), OutputConfig{SampleBytes: -1, Set: true}},
		{"sample_bytes at the cap", withOutput("  sample_bytes: 65536\n"), OutputConfig{SampleBytes: 65536, Set: true}},
		{"volatility 100%", withOutput("  volatility: 100%\n"), OutputConfig{Volatility: 1, Set: true}},
		{"volatility share", withOutput("  volatility: 0.25\n"), OutputConfig{Volatility: 0.25, Set: true}},
		{"volatility 0.5%", withOutput("  volatility: 0.5%\n"), OutputConfig{Volatility: 0.005, Set: true}},
		{"volatility 1", withOutput("  volatility: 1\n"), OutputConfig{Volatility: 1, Set: true}},
		{"one immutable glob", withOutput("  immutable: 'assets/*.js'\n"), OutputConfig{Immutable: []string{"assets/*.js"}, Set: true}},
		{"dir dot", withOutput("  dir: .\n"), OutputConfig{Dir: ".", Set: true}},
		{"manifest beside dir", withOutput("  dir: public\n  manifest: public-manifest.gz\n"), OutputConfig{Dir: "public", Manifest: "public-manifest.gz", Set: true}},
		{"manifest before dir", withOutput("  manifest: m.gz\n  dir: out\n"), OutputConfig{Dir: "out", Manifest: "m.gz", Set: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.yml))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, cfg.Output, byPattern); d != "" {
				t.Errorf("Output (-want +got):\n%s", d)
			}
		})
	}
}

func TestOutputConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"not a mapping", "  - dir\n", []string{"c.yml:5:3: output must be a mapping of keys to values"}},
		{"unknown key", "  dri: public\n", []string{`c.yml:5:3: unknown key "dri" in output; did you mean "dir"? valid keys are dir, immutable, manifest, max_removed, normalize, sample_bytes, volatility`}},
		{"repeated key", "  dir: a\n  dir: b\n", []string{`c.yml:6:3: key "dir" appears twice in output`}},
		{"dir absolute", "  dir: /srv/www\n", []string{`c.yml:5:8: output.dir "/srv/www" must be relative to the repository root, such as public (give an absolute folder with --site-dir)`}},
		{"dir drive", `  dir: 'C:\site'` + "\n", []string{`output.dir "C:\\site" must be relative to the repository root`}},
		{"dir outside", "  dir: public/../../x\n", []string{`c.yml:5:8: output.dir "public/../../x" leads out of the repository`}},
		{"dir empty", "  dir: ''\n", []string{"c.yml:5:8: output.dir is empty: name the folder the site is built to"}},
		{"dir list", "  dir: [a]\n", []string{"c.yml:5:8: output.dir must be a single value"}},
		{"manifest empty", "  manifest: ''\n", []string{"c.yml:5:13: output.manifest is empty: name a file"}},
		{"manifest absolute", "  manifest: /tmp/m.gz\n", []string{`c.yml:5:13: output.manifest "/tmp/m.gz" must be relative to the repository root (give a file elsewhere, such as a CI cache, with --manifest FILE)`}},
		{"manifest outside", "  manifest: ../cache/m.gz\n", []string{`output.manifest "../cache/m.gz" leads out of the repository`}},
		{"manifest folder", "  manifest: cache/\n", []string{`c.yml:5:13: output.manifest "cache/" is a folder: name the file`}},
		{"manifest dot", "  manifest: .\n", []string{`output.manifest "." is a folder`}},
		{"manifest in dir", "  dir: public\n  manifest: public/m.gz\n", []string{`c.yml:6:13: output.manifest "public/m.gz" is inside output.dir "public": it would be hashed into itself and deployed with the site`}},
		{"manifest in dir dot", "  dir: .\n  manifest: m.gz\n", []string{`output.manifest "m.gz" is inside output.dir "."`}},
		{"manifest in dir before it", "  manifest: ./out/m.gz\n  dir: out/\n", []string{`c.yml:5:13: output.manifest "./out/m.gz" is inside output.dir "out"`}},
		{"max_removed negative", "  max_removed: -1\n", []string{`c.yml:5:16: output.max_removed must be a whole number, 0 or more (the most removed files one run may purge; 0 is no cap), not "-1"`}},
		{"max_removed share", "  max_removed: 10%\n", []string{`output.max_removed must be a whole number, 0 or more`}},
		{"volatility zero", "  volatility: 0%\n", []string{`c.yml:5:15: output.volatility must be a share of the HTML files above 0 and at most 100%, such as 50% or 0.5, not "0%"`}},
		{"volatility bare 50", "  volatility: 50\n", []string{`output.volatility must be a share of the HTML files above 0 and at most 100%, such as 50% or 0.5, not "50"`}},
		{"volatility over", "  volatility: 101%\n", []string{`not "101%"`}},
		{"volatility words", "  volatility: half\n", []string{`not "half"`}},
		{"volatility NaN", "  volatility: NaN%\n", []string{`not "NaN%"`}},
		{"volatility .nan", "  volatility: .nan\n", []string{`not ".nan"`}},
		{"volatility hex", "  volatility: 0x32%\n", []string{`not "0x32%"`}},
		{"volatility space", "  volatility: 50 %\n", []string{`not "50 %"`}},
		{"volatility quoted number", "  volatility: '0.5'\n", []string{`not "0.5"`}},
		{"sample_bytes over", "  sample_bytes: 65537\n", []string{`c.yml:5:17: output.sample_bytes must be a whole number from 0 to 65536 (bytes of a text file the manifest keeps for --explain-output; 0 keeps none), not "65537"`}},
		{"sample_bytes unit", "  sample_bytes: 4KB\n", []string{`not "4KB"`}},
		{"immutable empty list", "  immutable: []\n", []string{"c.yml:5:14: output.immutable is an empty list"}},
		{"immutable empty glob", "  immutable: ['']\n", []string{"c.yml:5:15: empty glob in output.immutable: it would match no file"}},
		{"immutable bad glob", "  immutable: ['[x']\n", []string{`c.yml:5:15: bad glob "[x" in output.immutable`}},
		{"immutable rooted", "  immutable: ['/assets/**']\n", []string{`c.yml:5:15: output.immutable: glob "/assets/**" starts with "/": paths are relative to output.dir: write assets/**`}},
		{"immutable dot slash", "  immutable: ['./**']\n", []string{`glob "./**" starts with "./": paths are relative to output.dir: write **`}},
		{"immutable the folder", "  immutable: ['/']\n", []string{`glob "/" names the folder itself, not files`}},
		{"immutable a mapping", "  immutable: {a: b}\n", []string{"output.immutable must be a value or a list of values"}},
		{"normalize not a list", "  normalize: {strip: x}\n", []string{"c.yml:5:14: output.normalize must be a non-empty list of entries, each with strip: (regexes) and optionally match: (a glob of paths under output.dir)"}},
		{"normalize no strip", "  normalize:\n    - match: '*.html'\n", []string{"c.yml:6:7: output.normalize entry 1 has no strip: add the regexes whose matches are removed before hashing"}},
		{"normalize unknown key", "  normalize:\n    - strips: x\n", []string{`c.yml:6:7: unknown key "strips" in output.normalize entry 1; did you mean "strip"?`, "has no strip"}},
		{"normalize bad glob", "  normalize:\n    - match: '[x'\n      strip: a\n", []string{`c.yml:6:14: bad glob "[x" in output.normalize entry 1 match`}},
		{"normalize rooted glob", "  normalize:\n    - match: '/blog/**'\n      strip: a\n", []string{`c.yml:6:14: output.normalize entry 1 match: glob "/blog/**" starts with "/": paths are relative to output.dir: write blog/**`}},
		{"normalize empty glob", "  normalize:\n    - match: ''\n      strip: a\n", []string{"empty glob in output.normalize entry 1 match: leave match: out to normalize every file"}},
		{"normalize bad regex", "  normalize:\n    - strip: [ok, '(a']\n", []string{`c.yml:6:19: output.normalize entry 1 strip: bad regex "(a"`}},
		{"normalize empty regex", "  normalize:\n    - strip: ''\n", []string{"c.yml:6:14: empty regex in output.normalize entry 1 strip"}},
		{"too many strip patterns", "  normalize:\n    - strip: [" + strings.Repeat("a,", 200) + "a]\n    - strip: [" + strings.Repeat("b,", 56) + "b]\n", []string{"c.yml:7:7: output.normalize has over 256 strip patterns, the limit: each pattern runs over every file of the build; join them with | in fewer regexes"}},
		{"several", "  dir: /x\n  volatility: 2\n", []string{"c.yml:5:8: output.dir", "c.yml:6:15: output.volatility"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFragments(t, parseErrs(t, withOutput(tc.body)), tc.want)
		})
	}
}

func TestRuleSource(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rule string
		want       []string
	}{
		{"unknown", "    source: diff\n", []string{`c.yml:4:13: rule 1: unknown source "diff"; valid values are ["git" "output"] (git: the diff decides; output: the build output does)`}},
		{"near miss", "    source: outptu\n", []string{`unknown source "outptu"; did you mean "output"?`}},
		{"a list", "    source: [git]\n", []string{"c.yml:4:13: rule 1 source must be a single value"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFragments(t, parseErrs(t, "rules:\n  - match: a\n    cpcodes: 1\n"+tc.rule), tc.want)
		})
	}
}

// Signal is the rule's source: when set; otherwise output only when
// every path the rule can match lies in the build folder.
func TestRuleSignal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rule, dir, want string
	}{
		{"no build folder", "match: 'public/**'", "", SourceGit},
		{"under the folder", "match: 'public/**'", "public", SourceOutput},
		{"nested folder", "match: 'out/site/**/*.html'", "out/site", SourceOutput},
		{"every glob under it", "match: ['public/a/**', 'public/b.html']", "public", SourceOutput},
		{"one glob outside", "match: ['public/**', 'layouts/**']", "public", SourceGit},
		{"a folder named alike", "match: 'publicity/**'", "public", SourceGit},
		{"a glob across folders", "match: '**/*.html'", "public", SourceGit},
		{"the folder is the root", "match: '**/*.html'", ".", SourceOutput},
		{"regex under it", "regex: 'public/(?P<p>.*)\\.html'", "public", SourceOutput},
		{"regex outside", "regex: '(public|static)/.*'", "public", SourceGit},
		{"git said", "match: 'public/**'\n    source: git", "public", SourceGit},
		{"output said", "match: 'content/**'\n    source: output", "public", SourceOutput},
		{"output said without a folder", "match: 'public/**'\n    source: output", "", SourceOutput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte("rules:\n  - "+tc.rule+"\n    cpcodes: 1\n"))
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.Rules[0].Signal(tc.dir); got != tc.want {
				t.Errorf("Signal(%q) = %q, want %q", tc.dir, got, tc.want)
			}
		})
	}
}

// Lint warns about a source: output rule no built file can reach, and
// about two different build folders.
func TestLintOutput(t *testing.T) {
	t.Parallel()
	const rules = "rules:\n  - match: 'public/**'\n    cpcodes: 1\n  - match: 'layouts/**'\n    source: output\n    cpcodes: 1\n"
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"unreachable", "output: {dir: public}\n" + rules, []string{`c.yml:5:5: warning: rule 2: source: output, but it matches no path under output.dir "public", so no built file reaches it: match public/… or say source: git`}},
		{"folder matches the rule", "output: {dir: layouts}\n" + rules, nil},
		{"glob across folders", "output: {dir: public}\nrules:\n  - match: '**/*.html'\n    source: output\n    cpcodes: 1\n", nil},
		{"no output.dir", rules, nil},
		{"two folders", "output: {dir: public}\nverify: {site_dir: dist}\nrules:\n  - match: 'public/**'\n    cpcodes: 1\n", []string{`c.yml:1:15: warning: output.dir "public" and verify.site_dir "dist" name different build folders: the site is built to one; make them the same`}},
		{"one folder", "output: {dir: public}\nverify: {site_dir: ./public}\nrules:\n  - match: 'public/**'\n    cpcodes: 1\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.yml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range cfg.Lint([]string{"public/a.html", "layouts/x.html"}) {
				got = append(got, w.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
		})
	}
}

// The Hugo example of docs/config.md loads, and its rule takes the
// built files from the build output, so the docs cannot rot.
func TestDocsOutputExample(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "### Example: a Hugo site")
	if !ok {
		t.Fatal("docs/config.md has no Hugo example under the output: section")
	}
	_, block, _ := strings.Cut(after, "```yaml\n")
	block, _, ok = strings.Cut(block, "```")
	if !ok {
		t.Fatal("the Hugo example has no yaml block")
	}
	cfg, err := Parse("config.md", []byte(block))
	if err != nil {
		t.Fatalf("the Hugo example:\n%s\n%v", block, err)
	}
	if got := cfg.Rules[0].Signal(cfg.Output.Dir); got != SourceOutput {
		t.Errorf("its rule's signal = %q, want %q", got, SourceOutput)
	}
	if len(cfg.Output.Normalize) == 0 || cfg.Output.Dir != "public" {
		t.Errorf("Output = %+v, want dir public with a normaliser", cfg.Output)
	}
}
