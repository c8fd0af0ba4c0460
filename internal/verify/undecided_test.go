package verify

import (
	"net/http"
	"strings"
	"testing"
)

// When nothing decides, the diagnosis says what the edge's cache headers
// did say, instead of claiming there were none and asking for the debug
// key the run already gave.
func TestUndecidedSaysWhy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		headers   []string
		key       []byte
		diag      string
		hintLacks string
	}{
		{"a key but no debug headers", nil, []byte("k"), "the edge returned no debug headers", "debug key"},
		{"a hit with no purge time", []string{"X-Cache", "TCP_HIT from a1"}, nil, "TCP_HIT, with no Age and purge time", "debug key"},
		{"nothing at all", nil, nil, "no deployed file, no origin, no cache headers", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, map[string]http.HandlerFunc{"www.example.com/a.css": body("x", tc.headers...)})
			s := f.settings()
			s.DebugKey = tc.key
			r := runOne(t, f, Target{URL: site + "/a.css"}, s)
			if r.Result != Unknown || !strings.Contains(r.Diagnosis, tc.diag) {
				t.Errorf("%s: %q; want unknown with %q", r.Result, r.Diagnosis, tc.diag)
			}
			if tc.hintLacks != "" && strings.Contains(r.Hint, tc.hintLacks) {
				t.Errorf("hint %q asks for a %s the run gave or that would not help", r.Hint, tc.hintLacks)
			}
		})
	}
}
