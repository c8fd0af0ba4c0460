package options

import (
	"strings"
	"testing"
)

// verify --url takes only what it can GET: anything else is an input
// error (exit 2) at once, not an unknown URL after the whole budget.
func TestVerifyURLIsAbsoluteHTTP(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url string
		err string // "" = accepted
	}{
		{"https://www.example.com/a.html", ""},
		{"http://www.example.com/", ""},
		{"notaurl", `--url "notaurl": verify GETs absolute http(s) URLs`},
		{"ftp://www.example.com/a", `--url "ftp://www.example.com/a"`},
		{"https:///a.html", `--url "https:///a.html"`},
		{"/L/1234/424242/1d/www.example.com/a.html", `--url "/L/1234/424242/1d/www.example.com/a.html"`},
	} {
		t.Run(tc.url, func(t *testing.T) {
			t.Parallel()
			o := &Options{}
			fs := FlagSet("verify", func(string) string { return "" }, o)
			err := Parse(fs, []string{"--url", tc.url}, o)
			if tc.err == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one with %q", err, tc.err)
			}
		})
	}
}
