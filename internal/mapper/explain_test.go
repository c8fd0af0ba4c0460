package mapper

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

const explainConfig = `base_url: https://a.com
ignore: ["**/*.map"]
rules:
  - name: pages
    match: "public/**"
    ignore: "public/drafts/**"
    strip: public/
    urls: "{base}/{path}"
  - regex: 'posts/(?P<slug>[^/]+)\.md'
    urls: "{base}/p/{slug}/"
`

func TestExplain(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(explainConfig))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path string
		want Explanation
	}{
		{"public/a.html", Explanation{Path: "public/a.html", Status: StatusMatched, Rule: 1, RuleName: "pages", At: "c.yml:4:5", Pattern: "public/**",
			Objects: []Object{{purge.URL, "https://a.com/a.html"}}, Reason: `rule 1 matches with "public/**", strip "public/": 1 object(s)`}},
		{"posts/hi.md", Explanation{Path: "posts/hi.md", Status: StatusMatched, Rule: 2, At: "c.yml:9:5", Pattern: `posts/(?P<slug>[^/]+)\.md`,
			Objects: []Object{{purge.URL, "https://a.com/p/hi/"}}, Reason: `rule 2 matches with the regex "posts/(?P<slug>[^/]+)\\.md": 1 object(s)`}},
		{"public/x.js.map", Explanation{Path: "public/x.js.map", Status: StatusIgnored, At: "c.yml:2:10", Objects: []Object{},
			Reason: `the top-level ignore glob "**/*.map" drops it`}},
		{"public/drafts/d.html", Explanation{Path: "public/drafts/d.html", Status: StatusIgnored, Rule: 1, RuleName: "pages", At: "c.yml:6:13", Pattern: "public/**", Objects: []Object{},
			Reason: `rule 1 matches with "public/**" but its ignore glob "public/drafts/**" drops it`}},
		{"README.md", Explanation{Path: "README.md", Status: StatusUnmatched, Objects: []Object{},
			Reason: "no rule matches it (unmatched: warn); the nearest is rule 2 (posts/(?P<slug>[^/]+)\\.md) at c.yml:9:5: add a rule, or an ignore glob if it is never served"}},
		{"public/../x", Explanation{Path: "public/../x", Status: StatusRejected, Objects: []Object{},
			Reason: `the path has an empty, "." or ".." segment: give it as git does, such as public/a/b.html (counted as unmatched: warn)`}},
	} {
		if d := cmp.Diff(tc.want, cfg.Explain(tc.path)); d != "" {
			t.Errorf("Explain(%q) (-want +got):\n%s", tc.path, d)
		}
	}
}
