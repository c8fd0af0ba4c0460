package mapper

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the config parser: it must return a
// config or positioned errors, never panic; a config it accepts must map
// any path to objects that pass the load-time checks.
func FuzzParse(f *testing.F) {
	for _, s := range []string{good, explainConfig, rule1, "", "rules: [", "version: 1\nbase_url: https://a.com\nrules:\n  - regex: '(?P<x>.*)'\n    urls: '{base}/{x|lower|ext:/}'\n",
		"hosts: [a.com]\nrules:\n  - match: '**'\n    index: [index.html]\n    pretty: [.html]\n    urls: '{base}/{path}'\n    also: '{base}/'\n    tags: [t]\n"} {
		f.Add([]byte(s), "a/b c/index.html")
	}
	f.Fuzz(func(t *testing.T, data []byte, p string) {
		cfg, err := Parse("f.yml", data)
		if err != nil {
			if es, ok := err.(Errors); !ok || len(es) == 0 {
				t.Fatalf("error %v is not a non-empty Errors", err)
			}
			return
		}
		for _, o := range cfg.MapPath(p).Objects {
			checkFuzzObject(t, o)
		}
	})
}

func checkFuzzObject(t *testing.T, o Object) {
	t.Helper()
	switch o.Kind {
	case URL, ARL:
		if err := checkObject(o.Value); err != nil {
			t.Fatalf("%s %q: %v", o.Kind, o.Value, err)
		}
		if _, err := finish(o.Value); err != nil {
			t.Fatalf("%s %q: %v", o.Kind, o.Value, err)
		}
	case Tag:
		if err := checkTag(o.Value); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzTemplate expands templates with filters on arbitrary paths: no
// panic, and every URL parses, keeps its host, and has no dot segment.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"{base}/{path}", "{base}/{dir}{stem}.{ext}", "{base}/{path|lower|ext:/}", "https://a.com/{name|ext:.html}?v={stem}", "/L/1/2/1h/{host}/{path|noslash}"} {
		f.Add(s, "a/B c/Ü#1.md")
	}
	f.Fuzz(func(t *testing.T, tpl, p string) {
		tm, err := parseTemplate(tpl, nil)
		if err != nil || tm.check([]string{"https://a.com/x"}, 0) != nil {
			return
		}
		s := subject{rel: p, path: p}
		out, err := finish(string(tm.expand(nil, &s, "https://a.com/x")))
		if err != nil || checkPath(p) != "" {
			return // refused: a dot segment from the path
		}
		if tm.arl {
			return
		}
		sample := samples(0)[0]
		want, _ := url.Parse(string(tm.expand(nil, &sample, "https://a.com/x")))
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q on %q gives %q: %v", tpl, p, out, err)
		}
		if u.Host != want.Host || strings.Contains(u.EscapedPath(), "//") {
			t.Fatalf("%q on %q gives %q (host %q, want %q)", tpl, p, out, u.Host, want.Host)
		}
	})
}

// FuzzEscapePath is the URL-building rule: EscapePath(p) under a host
// parses with net/url, and its path unescapes to exactly p.
func FuzzEscapePath(f *testing.F) {
	for _, s := range []string{"a b/é#1.html", "100%.html", "q?x=1", "\x00\x7f\xff", "keep+&'()!*,;=:@$~", "a\\b", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		out := "https://a.com/" + EscapePath(p)
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q does not parse: %v", out, err)
		}
		if u.Host != "a.com" || u.Path != "/"+p {
			t.Fatalf("%q: host %q path %q, want a.com and %q", out, u.Host, u.Path, "/"+p)
		}
	})
}
