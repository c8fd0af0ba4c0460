package mapper

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestParseObjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     []Object
		wantErr  string
	}{
		{"kinds, comments and blank lines", "# deploy 42\n\nhttps://www.example.com/a\nurl https://www.example.com/b\n  cpcode 12345\ntag docs-en\nTAG\tblog\n/L/1/2/1d/www.example.com/x\narl /L/1/2/1d/www.example.com/y\n",
			[]Object{{purge.URL, "https://www.example.com/a"}, {purge.URL, "https://www.example.com/b"}, {purge.CPCode, "12345"}, {purge.Tag, "docs-en"}, {purge.Tag, "blog"}, {purge.ARL, "/L/1/2/1d/www.example.com/x"}, {purge.ARL, "/L/1/2/1d/www.example.com/y"}}, ""},
		{"windows line ends", "https://www.example.com/a\r\ncpcode 1\r\n", []Object{{purge.URL, "https://www.example.com/a"}, {purge.CPCode, "1"}}, ""},
		{"a bad URL names its line", "# list\nhttps://www.example.com/a\n\n\n\n\nhttp://Bad Host/x\n", nil,
			`objects.txt:7: "http://Bad Host/x" is not a URL: it does not make an absolute http(s) URL or an ARL (it gives "http://Bad Host/x": invalid character " " in host name); start it with https://HOST/ or {base}/`},
		{"upper-case host", "https://WWW.example.com/a\n", nil, `objects.txt:1: "https://WWW.example.com/a" is not a URL: it has the host "WWW.example.com"`},
		{"dot segment", "https://www.example.com/a/../b\n", nil, `objects.txt:1: "https://www.example.com/a/../b" is not a URL`},
		{"relative", "static/a.css\n", nil, `objects.txt:1: "static/a.css" is not a URL`},
		{"every bad line", "cpcode 12a\ntag a b\ncpcode -3\n", nil,
			"objects.txt:1: \"12a\" is not a CP code: give its number, such as 123456\nobjects.txt:2: \"a b\" is not a cache tag: cache tag \"a b\" has ' '"},
		{"negative CP code", "cpcode -3\n", nil, `objects.txt:1: "-3" is not a CP code`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseObjects("objects.txt", strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want prefix %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("objects (-want +got):\n%s", d)
			}
		})
	}
}

func TestParseObjectsLongLine(t *testing.T) {
	t.Parallel()
	_, err := ParseObjects("big.txt", strings.NewReader(strings.Repeat("x", maxObjectLine+1)))
	if err == nil || !strings.Contains(err.Error(), "big.txt: a line is over") {
		t.Fatalf("err = %v", err)
	}
}

func TestFlagObjects(t *testing.T) {
	t.Parallel()
	got, err := FlagObjects([]string{"https://www.example.com/"}, []string{"7"}, []string{"t"})
	if err != nil {
		t.Fatal(err)
	}
	want := []Object{{purge.URL, "https://www.example.com/"}, {purge.CPCode, "7"}, {purge.Tag, "t"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("objects (-want +got):\n%s", d)
	}
	_, err = FlagObjects([]string{"www.example.com/a"}, []string{"x"}, nil)
	wantErr := "--url: \"www.example.com/a\" is not a URL: it does not make an absolute http(s) URL or an ARL (it gives \"www.example.com/a\"); start it with https://HOST/ or {base}/\n--cpcode: \"x\" is not a CP code: give its number, such as 123456"
	if err == nil || err.Error() != wantErr {
		t.Fatalf("err = %v\nwant %s", err, wantErr)
	}
}
