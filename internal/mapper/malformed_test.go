package mapper

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// manyRules is a config of n rules, one per folder, as a generator would
// write it.
func manyRules(n int) string {
	var b strings.Builder
	b.WriteString("base_url: https://www.example.com\nrules:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "  - match: 'section%d/**'\n    urls: '{base}/s%d/{path}'\n", i, i)
	}
	return b.String()
}

// manyNormalizers is a config with n verify.normalize entries, each
// stripping strip.
func manyNormalizers(n int, strip string) string {
	var b strings.Builder
	b.WriteString(rule1 + "verify:\n  normalize:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - match: '/s%d/**'\n      strip: '%s'\n", i, strip)
	}
	return b.String()
}

// manyOutput is a config with n output.normalize entries, each
// stripping strip, or (strip "") n output.immutable globs.
func manyOutput(n int, strip string) string {
	var b strings.Builder
	if strip == "" {
		b.WriteString(rule1 + "output:\n  immutable:\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "    - 'a%d/*.????????.js'\n", i)
		}
		return b.String()
	}
	b.WriteString(rule1 + "output:\n  normalize:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "    - match: 's%d/**'\n      strip: '%s'\n", i, strip)
	}
	return b.String()
}

// parseAlloc parses yml and says how many MB the process allocated
// meanwhile.
func parseAlloc(yml string) (uint64, error) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := Parse("c.yml", []byte(yml))
	runtime.ReadMemStats(&after)
	return (after.TotalAlloc - before.TotalAlloc) >> 20, err
}

// billionLaughs is the classic alias bomb: ten levels, each holding nine
// aliases of the level below, 9^10 values if expanded.
func billionLaughs() string {
	var b strings.Builder
	b.WriteString("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [", i, i)
		for j := 0; j < 9; j++ {
			fmt.Fprintf(&b, "*l%d, ", i-1)
		}
		b.WriteString("x]\n")
	}
	b.WriteString("rules:\n  - match: '**'\n    cpcodes: *l10\n")
	return b.String()
}

func deepBlock(depth int) string {
	var b strings.Builder
	b.WriteString("rules:\n")
	for i := 1; i <= depth; i++ {
		b.WriteString(strings.Repeat(" ", i) + "a:\n")
	}
	return b.String()
}

// Hostile configs fail with a positioned error that says what to fix, or
// load, within a second and a bounded amount of memory; none panics or
// expands what it should refuse.
func TestHostileConfigs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      string // "" = loads
	}{
		{"5 MB", "# " + strings.Repeat("x", 5<<20) + "\n" + rule1, "c.yml:1:1: the config is over 1048576 bytes (1 MiB), the limit"},
		{"20,000 rules", manyRules(20000), "the config is over 1048576 bytes"},
		{"15,000 rules under the cap", manyRules(15000), ""},
		{"10,000 normalizers", manyNormalizers(10000, `data-build="[^"]*"`), "c.yml:518:7: verify.normalize has over 256 entries, the limit: each pattern runs over every checked body"},
		{"10,000 bad normalizers", manyNormalizers(10000, "(x"), "c.yml:518:7: verify.normalize has over 256 entries"},
		{"256 normalizers under the cap", manyNormalizers(256, `data-build="[^"]*"`), ""},
		{"10,000 output normalizers", manyOutput(10000, `data-build-time="[^"]*"`), "c.yml:518:7: output.normalize has over 256 entries, the limit: each pattern runs over every file of the build"},
		{"10,000 bad output normalizers", manyOutput(10000, "(x"), "c.yml:518:7: output.normalize has over 256 entries"},
		{"256 output normalizers under the cap", manyOutput(256, `data-build-time="[^"]*"`), ""},
		{"10,000 immutable globs", manyOutput(10000, ""), "c.yml:262:7: output.immutable has over 256 globs, the limit: each is tried on every changed file; join them with {a,b} choices"},
		{"256 immutable globs under the cap", manyOutput(256, ""), ""},
		{"an output regex too large", rule1 + "output:\n  normalize:\n    - strip: '((a{1000}){1000}){1000}'\n", "c.yml:6:14: output.normalize entry 1 strip: bad regex \"((a{1000}){1000}){1000}\": invalid repeat count"},
		{"a strip regex too large", rule1 + "verify:\n  normalize:\n    - strip: '((a{1000}){1000}){1000}'\n", "c.yml:6:14: verify.normalize entry 1 strip: bad regex \"((a{1000}){1000}){1000}\": invalid repeat count"},
		{"one 1 MB glob", "rules:\n  - match: '" + strings.Repeat("a", 1<<20-40) + "'\n    cpcodes: [1]\n", ""},
		{"deep flow nesting", "rules: " + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + "\n", "invalid YAML: exceeded max depth of 10000"},
		{"deep block nesting", deepBlock(1000), "c.yml:2:2: rules must be a non-empty list"},
		{"billion laughs", billionLaughs(), "c.yml:2:10: alias *l0: write the value out"},
		{"alias as a key", "a: &k rules\n*k : []\n", "alias *k"},
		{"merge key", "d: &d {cpcodes: [1]}\nrules:\n  - <<: *d\n    match: a\n", "c.yml:3:5: merge key <<: write the value out"},
		{"negated glob written plainly", "rules:\n  - match: !drafts/**\n    cpcodes: [1]\n", `c.yml:2:12: YAML reads !drafts/** as a tag, not as text: quote the value ("!drafts/**")`},
		{"tag before a value", "rules:\n  - match: !x public/**\n    cpcodes: [1]\n", `YAML reads !x as a tag, not as text: quote the value ("!x public/**")`},
		{"standard tags load", "rules:\n  - match: !!str public/**\n    cpcodes: [1]\n", ""},
		{"anchor without alias loads", "rules: &r\n  - match: a\n    cpcodes: [1]\n", ""},
		{"duplicate top-level key", "network: staging\nnetwork: production\n" + rule1, `c.yml:2:1: key "network" appears twice in the config`},
		{"duplicate rule key", "rules:\n  - match: a\n    match: b\n    cpcodes: [1]\n", `c.yml:3:5: key "match" appears twice in rule 1`},
		{"second document", rule1 + "---\nnetwork: staging\n", "c.yml:4:1: the config holds more than one YAML document"},
		{"broken second document", rule1 + "---\nx: [\n", "invalid YAML"},
		{"trailing --- loads", rule1 + "---\n", ""},
		{"only ---", "---\n", "config is empty"},
		{"top level is a list", "- a\n- b\n", "the config must be a mapping"},
		{"top level is a string", "rules\n", "the config must be a mapping"},
		{"rules is a mapping", "rules: {match: a}\n", "rules must be a non-empty list"},
		{"rules is a number", "rules: 5\n", "rules must be a non-empty list"},
		{"rules is null", "rules:\n", "rules must be a non-empty list"},
		{"rule is a string", "rules: [a]\n", "rule 1 must be a mapping"},
		{"match is a mapping", "rules:\n  - match: {a: b}\n    cpcodes: [1]\n", "rule 1 match must be a value or a list of values"},
		{"match list of lists", "rules:\n  - match: [[a]]\n    cpcodes: [1]\n", "each entry of rule 1 match must be a single value"},
		{"empty match", "rules:\n  - match: ''\n    cpcodes: [1]\n", "c.yml:2:12: empty glob in rule 1 match"},
		{"null match", "rules:\n  - match:\n    cpcodes: [1]\n", "empty glob"},
		{"match is /", "rules:\n  - match: /\n    cpcodes: [1]\n", "empty glob"},
		{"cpcodes of lists", "rules:\n  - match: a\n    cpcodes: [[1]]\n", "each entry of rule 1 cpcodes must be a single value"},
		{"cpcode too big", "rules:\n  - match: a\n    cpcodes: [99999999999999999999]\n", `CP code "99999999999999999999" is not a positive number`},
		{"threshold is a list", "threshold: [1]\ncpcodes: [1]\n" + rule1, "threshold must be a single value"},
		{"threshold overflows", "threshold: 99999999999999999999\ncpcodes: [1]\n" + rule1, "threshold must be a positive whole number"},
		{"threshold_share NaN", "threshold_share: NaN\ncpcodes: [1]\n" + rule1, "threshold_share must be a number above 0"},
		{"threshold_share .inf", "threshold_share: .inf\ncpcodes: [1]\n" + rule1, "threshold_share must be a number above 0"},
		{"version is a mapping", "version: {a: 1}\n" + rule1, "version must be a single value"},
		{"version 1.0", "version: 1.0\n" + rule1, `unsupported version "1.0"`},
		{"allow_delete yes", "allow_delete: yes\n" + rule1, `allow_delete must be true or false, not "yes"`},
		{"base_url is a mapping", "base_url: {a: b}\n" + rule1, "base_url must be a value or a list of values"},
		{"name is a list", "rules:\n  - name: [a]\n    match: a\n    cpcodes: [1]\n", "rule 1 name must be a single value"},
		{"strip is a mapping", "rules:\n  - strip: {a: b}\n    match: a\n    cpcodes: [1]\n", "strip must be a single value"},
		{"regex is a list", "rules:\n  - regex: [a]\n    cpcodes: [1]\n", "regex must be a single value"},
		{"index_forms a number", "rules:\n  - match: a\n    index: [index.html]\n    index_forms: 5\n    urls: https://a.com/{path}\n", `unknown index form "5"`},
		{"tags a mapping", "rules:\n  - match: a\n    tags: {a: b}\n", "tags must be a value or a list of values"},
		{"binary garbage", "\x00\x01\x02rules", "invalid YAML"},
		{"invalid UTF-8", "rules:\n  - match: \"\xff\xfe\"\n    cpcodes: [1]\n", "invalid YAML"},
		{"tab indentation", "rules:\n\t- match: a\n", "invalid YAML"},
		{"unknown key with control characters", "\x1b[2Jkey: 1\n" + rule1, "invalid YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mb, err := parseAlloc(tc.yml)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("Parse: %.500v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("Parse error = %.500v, want it to contain %q", err, tc.want)
			}
			// The process's allocations count, whoever made them: an
			// outlier is measured again, and the least of three counts.
			for try := 1; mb > 400 && try < 3; try++ {
				mb, _ = parseAlloc(tc.yml)
			}
			if mb > 400 {
				t.Errorf("Parse allocated %d MB", mb)
			}
		})
	}
}

// TestLoadReadsAtMostTheCap: a file far over the cap (here a sparse 1 GB
// one) is refused after reading the cap, not read whole.
func TestLoadReadsAtMostTheCap(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "huge.yml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		t.Skipf("cannot make a sparse file: %v", err)
	}
	f.Close()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = Load(path)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "the limit") {
		t.Fatalf("Load = %v", err)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 64 {
		t.Errorf("Load allocated %d MB for a file over the cap", mb)
	}
}

// Templates that would put the file in the host, or make no URL at all,
// are refused at load, with the rule's position.
func TestHostileTemplates(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ tpl, want string }{
		{"https://{path}", "puts part of the file in the host"},
		{"https://{name}/", "puts part of the file in the host"},
		{"https://a.com{path}", "puts part of the file in the host"},
		{"https://a.com@{path}", `has user info "a.com"`},
		{"https://a.com{dir}x/{name}", "puts part of the file in the host"},
		{"https://a.com:{ext}/{path}", "does not make an absolute http(s) URL"},
		{"/L/512/6848/1h/{path}", "puts part of the file in the host"},
		{"/L/512/6848/1h/{dir}www.a.com/{path}", "puts part of the file in the host"},
		{"/L/512/6848/{dir}1h/www.a.com/{path}", "puts part of the file in the host"},
		{"{path}", "does not make an absolute http(s) URL"},
		{"//a.com/{path}", "does not make an absolute http(s) URL"},
		{"ftp://a.com/{path}", "does not make an absolute http(s) URL"},
		{"javascript:alert({stem})", "does not make an absolute http(s) URL"},
		{"file:///etc/{path}", "does not make an absolute http(s) URL"},
		{"https://A.com/{path}", "write hosts in lower case"},
		{"https://a.com/{path}#x", "has a fragment"},
		{"https://a.com/../{path}", `"." or ".." segment`},
		{"https://a.com/{path}\n", "has a raw"},
		{"https://a.com/ {path}", "has a raw"},
		{"https://a.com/\x1b[2J{path}", "has a raw"},
		{"https://a.com/{path", "unclosed '{'"},
		{"https://a.com/}{path}", "'}' without '{'"},
		{"https://a.com/{}", "unknown placeholder {}"},
		{"https://a.com/{path|}", `unknown filter ""`},
		{strings.Repeat("{path}", 5000), "does not make an absolute http(s) URL"},
	} {
		t.Run(tc.tpl[:min(len(tc.tpl), 40)], func(t *testing.T) {
			yml := fmt.Sprintf("rules:\n  - match: '**'\n    urls: %q\n", tc.tpl)
			_, err := Parse("c.yml", []byte(yml))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "c.yml:3:11: rule 1:") {
				t.Fatalf("Parse(%q) error = %.300v, want c.yml:3:11: rule 1: … %q", tc.tpl, err, tc.want)
			}
		})
	}
	for _, ok := range []string{"/L/512/6848/1h/www.a.com/{path}", "http://a1.g.akamai.net/L/512/6848/1h/www.a.com/{path}", "https://a.com?p={path}", "https://a.com/x/{dir}{stem}.html"} {
		if _, err := Parse("c.yml", []byte(fmt.Sprintf("rules:\n  - match: '**'\n    urls: %q\n", ok))); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
}

// Paths as hostile as git allows (control characters, newlines, leading
// "-", 4096-byte names, invalid UTF-8) map to percent-encoded URLs under
// the configured host, through Map and Explain alike; paths git never
// records are rejected with a reason.
func TestHostilePaths(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("base_url: https://www.example.com\nrules:\n  - match: 'public/**'\n    strip: public\n    urls: '{base}/{path}'\n  - regex: '(?P<all>.*)'\n    urls: '{base}/r/{all}'\n"))
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("n", 5000)
	for _, tc := range []struct{ path, want, rejected string }{
		{"public/a\nb.html", "https://www.example.com/a%0Ab.html", ""},
		{"public/\r\x00\x1b[2J.html", "https://www.example.com/%0D%00%1B[2J.html", ""},
		{"public/-rf", "https://www.example.com/-rf", ""},
		{"-rf", "https://www.example.com/r/-rf", ""},
		{"--config=x", "https://www.example.com/r/--config=x", ""},
		{"public/" + long + ".html", "https://www.example.com/" + long + ".html", ""},
		{"public/" + strings.Repeat("d/", 3000) + "x", "https://www.example.com/" + strings.Repeat("d/", 3000) + "x", ""},
		{"public/\xff\xfe.html", "https://www.example.com/%FF%FE.html", ""},
		{"public/%2e%2e/x", "https://www.example.com/%252e%252e/x", ""},
		{"public/a\\..\\b", "https://www.example.com/a%5C..%5Cb", ""},
		{"public/x?y#z", "https://www.example.com/x%3Fy%23z", ""},
		{"public/@evil.com", "https://www.example.com/@evil.com", ""},
		{"public/../../etc/passwd", "", "empty, \".\" or \"..\" segment"},
		{"/etc/passwd", "", "starts with /"},
		{"", "", "the path is empty"},
		{"public/", "", "ends with /"},
		{"public//x", "", "empty, \".\" or \"..\" segment"},
	} {
		t.Run(strings.ToValidUTF8(tc.path[:min(len(tc.path), 30)], "?"), func(t *testing.T) {
			res := cfg.Map([]string{tc.path})
			e := cfg.Explain(tc.path)
			m := res.Matches[0]
			if tc.rejected != "" {
				if !strings.Contains(m.Rejected, tc.rejected) || e.Status != StatusRejected || len(res.Unmatched) != 1 {
					t.Fatalf("Map = %+v, Explain status %q; want rejected with %q", m, e.Status, tc.rejected)
				}
				return
			}
			want := []Object{{Kind: purge.URL, Value: tc.want}}
			if len(m.Objects) != 1 || m.Objects[0] != want[0] || len(e.Objects) != 1 || e.Objects[0] != want[0] {
				t.Fatalf("Map objects %.300v, Explain %.300v; want %.300v", m.Objects, e.Objects, want)
			}
			checkFuzzObject(t, m.Objects[0])
		})
	}
}
