package verify

import (
	"strings"
	"testing"
	"time"
)

// A target that is not an absolute http(s) URL can never be fetched:
// it is judged unknown at once, not asked again until the budget ends.
func TestTargetNotAnHTTPURL(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{"notaurl", "ftp://www.example.com/a.html", "https:///a.html", "/a.html", "https://www.example.com/%zz"} {
		t.Run(raw, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, nil) // any request fails the test
			s := f.settings()
			s.Backoff, s.Timeout = time.Millisecond, time.Minute
			r := runOne(t, f, Target{URL: raw}, s)
			if r.Result != Unknown || r.Attempts != 0 {
				t.Fatalf("result %s after %d GETs; want unknown with no GET: %+v", r.Result, r.Attempts, r)
			}
			if !strings.Contains(r.Diagnosis, "not an absolute http(s) URL") {
				t.Errorf("diagnosis %q; want it to say the URL is not an absolute http(s) URL", r.Diagnosis)
			}
		})
	}
}
