package mapper

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// mapOne parses a one-rule config (the rule's keys under "  - ") and
// maps path through it.
func mapOne(t *testing.T, rule, path string) Match {
	t.Helper()
	cfg, err := Parse("c.yml", []byte("rules:\n  - "+rule+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	return cfg.MapPath(path)
}

// TestTagsEachParent covers placeholders in tags, each: lists and
// {parent}: what one rule now purges for one file.
func TestTagsEachParent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, rule, path string
		want             []string
	}{
		{"tag from numbered group", `regex: 'content/(de|fr)/.*'` + "\n    tags: ['docs-{1}']", "content/de/a.md", []string{"tag docs-de"}},
		{"tag from named group", `regex: 'content/(?P<lang>de|fr)/(?P<section>[^/]+)/.*'` + "\n    tags: ['{lang}-{section}', site]", "content/fr/news/a.md", []string{"tag fr-news", "tag site"}},
		{"tag from dir, unescaped", "match: '**'\n    strip: content/\n    tags: ['section-{dir|noslash}']", "content/50%off/c.md", []string{"tag section-50%off"}},
		{"tag from path filter", "match: '**'\n    tags: ['p.{path|ext:|lower}']", "Docs/Intro.md", []string{"tag p.docs/intro"}},
		{"literal tags as before", "match: '**'\n    tags: [blog, site]", "x", []string{"tag blog", "tag site"}},
		{"each in urls", "match: '**'\n    each: {lang: [de, es, fr]}\n    urls: 'https://www.example.com/{lang}/{path}'", "a.html",
			[]string{"url https://www.example.com/de/a.html", "url https://www.example.com/es/a.html", "url https://www.example.com/fr/a.html"}},
		{"each product, last varies fastest", "match: '**'\n    each: {lang: [de, fr], v: [1, 2]}\n    also: 'https://a.com/{lang}/{v}/'", "a",
			[]string{"url https://a.com/de/1/", "url https://a.com/de/2/", "url https://a.com/fr/1/", "url https://a.com/fr/2/"}},
		{"each in tags and arls", "match: '**'\n    each: {lang: [de, fr]}\n    urls: '/L/1/2/1h/www.a.com/{lang}/{path}'\n    tags: ['page-{lang}']", "x.html",
			[]string{"arl /L/1/2/1h/www.a.com/de/x.html", "arl /L/1/2/1h/www.a.com/fr/x.html", "tag page-de", "tag page-fr"}},
		{"each value escaped in a URL", "match: '**'\n    each: {q: ['a b']}\n    urls: 'https://a.com/{q}/{path}'", "x", []string{"url https://a.com/a%20b/x"}},
		{"each with bases and index forms", "match: '**'\n    hosts: [a.com, b.com]\n    index: [index.html]\n    index_forms: [dir/]\n    each: {lang: [de, fr]}\n    urls: '{base}/{lang}/{path}'", "s/index.html",
			[]string{"url https://a.com/de/s/", "url https://b.com/de/s/", "url https://a.com/fr/s/", "url https://b.com/fr/s/"}},
		{"each repeats dropped", "match: '**'\n    each: {lang: [de, fr]}\n    urls: ['https://a.com/{path}', 'https://a.com/{lang}/{path}']", "x",
			[]string{"url https://a.com/x", "url https://a.com/de/x", "url https://a.com/fr/x"}},
		{"parent of a bundle", "match: '**'\n    strip: content/\n    urls: 'https://a.com/{path|ext:/}'\n    also: 'https://a.com/{parent}'", "content/posts/my-post/index.md",
			[]string{"url https://a.com/posts/my-post/index/", "url https://a.com/posts/"}},
		{"parent of a section", "match: '**'\n    strip: content/\n    also: 'https://a.com/{parent}'", "content/posts/_index.md", []string{"url https://a.com/"}},
		{"parent of a leaf page", "match: '**'\n    strip: content/\n    also: 'https://a.com/{parent}'", "content/posts/other.md", []string{"url https://a.com/posts/"}},
		{"parent noslash in a tag", "match: '**'\n    strip: content/\n    tags: ['list-{parent|noslash}']", "content/docs/a/b/index.de.md", []string{"tag list-docs/a"}},
		{"parent names a file", "match: '**'\n    urls: 'https://a.com/{parent}'", "x/y.md", []string{"url https://a.com/x/"}},
		{"urlize", "match: '**'\n    strip: content/\n    urls: 'https://a.com/{path|ext:/|urlize}'", "content/Posts/Vim (Text Editor).md", []string{"url https://a.com/posts/vim-text-editor/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := mapOne(t, tc.rule, tc.path)
			if m.Rule != 1 || m.Rejected != "" {
				t.Fatalf("MapPath(%q) = %+v, want rule 1", tc.path, m)
			}
			if d := cmp.Diff(tc.want, values(m.Objects)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// TestTagRejected: a tag that comes out empty or invalid for one path
// rejects that path (it counts as unmatched), as a URL template that
// gives a bad URL does; other paths still map.
func TestTagRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, rule, path, want string }{
		{"empty", `regex: 'x/(?P<s>[a-z]*)\.md'` + "\n    tags: ['{s}']", "x/.md", `template "{s}" gives "": cache tag "" must be 1 to 128 characters long`},
		{"space", "match: '**'\n    tags: ['t-{stem}']", "a b.md", `template "t-{stem}" gives "t-a b": cache tag "t-a b" has ' '; tags hold letters, digits and`},
		{"too long", "match: '**'\n    tags: ['t-{stem}']", strings.Repeat("x", 130) + ".md", "must be 1 to 128 characters long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := mapOne(t, tc.rule, tc.path)
			if !strings.Contains(m.Rejected, tc.want) || len(m.Objects) != 0 {
				t.Fatalf("MapPath(%q) = %+v, want rejected with %q", tc.path, m, tc.want)
			}
			if strings.Contains(m.Rejected, "not expanded") {
				t.Errorf("rejection %q says placeholders are not expanded, but they were", m.Rejected)
			}
		})
	}
}

func TestTagsEachParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"tag text", "rules:\n  - match: a\n    tags: ['a b-{stem}']\n", []string{`c.yml:3:12: rule 1: cache tag template "a b-{stem}" has ' '; tags hold letters, digits and`}},
		{"tag base", "hosts: [a.com]\nrules:\n  - match: a\n    tags: ['{host}-x']\n", []string{`c.yml:4:12: rule 1: template "{host}-x": a cache tag cannot use {host}`}},
		{"tag unknown placeholder", "rules:\n  - match: a\n    tags: ['{lang}']\n", []string{`uses unknown placeholder {lang}; valid placeholders are {base}, {host}, {path}, {dir}, {name}, {stem}, {ext}, {parent}`}},
		{"tag literal text too long", "rules:\n  - match: a\n    tags: ['" + strings.Repeat("x", 129) + "{stem}']\n", []string{"has 129 characters of text, more than the 128"}},
		{"group named with a number", "rules:\n  - regex: '(?P<2>a)(b)'\n    cpcodes: 1\n", []string{`c.yml:2:12: rule 1: regex group "2" is named with a number`}},
		{"group number out of range", "rules:\n  - regex: '(a)'\n    tags: ['{2}']\n", []string{"unknown placeholder {2}"}},
		{"each not a mapping", "rules:\n  - match: a\n    each: [de, fr]\n    also: 'https://a.com/{lang}/'\n", []string{"c.yml:3:11: rule 1 each must map placeholder names to lists of values", "unknown placeholder {lang}"}},
		{"each bad name", "rules:\n  - match: a\n    each: {a-b: [x]}\n    cpcodes: 1\n", []string{`c.yml:3:12: rule 1 each: "a-b" is not a placeholder name`}},
		{"each built-in name", "rules:\n  - match: a\n    each: {path: [x]}\n    cpcodes: 1\n", []string{`rule 1 each: "path" is already the name of a placeholder`}},
		{"each group name", "rules:\n  - regex: '(?P<lang>a)'\n    each: {lang: [x]}\n    cpcodes: 1\n", []string{`rule 1 each: "lang" is already the name of a placeholder`}},
		{"each empty value", "rules:\n  - match: a\n    each: {lang: [de, '']}\n    cpcodes: 1\n", []string{`c.yml:3:23: rule 1 each lang has an empty value`}},
		{"each repeated value", "rules:\n  - match: a\n    each: {lang: [de, de]}\n    cpcodes: 1\n", []string{`c.yml:3:23: rule 1 each lang lists "de" twice`}},
		{"each empty list", "rules:\n  - match: a\n    each: {lang: []}\n    cpcodes: 1\n", []string{`rule 1 each lang is an empty list`}},
		{"each too many", "rules:\n  - match: a\n    each: {a: [1,2,3,4,5,6,7,8,9,10], b: [1,2,3,4,5,6,7,8,9,10], c: [1,2,3,4,5,6,7,8,9,10], d: [1,2]}\n    cpcodes: 1\n",
			[]string{"c.yml:3:11: rule 1 each gives a 10 × b 10 × c 10 × d 2 = 2,000 combinations, more than the 1,000 a rule may expand to"}},
		{"each var names no file", "rules:\n  - match: a\n    each: {lang: [de]}\n    urls: 'https://a.com/{lang}/'\n", []string{`names no file`}},
		{"each var in host", "rules:\n  - match: a\n    each: {lang: [de]}\n    urls: 'https://{lang}.a.com/{path}'\n", []string{"puts part of the file in the host"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFragments(t, parseErrs(t, tc.yml), tc.want)
		})
	}
}

// TestRuleTagMessage: a rule's literal tag is checked whole as before,
// without the old "(placeholders are not expanded in tags)", now untrue.
func TestRuleTagMessage(t *testing.T) {
	t.Parallel()
	got := parseErrs(t, "rules:\n  - match: a\n    tags: ['a b']\n")
	want := []string{"c.yml:3:12: rule 1 tags: cache tag \"a b\" has ' '; tags hold letters, digits and !#$%&'+-./^_`|~"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestURLize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"Vim (text editor)", "vim-text-editor"},
		{"posts/My First Post/", "posts/my-first-post/"},
		{"a  -  b", "a-b"},
		{"a - b", "a-b"},
		{"  lead and trail  ", "lead-and-trail"},
		{"Ünïcödé Straße", "ünïcödé-straße"},
		{"日本語 ページ", "日本語-ページ"},
		{"keep._#+~-@\\kept", "keep._#+~-@\\kept"},
		{"drop!$&'()*,;=:?\"<>|^`{}[]", "drop"},
		{"50%25 off, 50% off", "50%25-off-50-off"},
		{"tab\tand\nnewline", "tab-and-newline"},
		{"", ""},
	} {
		if got := urlize(tc.in); got != tc.want {
			t.Errorf("urlize(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestParentOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"posts/my-post/index.md", "posts/"},
		{"posts/my-post/index.de.md", "posts/"},
		{"posts/_index.md", ""},
		{"posts/other.md", "posts/"},
		{"posts/my-post/photo.jpg", "posts/my-post/"},
		{"index.md", ""},
		{"about.md", ""},
		{"docs/a/b/_index.fr.md", "docs/a/"},
		{"posts/indexes.md", "posts/"},
	} {
		if got := parentOf(tc.in); got != tc.want {
			t.Errorf("parentOf(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCPCodeCoversParse(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("cpcode_covers:\n  12345: [WWW.Example.COM, example.com, www.example.com]\n  \"678\": bücher.example\n"+rule1))
	if err != nil {
		t.Fatal(err)
	}
	want := map[int64][]string{12345: {"www.example.com", "example.com"}, 678: {"xn--bcher-kva.example"}}
	if d := cmp.Diff(want, cfg.CPCodeCovers); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	for _, tc := range []struct{ name, yml, want string }{
		{"not a mapping", "cpcode_covers: [12345]\n", "c.yml:1:16: cpcode_covers must map CP codes to the hosts they serve"},
		{"bad CP code", "cpcode_covers: {abc: [a.com]}\n", `c.yml:1:17: CP code "abc" is not a positive number`},
		{"twice", "cpcode_covers:\n  1: a.com\n  01: b.com\n", "c.yml:3:3: CP code 1 appears twice in cpcode_covers"},
		{"URL not host", "cpcode_covers: {1: [https://a.com]}\n", `c.yml:1:21: cpcode_covers 1: "https://a.com" must be a host name`},
		{"bad host", "cpcode_covers: {1: [a_b.com]}\n", `c.yml:1:21: cpcode_covers 1: host "a_b.com" is not a valid host name`},
		{"empty list", "cpcode_covers: {1: []}\n", "c.yml:1:20: cpcode_covers 1 is an empty list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantFragments(t, parseErrs(t, tc.yml+rule1), []string{tc.want})
		})
	}
}
