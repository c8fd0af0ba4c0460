package mapper

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseErrs parses yml and returns every error message, or fails.
func parseErrs(t *testing.T, yml string) []string {
	t.Helper()
	_, err := Parse("c.yml", []byte(yml))
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Parse error = %v, want Errors", err)
	}
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

// wantFragments checks that got has one error per fragment, in order.
func wantFragments(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(got[i], w) {
			t.Errorf("error %d = %q, want it to contain %q", i, got[i], w)
		}
	}
}

const rule1 = "rules:\n  - match: a\n    cpcodes: 1\n"

func TestParseErrorsNewKeys(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"version", "version: 2\n" + rule1, []string{`c.yml:1:10: unsupported version "2"; valid versions are [1]`}},
		{"base_url not absolute", "base_url: www.example.com\n" + rule1, []string{`c.yml:1:11: base_url "www.example.com" is not an absolute http(s) URL`}},
		{"base_url query", "base_url: https://a.com/?x=1\n" + rule1, []string{`c.yml:1:11: base_url "https://a.com/?x=1" may hold only a scheme, a host and a path`}},
		{"base_url dot segment", "base_url: https://a.com/x/../y\n" + rule1, []string{`has a "." or ".." segment`}},
		{"base_url bad host", "base_url: https://a_b.com\n" + rule1, []string{`c.yml:1:11: base_url "https://a_b.com": host "a_b.com" is not a valid host name`}},
		{"base_url and hosts", "base_url: https://a.com\nhosts: [a.com]\n" + rule1, []string{"c.yml:2:8: the config sets both base_url and hosts: keep one"}},
		{"host with scheme", "hosts: [https://a.com]\n" + rule1, []string{`c.yml:1:9: hosts entry "https://a.com" must be a host name`}},
		{"base without base_url", "rules:\n  - match: a\n    urls: '{base}/{path}'\n", []string{`c.yml:3:11: rule 1: template "{base}/{path}" uses {base} or {host} but neither base_url nor hosts is set`}},
		{"base not first", "base_url: https://a.com\nrules:\n  - match: a\n    urls: 'https://x.com/{base}/{path}'\n", []string{"{base} must start the template"}},
		{"base glued", "base_url: https://a.com\nrules:\n  - match: a\n    urls: '{base}{path}'\n", []string{`c.yml:4:11: rule 1: template "{base}{path}": put a / after {base}`}},
		{"unknown filter", "rules:\n  - match: a\n    urls: 'https://a.com/{path|upper}'\n", []string{`unknown filter "upper"; valid filters are lower, ext:X`}},
		{"placeholder in host", "rules:\n  - match: a\n    urls: 'https://{stem}.a.com/x'\n", []string{"puts part of the file in the host"}},
		{"dot segment in template", "rules:\n  - match: a\n    urls: 'https://a.com/x/../{path}'\n", []string{`the URL would have a "." or ".." segment`}},
		{"fragment", "rules:\n  - match: a\n    urls: 'https://a.com/{path}#top'\n", []string{"has a fragment"}},
		{"unclosed brace", "rules:\n  - match: a\n    urls: 'https://a.com/{path'\n", []string{"has an unclosed '{'"}},
		{"stray brace", "rules:\n  - match: a\n    urls: 'https://a.com/}{path}'\n", []string{"has a '}' without '{'"}},
		{"named rule", "rules:\n  - name: blog\n    match: a\n    urls: ftp://a/{path}\n", []string{`c.yml:4:11: rule 1 ("blog"): template "ftp://a/{path}" does not make an absolute http(s) URL`}},
		{"match and regex", "rules:\n  - match: a\n    regex: b\n    cpcodes: 1\n", []string{"c.yml:2:5: rule 1 has both match: and regex:"}},
		{"no match", "rules:\n  - cpcodes: 1\n", []string{"c.yml:2:5: rule 1 has no match: add match:"}},
		{"bad regex", "rules:\n  - regex: '(a'\n    cpcodes: 1\n", []string{`c.yml:2:12: rule 1: bad regex "(a": missing closing )`}},
		{"regex group shadows", "rules:\n  - regex: '(?P<path>.*)'\n    cpcodes: 1\n", []string{`regex group "path" has the name of a built-in placeholder`}},
		{"unknown group", "rules:\n  - regex: '(?P<y>\\d+)/x'\n    urls: https://a.com/{year}\n", []string{"uses unknown placeholder {year}; valid placeholders are {base}, {host}, {path}, {dir}, {name}, {stem}, {ext}, {parent}, {y}"}},
		{"urls without file", "rules:\n  - match: a\n    urls: https://a.com/sitemap.xml\n", []string{"names no file: add {path}"}},
		{"bad tag", "rules:\n  - match: a\n    tags: ['a b']\n", []string{`c.yml:3:12: rule 1 tags: cache tag "a b" has ' '`}},
		{"tag placeholder at the top level", "tags: ['{stem}']\nrules:\n  - match: a\n    cpcodes: 1\n", []string{"c.yml:1:8: tags: cache tag \"{stem}\" has '{'; tags hold letters, digits and !#$%&'+-./^_`|~ (placeholders are not expanded in tags)"}},
		{"long tag", "tags: [" + strings.Repeat("x", 129) + "]\n" + rule1, []string{"must be 1 to 128 characters"}},
		{"tags on v2", "api: ccu-v2\nrules:\n  - match: a\n    tags: [x]\n", []string{"c.yml:1:6: cache tags need api: fast-purge"}},
		{"delete on production", "action: delete\n" + rule1, []string{"c.yml:1:9: action delete on network production removes objects with no stale copy to serve if the origin fails: add allow_delete: true"}},
		{"allow_delete not bool", "allow_delete: yes please\n" + rule1, []string{`allow_delete must be true or false, not "yes please"`}},
		{"unmatched", "unmatched: fail\n" + rule1, []string{`c.yml:1:12: unknown unmatched "fail"; valid values are ["warn" "error" "ignore"]`}},
		{"threshold_share range", "cpcodes: 1\nthreshold_share: 30\n" + rule1, []string{`c.yml:2:18: threshold_share must be a number above 0 and at most 1`}},
		{"threshold_share without fallback", "threshold_share: 0.3\n" + rule1, []string{"c.yml:1:18: threshold_share is set but neither cpcodes nor tags is"}},
		{"max_objects", "max_objects: -1\n" + rule1, []string{`max_objects must be a positive whole number, not "-1"`}},
		{"index_forms without index", "rules:\n  - match: a\n    index_forms: [dir]\n    urls: https://a.com/{path}\n", []string{"index_forms without index"}},
		{"bad index form", "rules:\n  - match: a\n    index: index.html\n    index_forms: [folder]\n    urls: https://a.com/{path}\n", []string{`unknown index form "folder"; valid forms are ["dir/" "dir" "file"]`}},
		{"pretty not ext", "rules:\n  - match: a\n    pretty: html\n    urls: https://a.com/{path}\n", []string{`"html" is not an extension`}},
		{"index without path", "rules:\n  - match: a\n    index: index.html\n    urls: https://a.com/{dir}\n", []string{"has index: or pretty: but no urls: template uses {path}"}},
		{"several in one rule", "rules:\n  - match: '[x'\n    tags: ['a b']\n    urls: 'https://a.com/{nope}'\n", []string{"c.yml:2:12: bad glob", "c.yml:3:12: rule 1 tags", "c.yml:4:11: rule 1: template"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFragments(t, parseErrs(t, tc.yml), tc.want)
		})
	}
}

func TestDefaultsAndNewSettings(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(rule1))
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.Version, string(cfg.API), string(cfg.Network), string(cfg.Action), string(cfg.Queue), cfg.Unmatched, cfg.OnUnknownBase, cfg.Fetch, cfg.MaxObjects, cfg.AllowDelete}
	want := []any{1, "fast-purge", "production", "invalidate", "default", "warn", "fail", "auto", 0, false}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("defaults (-want +got):\n%s", d)
	}
	cfg, err = Parse("c.yml", []byte(`version: 1
hosts: [WWW.Example.COM, bücher.example]
action: delete
allow_delete: true
unmatched: error
threshold_share: 0.25
max_objects: 900
tags: [site]
`+rule1))
	if err != nil {
		t.Fatal(err)
	}
	got = []any{cfg.Bases, string(cfg.Action), cfg.AllowDelete, cfg.Unmatched, cfg.ThresholdShare, cfg.MaxObjects, cfg.Tags}
	want = []any{[]string{"https://www.example.com", "https://xn--bcher-kva.example"}, "delete", true, "error", 0.25, 900, []string{"site"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("settings (-want +got):\n%s", d)
	}
}

func TestRuleBasesOverride(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(`base_url: https://a.com
rules:
  - match: "de/**"
    base_url: [https://de.a.com/shop/, http://A.com:8080]
    urls: "{base}/{path}"
  - match: "**"
    urls: "{base}/{path}"
`))
	if err != nil {
		t.Fatal(err)
	}
	got := values(cfg.Map([]string{"de/x.html", "y.html"}).Objects)
	want := []string{"url https://de.a.com/shop/de/x.html", "url http://a.com:8080/de/x.html", "url https://a.com/y.html"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func values(objs []Object) []string {
	out := []string{}
	for _, o := range objs {
		out = append(out, string(o.Kind)+" "+o.Value)
	}
	return out
}
