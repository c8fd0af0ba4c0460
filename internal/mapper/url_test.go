package mapper

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestFinish(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, err string }{
		{"https://a.com//x//y", "https://a.com/x/y", ""},
		{"https://a.com", "https://a.com/", ""},
		{"https://a.com?x=1", "https://a.com/?x=1", ""},
		{"https://a.com/x?u=http://b//c", "https://a.com/x?u=http://b//c", ""},
		{"/L/1/2/1h/a.com//x", "/L/1/2/1h/a.com/x", ""},
		{"https://a.com/x/../y", "", "segment"},
		{"https://a.com/./y", "", "segment"},
		{"https://a.com/x/..", "", "segment"},
		{"https://a.com/x/..y/...", "https://a.com/x/..y/...", ""},
		{"https://a.com/x/%2E%2E/y", "https://a.com/x/%2E%2E/y", ""}, // never produced: EscapePath keeps '.'
	} {
		got, err := finish(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("finish(%q) = %q, %v; want error with %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("finish(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestNormalizeBase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://www.example.com", "https://www.example.com"},
		{"HTTPS://WWW.Example.COM/", "https://www.example.com"},
		{"https://a.com/Docs/", "https://a.com/Docs"},
		{"https://bücher.example", "https://xn--bcher-kva.example"},
		{"https://xn--bcher-kva.example", "https://xn--bcher-kva.example"},
		{"http://a.com:8080/x", "http://a.com:8080/x"},
		{"https://a.com/a%20b", "https://a.com/a%20b"},
		{"ftp://a.com", ""},
		{"https://user@a.com", ""},
		{"https://a.com/#x", ""},
		{"https:///x", ""},
		{"https://a.com/../x", ""},
	} {
		got, err := normalizeBase(tc.in)
		if (err != nil) != (tc.want == "") || got != tc.want {
			t.Errorf("normalizeBase(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestRejectedPaths(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("rules:\n  - match: '**'\n    urls: https://a.com/{path}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"", "/etc/passwd", "a/../../b", "./a", "a//b", "a/", "..", "a/."} {
		m := cfg.MapPath(p)
		if m.Rejected == "" || len(m.Objects) != 0 {
			t.Errorf("MapPath(%q) = %+v, want it rejected with no objects", p, m)
		}
	}
	res := cfg.Map([]string{"ok.html", "a/../b"})
	if d := cmp.Diff([]string{"a/../b"}, res.Unmatched); d != "" {
		t.Errorf("rejected paths count as unmatched (-want +got):\n%s", d)
	}
}

// TestURLRoundTrip checks the URL-building rule end to end: every URL
// parses with net/url, its host is the configured one, and its path
// unescapes to exactly the bytes of the file path.
func TestURLRoundTrip(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("base_url: https://Straße.example/root/\nrules:\n  - match: '**'\n    urls: '{base}/{path}'\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"a b.html", "100%.html", "q?x=1", "#hash", "é/ü/ß.html", "e\u0301.html", "\xff\xfe.bin",
		"keep+&'()!*,;=:@$~-_.html", `"<>{}` + "`.txt", "tab\tnl\n.txt", "..x/x..", "back\\slash",
	} {
		m := cfg.MapPath(p)
		if len(m.Objects) != 1 {
			t.Fatalf("MapPath(%q) = %+v", p, m)
		}
		u, err := url.Parse(m.Objects[0].Value)
		if err != nil {
			t.Errorf("%q: %q does not parse: %v", p, m.Objects[0].Value, err)
			continue
		}
		if u.Host != "xn--strae-oqa.example" || u.Path != "/root/"+p {
			t.Errorf("%q: host %q path %q; want xn--strae-oqa.example and %q", p, u.Host, u.Path, "/root/"+p)
		}
	}
}

// Fixes from review: raw non-ASCII or spaces in a template's own text fail
// at load (the API would refuse the whole batch); strip works on folders;
// a backslash in a file name is sent as %5C.
func TestReviewFixes(t *testing.T) {
	for _, tc := range []struct{ name, tpl, want string }{
		{"non-ASCII literal", "https://www.example.com/café/{path}", `raw "é" in its text`},
		{"space literal", "https://www.example.com/my docs/{path}", `raw " " in its text`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("c.yml", []byte("rules:\n  - match: '**'\n    urls: \""+tc.tpl+"\"\n"))
			if err == nil || !strings.Contains(err.Error(), "c.yml:3:11:") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one at c.yml:3:11 containing %q", err, tc.want)
			}
		})
	}
	cfg, err := Parse("c.yml", []byte("rules:\n  - match: '**'\n    strip: public\n    urls: https://www.example.com/{path}\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := cfg.Map([]string{"public/a.html", "publicity/b.html", `public/a\b.html`}).Objects
	want := []Object{{purge.URL, "https://www.example.com/a.html"}, {purge.URL, "https://www.example.com/publicity/b.html"}, {purge.URL, "https://www.example.com/a%5Cb.html"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// TestHostRefused: a template, base_url or hosts entry naming a host no
// site is served from is refused at load, at its position, with what is
// wrong: user info (which makes the host the part after "@", so a
// reviewer reads one host and another is purged), a port that is empty,
// 0 or over 65535, and an empty label.
func TestHostRefused(t *testing.T) {
	t.Parallel()
	const urls = "rules:\n  - match: '**'\n    urls: %q\n"
	const base = "base_url: %q\nrules:\n  - match: '**'\n    urls: '{base}/{path}'\n"
	const hosts = "hosts: [%q]\nrules:\n  - match: '**'\n    urls: '{base}/{path}'\n"
	for _, tc := range []struct{ name, yml, value, at, want string }{
		{"user before host", urls, "https://www.example.com@evil.example/{path}", "c.yml:3:11: rule 1:", `has user info "www.example.com" before "@", so the host it names is "evil.example"`},
		{"user and password", urls, "https://u:pw@www.example.com/{path}", "c.yml:3:11: rule 1:", `has user info "u:pw"`},
		{"user from host", "hosts: [a.com]\n" + urls, "https://{host}@evil.example/{path}", "c.yml:4:11: rule 1:", `has user info "a.com"`},
		{"user in ARL", urls, "/L/512/6848/1h/u@www.a.com/{path}", "c.yml:3:11: rule 1:", `has user info "u" before "@" in the ARL's host`},
		{"port 0", urls, "https://www.example.com:0/{path}", "c.yml:3:11: rule 1:", `has the port "0": a port is a number from 1 to 65535`},
		{"port 99999", urls, "https://www.example.com:99999/{path}", "c.yml:3:11: rule 1:", `has the port "99999"`},
		{"port 65536", urls, "http://a.com:65536/{path}", "c.yml:3:11: rule 1:", `has the port "65536"`},
		{"port empty", urls, "https://www.example.com:/{path}", "c.yml:3:11: rule 1:", `has the port ""`},
		{"port not a number", urls, "https://www.example.com:80x/{path}", "c.yml:3:11: rule 1:", `invalid port ":80x"`},
		{"port 0 in ARL", urls, "/L/512/6848/1h/www.a.com:0/{path}", "c.yml:3:11: rule 1:", `has the port "0"`},
		{"empty label", urls, "https://www..example.com/{path}", "c.yml:3:11: rule 1:", `host "www..example.com" has two dots in a row`},
		{"leading dot", urls, "https://.example.com/{path}", "c.yml:3:11: rule 1:", "has a leading dot"},
		{"trailing dot", urls, "https://example.com./{path}", "c.yml:3:11: rule 1:", "has a trailing dot"},
		{"empty label in ARL", urls, "/L/512/6848/1h/www..a.com/{path}", "c.yml:3:11: rule 1:", "two dots in a row"},
		{"label over 63", urls, "https://" + strings.Repeat("a", 64) + ".com/{path}", "c.yml:3:11: rule 1:", "a label of 64 characters"},
		{"base_url user", base, "https://www.example.com@evil.example", "c.yml:1:11:", `base_url "https://www.example.com@evil.example" has user info "www.example.com"`},
		{"base_url port 0", base, "https://www.example.com:0", "c.yml:1:11:", `has the port "0"`},
		{"base_url port 99999", base, "https://www.example.com:99999/docs", "c.yml:1:11:", `has the port "99999"`},
		{"base_url port text", base, "https://www.example.com:https", "c.yml:1:11:", `invalid port ":https"`},
		{"base_url empty label", base, "https://www..example.com", "c.yml:1:11:", "two dots in a row"},
		{"base_url trailing dot", base, "https://example.com.", "c.yml:1:11:", "has a trailing dot"},
		{"hosts empty label", hosts, "www..example.com", "c.yml:1:9:", `hosts entry "www..example.com": host "www..example.com" has two dots in a row`},
		{"hosts leading dot", hosts, ".example.com", "c.yml:1:9:", "has a leading dot"},
		{"rule hosts empty label", "rules:\n  - match: '**'\n    hosts: [%q]\n    urls: '{base}/{path}'\n", "a..com", "c.yml:3:13:", `hosts entry "a..com"`},
		{"rule base_url port 0", "rules:\n  - match: '**'\n    base_url: %q\n    urls: '{base}/{path}'\n", "https://a.com:0", "c.yml:3:15:", `has the port "0"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yml", []byte(fmt.Sprintf(tc.yml, tc.value)))
			if err == nil || !strings.HasPrefix(err.Error(), tc.at) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) error = %v\nwant %s … %s", tc.value, err, tc.at, tc.want)
			}
		})
	}
}

// TestHostAccepted: what checkHost must keep accepting.
func TestHostAccepted(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yml, path, want string }{
		{"urls: 'https://www.example.com:8443/{path}'", "a.html", "https://www.example.com:8443/a.html"},
		{"urls: 'http://a.com:1/{path}'", "a.html", "http://a.com:1/a.html"},
		{"urls: 'http://a.com:65535/{path}'", "a.html", "http://a.com:65535/a.html"},
		{"urls: 'https://127.0.0.1/{path}'", "a.html", "https://127.0.0.1/a.html"},
		{"urls: 'https://a.com/x@y/{path}'", "a.html", "https://a.com/x@y/a.html"},
		{"urls: 'https://a.com/?u=b@c.com&p={path}'", "a.html", "https://a.com/?u=b@c.com&p=a.html"},
		{"urls: '/L/512/6848/1h/www.a.com/{path}'", "a.html", "/L/512/6848/1h/www.a.com/a.html"},
		{"base_url: https://www.a.com:8080/docs\n    urls: '{base}/{path}'", "a.html", "https://www.a.com:8080/docs/a.html"},
		{"hosts: [a-b.example.com]\n    urls: '{base}/{path}'", "a@b.html", "https://a-b.example.com/a@b.html"},
	} {
		cfg, err := Parse("c.yml", []byte("rules:\n  - match: '**'\n    "+tc.yml+"\n"))
		if err != nil {
			t.Errorf("%s: %v", tc.yml, err)
			continue
		}
		if got := values(cfg.MapPath(tc.path).Objects); len(got) != 1 || !strings.HasSuffix(got[0], " "+tc.want) {
			t.Errorf("%s on %q = %q, want %q", tc.yml, tc.path, got, tc.want)
		}
	}
}
