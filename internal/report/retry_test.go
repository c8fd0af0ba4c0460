package report

import (
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestRetryLine(t *testing.T) {
	part := fast(purge.URL, url("a.html"), url("b.html"))
	for _, tc := range []struct {
		e    ccu.RetryEvent
		want string
	}{
		{ccu.RetryEvent{Batch: 0, Request: part, Attempt: 1, Reason: "connection refused", Delay: 1200 * time.Millisecond, Left: 9*time.Minute + 58*time.Second},
			"Batch 1/3: attempt 1 failed (connection refused); retrying in 1.2s, 9m58s of the time budget left\n"},
		{ccu.RetryEvent{Batch: 2, Request: part, SplitAfter: "HTTP 403", Attempt: 4, Reason: "HTTP 429 rate limit", Delay: 30 * time.Second},
			"Batch 3/3 (a part of 2 object(s), split after HTTP 403): attempt 4 failed (HTTP 429 rate limit); retrying in 30s\n"},
	} {
		var b strings.Builder
		Retry(&b, 3, tc.e)
		if b.String() != tc.want {
			t.Errorf("Retry = %q, want %q", b.String(), tc.want)
		}
	}
}
