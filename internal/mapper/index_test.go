package mapper

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestIndexAgreesWithLinearScan checks the prefix index against trying
// every rule in order, on patterns whose literal prefixes end inside a
// segment, at a folder, or are empty.
func TestIndexAgreesWithLinearScan(t *testing.T) {
	t.Parallel()
	globs := []string{
		"a/**", "a/b/*.html", "a/b*/c", "a/{b,c}/**", "**/*.css", "b/?/x", "a/bc/**/index.html",
		"*/b/**", "a", "a/b/c/d", "[ab]/**", "c/d/e/**", "c/d*", "ab/**", `a\*/x`,
	}
	regexes := []string{`a/b/(?P<x>.*)\.md`, `(?i)A/.*`, `c/(d|e)/.*`, `.*\.txt`, `^a/(b)/(?P<y>\d{4})/(?P<s>[^/]+)\.json$`, `(a/b)/c`, `a|b/.*`}
	var b strings.Builder
	b.WriteString("rules:\n")
	for _, g := range globs {
		fmt.Fprintf(&b, "  - match: %q\n    cpcodes: 1\n", g)
	}
	for _, r := range regexes {
		fmt.Fprintf(&b, "  - regex: '%s'\n    cpcodes: 1\n", r)
	}
	cfg, err := Parse("c.yml", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	segs := []string{"2024", "q.json", "a", "b", "bc", "c", "d", "e", "ab", "a*", "x", "index.html", "y.css", "z.md", "q.txt", "B", "A"}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		n := 1 + rng.IntN(5)
		parts := make([]string, n)
		for j := range parts {
			parts[j] = segs[rng.IntN(len(segs))]
		}
		p := strings.Join(parts, "/")
		if got, want := cfg.MapPath(p).Rule, linearRule(cfg, p); got != want {
			t.Fatalf("path %q: index gives rule %d, a linear scan rule %d", p, got, want)
		}
	}
}

func linearRule(c *Config, p string) int {
	for i, r := range c.Rules {
		if _, _, ok := r.matches(p); ok {
			return i + 1
		}
	}
	return 0
}

func TestRegexLiteral(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{`data/s2/(?P<y>\d{4})/(?P<slug>[^/]+)\.json`, "data/s2/"},
		{`^_posts/(?P<y>\d{4})-`, "_posts/"},
		{`(content/en)/x.*`, "content/en/x"},
		{`(?i)content/`, ""},
		{`a|b`, ""},
		{`a*b`, ""},
		{`(`, ""},
	} {
		if got := regexLiteral(tc.in); got != tc.want {
			t.Errorf("regexLiteral(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
