package mapper

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRuleObjects maps one path through a one-rule config: the rule's keys
// come first, "match: '**'" is added unless the case has a regex.
func TestRuleObjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rule, path string
		want             []string
	}{
		{"path", `urls: "https://a.com/{path}"`, "x/y.html", []string{"url https://a.com/x/y.html"}},
		{"dir name stem ext", `urls: "https://a.com/{dir}{stem}-{ext}/{name}"`, "x/y.tar.gz", []string{"url https://a.com/x/y.tar-gz/y.tar.gz"}},
		{"dir at root", `urls: "https://a.com/{dir}"`, "y.html", []string{"url https://a.com/"}},
		{"strip", "strip: public/\n    urls: \"https://a.com/{path}\"", "public/a/b.css", []string{"url https://a.com/a/b.css"}},
		{"no double slash", `urls: "https://a.com//{dir}/{name}"`, "x/y.html", []string{"url https://a.com/x/y.html"}},
		{"lower", `urls: "https://a.com/{path|lower}"`, "Functions/Contains.md", []string{"url https://a.com/functions/contains.md"}},
		{"ext to slash", `urls: "https://a.com/{path|ext:/|lower}"`, "content/Posts/X.md", []string{"url https://a.com/content/posts/x/"}},
		{"ext to html", `urls: "https://a.com/{path|ext:.html}"`, "a/b.md", []string{"url https://a.com/a/b.html"}},
		{"ext trimmed", `urls: "https://a.com/{path|ext:}"`, "a/b.md", []string{"url https://a.com/a/b"}},
		{"noslash", `urls: "https://a.com/{dir|noslash}"`, "a/b/c.md", []string{"url https://a.com/a/b"}},
		{"escaping after filters", `urls: "https://a.com/{path|ext:/}"`, "a b/Ü#1.md", []string{"url https://a.com/a%20b/%C3%9C%231/"}},
		{"query kept", `urls: "https://a.com/{path}?v=1"`, "a.css", []string{"url https://a.com/a.css?v=1"}},
		{"index all forms", "index: [index.html]\n    urls: \"https://a.com/{path}\"", "blog/index.html",
			[]string{"url https://a.com/blog/", "url https://a.com/blog", "url https://a.com/blog/index.html"}},
		{"index at root", "index: [index.html]\n    urls: \"https://a.com/{path}\"", "index.html",
			[]string{"url https://a.com/", "url https://a.com/index.html"}},
		{"index forms chosen", "index: [index.html]\n    index_forms: [dir/]\n    urls: \"https://a.com/{path}\"", "blog/index.html", []string{"url https://a.com/blog/"}},
		{"index other file", "index: [index.html]\n    urls: \"https://a.com/{path}\"", "blog/post.html", []string{"url https://a.com/blog/post.html"}},
		{"pretty", "pretty: [.html]\n    urls: \"https://a.com/{path}\"", "about.html", []string{"url https://a.com/about", "url https://a.com/about.html"}},
		{"pretty bare only", "pretty: [.html]\n    pretty_forms: [bare]\n    urls: \"https://a.com/{path}\"", "a/about.html", []string{"url https://a.com/a/about"}},
		{"pretty other ext", "pretty: [.html]\n    urls: \"https://a.com/{path}\"", "a.css", []string{"url https://a.com/a.css"}},
		{"hosts in rule", "hosts: [a.com, www.a.com]\n    urls: \"{base}/{path}\"", "x.html", []string{"url https://a.com/x.html", "url https://www.a.com/x.html"}},
		{"host in ARL", "hosts: [a.com]\n    urls: \"/L/512/6848/1h/{host}/{path}\"", "x.html", []string{"arl /L/512/6848/1h/a.com/x.html"}},
		{"base with path", "base_url: https://a.com/docs/\n    urls: \"{base}/{path}\"", "x.html", []string{"url https://a.com/docs/x.html"}},
		{"base alone", "base_url: https://a.com\n    urls: \"{base}/{dir}\"", "x.html", []string{"url https://a.com/"}},
		{"also", "base_url: https://a.com\n    urls: \"{base}/{path}\"\n    also: [\"{base}/sitemap.xml\", \"https://a.com/feed.xml\"]", "p.html",
			[]string{"url https://a.com/p.html", "url https://a.com/sitemap.xml", "url https://a.com/feed.xml"}},
		{"cpcodes and tags", "cpcodes: [12]\n    tags: [blog, site]", "p.html", []string{"cpcode 12", "tag blog", "tag site"}},
		{"regex groups", "regex: '_posts/(?P<y>\\d{4})-(?P<m>\\d\\d)-(?P<d>\\d\\d)-(?P<slug>.+)\\.md'\n    urls: \"https://a.com/{y}/{m}/{d}/{slug|lower}.html\"",
			"_posts/2024-01-02-My-Title.md", []string{"url https://a.com/2024/01/02/my-title.html"}},
		{"regex lang", "regex: 'content/(?P<lang>de|fr)/(?P<rest>.*)\\.md'\n    urls: \"https://{lang}.a.com/{rest}/\"",
			"content/de/x.md", nil}, // the host may not come from the file: rejected at load
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			yml := "rules:\n  - match: '**'\n    " + tc.rule + "\n"
			if len(tc.rule) > 5 && tc.rule[:5] == "regex" {
				yml = "rules:\n  - " + tc.rule + "\n"
			}
			cfg, err := Parse("c.yml", []byte(yml))
			if tc.want == nil {
				if err == nil {
					t.Fatalf("Parse succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m := cfg.MapPath(tc.path)
			if m.Rule != 1 || m.Rejected != "" {
				t.Fatalf("MapPath(%q) = %+v, want rule 1", tc.path, m)
			}
			if d := cmp.Diff(tc.want, values(m.Objects)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ filter, in, want string }{
		{"lower", "A/B.MD", "a/b.md"},
		{"ext:/", "a/b.md", "a/b/"},
		{"ext:/", "a/b", "a/b/"},
		{"ext:/", "a/b/", "a/b/"},
		{"ext:/", "", ""},
		{"ext:.html", "a.b/c.md", "a.b/c.html"},
		{"ext:", "a.b/c", "a.b/c"},
		{"ext:", "a/.hidden", "a/"},
		{"noslash", "a/b/", "a/b"},
		{"noslash", "a/b", "a/b"},
	} {
		f, err := parseFilter(tc.filter)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.apply(tc.in); got != tc.want {
			t.Errorf("%s(%q) = %q, want %q", tc.filter, tc.in, got, tc.want)
		}
	}
}
