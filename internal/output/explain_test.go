package output

import (
	"regexp"
	"strings"
	"testing"
)

func TestExplain(t *testing.T) {
	t.Parallel()
	page := `<html><head><meta name="build" content="2026-12-01T10:00:00Z"></head><body>hello</body></html>`
	newPage := strings.Replace(page, "2026-12-01T10:00:00Z", "2026-12-02T06:33:30Z", 1)
	long := strings.Repeat("x", 100) + "A" + strings.Repeat("y", 100)
	for _, tc := range []struct {
		name string
		old  Entry
		new  string
		want string
	}{
		{"first difference", Entry{Sample: []byte(page)}, newPage,
			`p.html: first difference at byte 49 (line 1): old «…ad><meta name="build" content="2026-12-01T10:00:00Z"></head><body>hello</body></…» new «…ad><meta name="build" content="2026-12-02T06:33:30Z"></head><body>hello</body></…»`},
		{"window cut both sides", Entry{Sample: []byte(long)}, strings.Replace(long, "A", "B", 1),
			"p.html: first difference at byte 100 (line 1): old «…" + strings.Repeat("x", 40) + "A" + strings.Repeat("y", 39) + "…» new «…" + strings.Repeat("x", 40) + "B" + strings.Repeat("y", 39) + "…»"},
		{"line and escapes", Entry{Sample: []byte("a\nb\tc\nold")}, "a\nb\tc\nnew",
			`p.html: first difference at byte 6 (line 3): old «a\nb\tc\nold» new «a\nb\tc\nnew»`},
		{"new is longer", Entry{Sample: []byte("abc")}, "abcdef", `first difference at byte 3 (line 1): old «abc» new «abcdef»`},
		{"whole runes", Entry{Sample: []byte(strings.Repeat("é", 30) + "a")}, strings.Repeat("é", 30) + "b",
			"at byte 60 (line 1): old «…" + strings.Repeat("é", 20) + "a» new «…" + strings.Repeat("é", 20) + "b»"},
		{"same bytes", Entry{Sample: []byte("abc")}, "abc", "p.html: no difference: the same 3 bytes as in the last manifest"},
		{"no sample, same hash", Entry{Hash: sum("big"), Size: 3}, "big", "p.html: no difference: it hashes as in the last manifest"},
		{"no sample, different", Entry{Hash: sum("big"), Size: 3}, "bigger",
			"p.html: differs from the last manifest (3 bytes then, 6 now), which keeps no sample of it (binary, or over the sample size): give --previous-dir DIR with the previous build to see the bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := Explain("p.html", tc.old, []byte(tc.new)); !strings.Contains(got, tc.want) {
				t.Errorf("Explain =\n%s\nwant it to contain\n%s", got, tc.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	o := Options{Normalize: []Normalizer{{Glob: "/**/*.html", Strip: []*regexp.Regexp{regexp.MustCompile(`\?v=\d+`)}}}}
	for _, tc := range []struct{ path, in, want string }{
		{"a/b.html", `src="x.js?v=123"`, `src="x.js"`},
		{"index.html", `src="x.js?v=123"`, `src="x.js"`},
		{"a/b.txt", `src="x.js?v=123"`, `src="x.js?v=123"`},
	} {
		got, err := Normalize(tc.path, []byte(tc.in), o)
		if err != nil || string(got) != tc.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
	if _, err := Normalize("a", nil, Options{Normalize: []Normalizer{{Glob: "[x"}}}); err == nil {
		t.Error("Normalize with a bad glob: no error")
	}
}
