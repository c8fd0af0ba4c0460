package report

import (
	"testing"
	"time"
)

// The status line while requests are out names the rate bucket a request
// waits for, in Akamai's words, and only while it waits.
func TestSubmittingStatus(t *testing.T) {
	t.Parallel()
	const done = "still purging: 1 of 3 batch(es) done, 12s elapsed"
	for _, tc := range []struct {
		bucket string
		left   time.Duration
		want   string
	}{
		{"", 0, done},
		{"cpcode", 40 * time.Second, done + "; waiting about 40s for Akamai's CP code rate limit to refill"},
		{"tag", 1500 * time.Millisecond, done + "; waiting about 2s for Akamai's cache tag rate limit to refill"},
		{"url", 100 * time.Millisecond, done + "; waiting about 1s for Akamai's URL rate limit to refill"},
		{"requests", 3 * time.Second, done + "; waiting about 3s for Akamai's request rate limit to refill"},
		{"cpcode", 0, done},            // the wait is over
		{"unknown", time.Second, done}, // a bucket this text does not know says nothing wrong
	} {
		if got := Submitting(1, 3, 12*time.Second+300*time.Millisecond, tc.bucket, tc.left); got != tc.want {
			t.Errorf("Submitting(%q, %v) = %q, want %q", tc.bucket, tc.left, got, tc.want)
		}
	}
}
