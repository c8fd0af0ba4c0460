package report

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// limitsCase is what the simulator answers after one purge of 3 URLs, as
// ccu.RateLimitStatus reads it.
var limitsCase = []ccu.RateLimit{
	{Type: purge.URL, Requests: ccu.BucketStatus{Limit: 100, PerSecond: 50, Remaining: 99, SecondsToRefresh: 0.02},
		Objects: ccu.BucketStatus{Limit: 10000, PerSecond: 200, Remaining: 9997, SecondsToRefresh: 0.015}},
	{Type: purge.CPCode, Requests: ccu.BucketStatus{Limit: 100, PerSecond: 50, Remaining: 99.6, SecondsToRefresh: 0.008},
		Objects: ccu.BucketStatus{Limit: 300, PerSecond: 0.5, Remaining: 0, SecondsToRefresh: 600}},
	{Type: purge.Tag, Requests: ccu.BucketStatus{Limit: 100, PerSecond: 50, Remaining: 100},
		Objects: ccu.BucketStatus{Limit: 5000, PerSecond: 8.33, Remaining: 5000}},
}

func TestLimitsGolden(t *testing.T) {
	t.Parallel()
	var text, pacing bytes.Buffer
	Limits(&text, limitsCase)
	golden(t, "limits", "text", text.Bytes())
	PacingFrom(&pacing, limitsCase[:1], errors.New("read the cpcode rate limits: POST /ccu/v3/rate-limit-status/cpcode: 500 internal error"))
	golden(t, "limits", "pacing", pacing.Bytes())
}

func TestLimitsNothingRead(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Limits(&b, nil)
	PacingFrom(&b, nil, nil)
	if b.Len() != 0 {
		t.Errorf("printed %q", b.String())
	}
}
