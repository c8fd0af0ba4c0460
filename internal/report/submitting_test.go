package report

import (
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// The status line while requests are out names the rate bucket a request
// waits for, in Akamai's words, and only while it waits; and a request
// slow to be answered, from SlowAnswer on.
func TestSubmittingStatus(t *testing.T) {
	t.Parallel()
	const done = "still purging: 1 of 3 batch(es) done, 12s elapsed"
	const slow = "; batch 2 has waited 45s for Akamai's answer (a purge is not sent again while it may still be accepted)"
	for _, tc := range []struct {
		bucket string
		left   time.Duration
		want   string
		answer time.Duration
	}{
		{"", 0, done, 0},
		{"cpcode", 40 * time.Second, done + "; waiting about 40s for Akamai's CP code rate limit to refill", 0},
		{"tag", 1500 * time.Millisecond, done + "; waiting about 2s for Akamai's cache tag rate limit to refill", 0},
		{"url", 100 * time.Millisecond, done + "; waiting about 1s for Akamai's URL rate limit to refill", 0},
		{"requests", 3 * time.Second, done + "; waiting about 3s for Akamai's request rate limit to refill", 0},
		{"cpcode", 0, done, 0},            // the wait is over
		{"unknown", time.Second, done, 0}, // a bucket this text does not know says nothing wrong
		{"", 0, done + slow, 45 * time.Second},
		{"", 0, done, SlowAnswer - time.Millisecond},
		{"tag", 2 * time.Second, done + "; waiting about 2s for Akamai's cache tag rate limit to refill" + slow, 45 * time.Second},
	} {
		w := ccu.Waiting{Bucket: tc.bucket, Refill: tc.left, Batch: 1, Answer: tc.answer}
		if got := Submitting(1, 3, 12*time.Second+300*time.Millisecond, w); got != tc.want {
			t.Errorf("Submitting(%+v) = %q, want %q", w, got, tc.want)
		}
	}
}
