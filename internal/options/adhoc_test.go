package options

import (
	"slices"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestAdhocFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		env     string // CCU_PURGE_STATE
		adhoc   bool
		wantErr string
	}{
		{"repeatable flags", []string{"--url", "https://a.example/", "--url", "https://b.example/", "--cpcode", "1", "--tag", "t"}, "", true, ""},
		{"a list", []string{"--objects-from", "-"}, "", true, ""},
		{"a range", []string{"--from", "v1"}, "", false, ""},
		{"with --from", []string{"--url", "https://a.example/", "--from", "v1"}, "", true, "--from chooses a range, and --url, --cpcode, --tag or --objects-from name the objects: give one or the other"},
		{"with --state", []string{"--objects-from", "o.txt", "--state", "s.json"}, "", true, "--state chooses a range"},
		{"with --to", []string{"--tag", "t", "--to", "HEAD~1"}, "", true, "--to chooses a range"},
		{"CCU_PURGE_STATE is no flag", []string{"--tag", "t"}, "s.json", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := &Options{}
			fs := Purge(func(k string) string {
				if k == "CCU_PURGE_STATE" {
					return tc.env
				}
				return ""
			}, o)
			err := Parse(fs, tc.args, o)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || o.Adhoc() != tc.adhoc {
				t.Fatalf("err = %v, adhoc = %v, want %v", err, o.Adhoc(), tc.adhoc)
			}
		})
	}
	o := &Options{}
	if err := Parse(Purge(func(string) string { return "" }, o), []string{"--url", "u1", "--url", "u2", "--cpcode", "3"}, o); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.URLs, []string{"u1", "u2"}) || !slices.Equal(o.CPCodes, []string{"3"}) {
		t.Errorf("URLs %q, CPCodes %q", o.URLs, o.CPCodes)
	}
}

func TestLimitKinds(t *testing.T) {
	t.Parallel()
	all, err := LimitKinds(nil)
	if err != nil || !slices.Equal(all, []purge.Kind{purge.URL, purge.CPCode, purge.Tag}) {
		t.Errorf("no argument: %v, %v", all, err)
	}
	one, err := LimitKinds([]string{"tag"})
	if err != nil || !slices.Equal(one, []purge.Kind{purge.Tag}) {
		t.Errorf("tag: %v, %v", one, err)
	}
	// ARLs draw from the URL bucket: url is the type to ask about.
	if _, err := LimitKinds([]string{"arl"}); err == nil || err.Error() != `unknown purge type "arl"; did you mean "url"? valid types are url, cpcode and tag` {
		t.Errorf("arl: %v", err)
	}
	if _, err := LimitKinds([]string{"everything"}); err == nil || err.Error() != `unknown purge type "everything"; valid types are url, cpcode and tag` {
		t.Errorf("everything: %v", err)
	}
}
