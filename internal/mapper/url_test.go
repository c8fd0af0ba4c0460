package mapper

import (
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	want := []Object{{URL, "https://www.example.com/a.html"}, {URL, "https://www.example.com/publicity/b.html"}, {URL, "https://www.example.com/a%5Cb.html"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
