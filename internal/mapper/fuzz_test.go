package mapper

import (
	"net/url"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// FuzzParse feeds arbitrary bytes to the config parser: it must return a
// config or positioned errors, never panic; a config it accepts must map
// any path to objects that pass the load-time checks.
func FuzzParse(f *testing.F) {
	for _, s := range []string{good, explainConfig, rule1, "", "rules: [", "version: 1\nbase_url: https://a.com\nrules:\n  - regex: '(?P<x>.*)'\n    urls: '{base}/{x|lower|ext:/}'\n",
		"hosts: [a.com]\nrules:\n  - match: '**'\n    index: [index.html]\n    pretty: [.html]\n    urls: '{base}/{path}'\n    also: '{base}/'\n    tags: [t]\n"} {
		f.Add([]byte(s), "a/b c/index.html")
	}
	for _, s := range []string{
		"a: &a [x, x]\nb: &b [*a, *a]\nrules:\n  - match: '**'\n    cpcodes: *b\n", "d: &d {cpcodes: [1]}\nrules:\n  - <<: *d\n    match: a\n",
		rule1 + "---\nnetwork: staging\n", rule1 + "---\n", "rules: " + strings.Repeat("[", 50) + strings.Repeat("]", 50), "rules:\n  - match: ''\n    cpcodes: [1]\n",
		"rules:\n  - match: a\n    match: b\n    cpcodes: [1]\n", "rules:\n  - match: '**'\n    urls: /L/512/6848/1h/{dir}www.a.com/{path}\n",
		"threshold: [1]\nthreshold_share: NaN\nversion: {a: 1}\n" + rule1, "\x00\xff", "rules:\n  - regex: '(?P<g>.*)'\n    urls: 'https://a.com/{g|ext:.html}'\n",
		"submodules: cpcode\n" + rule1, "submodules: [warn]\ncpcodes: 1\n" + rule1, "base_url: https://a.com:0\nhosts: [a..com]\n" + rule1,
		"rules:\n  - match: '**'\n    urls: 'https://www.a.com@evil.example:99999/{path}'\n",
		rule1 + "verify:\n  sample: 10%\n  origin: https://o.a.com\n  connect_to: ['a.com:[::1]:443']\n  normalize:\n    - match: '**/*.html'\n      strip: ['x{2}', '(y']\n  debug_key: 00\n",
		rule1 + "output:\n  dir: ./public/\n  manifest: public/m.gz\n  normalize:\n    - match: '/x'\n      strip: ['x{2}', '(y']\n  immutable: ['**/*.????????.{js,css}', '']\n  volatility: 0x32%\n  sample_bytes: 0\n",
		"rules:\n  - match: 'public/**'\n    source: outptu\n    cpcodes: 1\n",
	} {
		f.Add([]byte(s), "-x/\n\x00.html")
	}
	f.Fuzz(func(t *testing.T, data []byte, p string) {
		cfg, err := Parse("f.yml", data)
		if err != nil {
			es, ok := err.(Errors)
			if !ok || len(es) == 0 {
				t.Fatalf("error %v is not a non-empty Errors", err)
			}
			for _, e := range es {
				if e.Line < 1 || e.Col < 1 || e.File != "f.yml" || e.Msg == "" {
					t.Fatalf("error without a position: %+v", e)
				}
			}
			return
		}
		m := cfg.MapPath(p)
		for _, o := range m.Objects {
			checkFuzzObject(t, o)
		}
		if e := cfg.Explain(p); len(e.Objects) != len(m.Objects) || e.Rule != m.Rule || (e.Status == StatusRejected) != (m.Rejected != "") {
			t.Fatalf("Explain %+v disagrees with MapPath %+v", e, m)
		}
	})
}

func checkFuzzObject(t *testing.T, o Object) {
	t.Helper()
	switch o.Kind {
	case purge.URL, purge.ARL:
		if err := checkObject(o.Value); err != nil {
			t.Fatalf("%s %q: %v", o.Kind, o.Value, err)
		}
		if _, err := finish(o.Value); err != nil {
			t.Fatalf("%s %q: %v", o.Kind, o.Value, err)
		}
	case purge.Tag:
		if err := checkTag(o.Value); err != nil {
			t.Fatal(err)
		}
	}
}

// FuzzTemplate expands templates with filters on arbitrary paths: no
// panic, and every URL parses, keeps its host, and has no dot segment.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"{base}/{path}", "{base}/{dir}{stem}.{ext}", "{base}/{path|lower|ext:/}", "https://a.com/{name|ext:.html}?v={stem}", "/L/1/2/1h/{host}/{path|noslash}",
		"/L/1/2/1h/{dir}www.a.com/{path}", "/L/1/2/{dir}/www.a.com/{path}", "https://a.com{dir}x/{name}", "https://a.com@{path}", "http://a1.g.akamai.net/L/1/2/1h/a.com/{path}", "{base}?{path}",
		"https://www.a.com@evil.example/{path}", "https://a.com:0/{path}", "https://a..com/{path}", "/L/1/2/1h/a.com:99999/{path}"} {
		for _, p := range []string{"a/B c/Ü#1.md", "root.html", "a/b/c/d.html", "x/../y", "-", "a\\b"} {
			f.Add(s, p)
		}
	}
	f.Fuzz(func(t *testing.T, tpl, p string) {
		tm, err := parseTemplate(tpl, scope{})
		if err != nil || tm.check([]string{"https://a.com/x"}, 0, 0) != nil {
			return
		}
		s := subject{rel: p, path: p}
		out, err := finish(string(tm.expand(nil, &s, "https://a.com/x")))
		if err != nil || checkPath(p) != "" {
			return // refused: a dot segment from the path
		}
		sample := samples(0, 0)[0]
		if tm.arl {
			ref, _ := finish(string(tm.expand(nil, &sample, "https://a.com/x")))
			got, want := arlHost(out), arlHost(ref)
			if got != want || !IsARL(out) {
				t.Fatalf("%q on %q gives the ARL %q (host %q, want %q)", tpl, p, out, got, want)
			}
			return
		}
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

// arlHost is the host field of an ARL: the fifth after its prefix.
func arlHost(s string) string {
	if i := strings.Index(s, ".net/"); strings.HasPrefix(s, "http") && i > 0 {
		s = s[i+4:]
	}
	f := strings.SplitN(s, "/", 7)
	if len(f) < 6 {
		return ""
	}
	return f[5]
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
