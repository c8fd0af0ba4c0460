package ccu

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// BucketStatus is one of the account's rate buckets as Fast Purge's
// X-Ratelimit-* headers give it.
type BucketStatus struct {
	Limit            float64 `json:"limit"`            // X-Ratelimit-Limit(-Objects): the burst
	PerSecond        float64 `json:"perSecond"`        // X-Ratelimit-Limit-Per-Second(-Objects): the refill
	Remaining        float64 `json:"remaining"`        // X-Ratelimit-Remaining(-Objects)
	SecondsToRefresh float64 `json:"secondsToRefresh"` // X-Ratelimit-Seconds-To-Refresh-Limit(-Objects): until full
}

// RateLimit is what POST /ccu/v3/rate-limit-status/{type} says: the
// request bucket and the bucket of the type's objects, which every client
// of the account draws from.
type RateLimit struct {
	Type      purge.Kind   `json:"type"` // url, cpcode or tag
	Requests  BucketStatus `json:"requests"`
	Objects   BucketStatus `json:"objects"`
	SupportID string       `json:"supportId,omitempty"`
}

// RateLimitStatus asks Fast Purge for the account's buckets of kind (url,
// cpcode or tag; an ARL asks about url, whose bucket it draws from). It
// takes no tokens. The figures are the headers of the 201.
func (c *Client) RateLimitStatus(ctx context.Context, kind purge.Kind) (RateLimit, error) {
	if kind == purge.ARL {
		kind = purge.URL
	}
	path := "/ccu/v3/rate-limit-status/" + string(kind)
	resp, data, err := c.do(ctx, http.MethodPost, path, nil)
	if err != nil {
		return RateLimit{}, err
	}
	if resp.StatusCode != http.StatusCreated {
		return RateLimit{}, parseError(resp, data)
	}
	rl := RateLimit{Type: kind, SupportID: clean(supportID(data), maxField)}
	var ok1, ok2 bool
	rl.Requests, ok1 = bucketStatus(resp.Header, "")
	rl.Objects, ok2 = bucketStatus(resp.Header, "-Objects")
	if !ok1 || !ok2 {
		return rl, fmt.Errorf("POST %s: %w", path, errNoFigures)
	}
	return rl, nil
}

// errNoFigures is a rate-limit status without its figures.
var errNoFigures = errors.New("the answer lacks the X-Ratelimit-* headers (limit, per second, remaining) that hold the figures")

// bucketStatus reads one bucket's headers; ok is false when its limit,
// rate or remaining count is missing or not a count (see figure).
func bucketStatus(h http.Header, suffix string) (BucketStatus, bool) {
	limit, ok1 := figure(h.Get("X-Ratelimit-Limit" + suffix))
	rate, ok2 := figure(h.Get("X-Ratelimit-Limit-Per-Second" + suffix))
	left, ok3 := figure(h.Get("X-Ratelimit-Remaining" + suffix))
	refresh, _ := figure(h.Get("X-Ratelimit-Seconds-To-Refresh-Limit" + suffix))
	b := BucketStatus{Limit: limit, PerSecond: rate, Remaining: math.Min(left, limit), SecondsToRefresh: refresh}
	return b, ok1 && ok2 && ok3 && limit >= 1 && rate > 0
}

// LimitsBefore is how many objects of one kind a plan holds before purge
// reads the account's rate limits on its own (without --limits): below
// it, the published figures and the answers' headers pace well enough.
const LimitsBefore = 1000

// seed sets the copies of the buckets rl describes to the account's own
// figures: its sizes (an account may have other limits than the
// published ones) and what is left now, so the first requests of a run
// already fit what other clients left.
func (p *pacer) seed(rl RateLimit) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	set := func(t *tokens, b BucketStatus) {
		t.Burst, t.PerSecond = b.Limit, b.PerSecond
		t.have, t.at = math.Min(b.Remaining, b.Limit), now
	}
	set(p.buckets["requests"], rl.Requests)
	set(p.bucket(rl.Type), rl.Objects)
}

// LimitKinds are the purge types whose figures a run of batches should
// read first (RateLimitStatus) to seed its pacing: every Fast Purge type
// it sends when always (--limits), else those with more than
// LimitsBefore objects. ARLs count as URLs.
func LimitKinds(batches []purge.Batch, always bool) []purge.Kind {
	n := map[purge.Kind]int{}
	for _, b := range batches {
		if b.API != purge.FastPurge {
			continue
		}
		k := b.Type
		if k.IsURL() {
			k = purge.URL
		}
		n[k] += len(b.Objects)
	}
	var kinds []purge.Kind
	for _, k := range []purge.Kind{purge.URL, purge.CPCode, purge.Tag} {
		if n[k] > 0 && (always || n[k] > LimitsBefore) {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// RateLimits reads the figures of every kind in turn (RateLimitStatus)
// and stops at the first call that fails, with what it read before.
func (c *Client) RateLimits(ctx context.Context, kinds []purge.Kind) ([]RateLimit, error) {
	var ls []RateLimit
	for _, k := range kinds {
		rl, err := c.RateLimitStatus(ctx, k)
		if err != nil {
			return ls, fmt.Errorf("read the %s rate limits: %w", k, err)
		}
		ls = append(ls, rl)
	}
	return ls, nil
}
