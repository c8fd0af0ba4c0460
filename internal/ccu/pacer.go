package ccu

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// pacer keeps client-side copies of the account's buckets so requests are
// spaced to fit instead of being refused with 429. The server's
// X-Ratelimit-* headers correct the copies, since other clients of the
// same account draw from the same buckets.
type pacer struct {
	mu      sync.Mutex
	now     func() time.Time
	buckets map[string]*tokens // "requests", "url", "cpcode", "tag"
}

type tokens struct {
	purge.Bucket
	have float64
	at   time.Time
}

// newPacer makes full copies of b, then sets those the account's figures
// (seeds, from RateLimitStatus) describe to them.
func newPacer(b purge.Buckets, now func() time.Time, seeds ...RateLimit) *pacer {
	t := now()
	mk := func(x purge.Bucket) *tokens { return &tokens{Bucket: x, have: x.Burst, at: t} }
	p := &pacer{now: now, buckets: map[string]*tokens{
		"requests": mk(b.Requests), "url": mk(b.URL), "cpcode": mk(b.CPCode), "tag": mk(b.Tag),
	}}
	for _, rl := range seeds {
		p.seed(rl)
	}
	return p
}

func (t *tokens) refill(now time.Time) {
	if d := now.Sub(t.at).Seconds(); d > 0 {
		t.have = math.Min(t.Burst, t.have+d*t.PerSecond)
	}
	t.at = now
}

// wait blocks until one request token and n tokens of kind are available,
// then takes them; it fails when ctx ends first or n can never fit.
// waiting, when set, is told each wait before it starts: the bucket that
// is short ("requests" or the kind's) and for how long.
func (p *pacer) wait(ctx context.Context, kind purge.Kind, n int, waiting func(bucket string, d time.Duration)) error {
	for {
		d, bucket, err := p.take(kind, float64(n))
		if d > 0 && waiting != nil {
			waiting(bucket, d)
		}
		if err != nil || d == 0 {
			return err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// take takes the tokens if both buckets have them, or says how long to
// wait and for which bucket (the one short the longest).
func (p *pacer) take(kind purge.Kind, n float64) (time.Duration, string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	name := kind.Bucket()
	req, obj := p.buckets["requests"], p.buckets[name]
	req.refill(now)
	obj.refill(now)
	if n > obj.Burst {
		return 0, name, &pacingError{kind: kind, n: int(n), burst: int(obj.Burst)}
	}
	short, wait := name, need(obj, n)
	if r := need(req, 1); r > wait {
		short, wait = "requests", r
	}
	if wait > 0 {
		return seconds(wait) + time.Millisecond, short, nil
	}
	req.have--
	obj.have -= n
	return 0, "", nil
}

func (p *pacer) bucket(kind purge.Kind) *tokens { return p.buckets[kind.Bucket()] }

// need is the seconds until t holds n tokens.
func need(t *tokens, n float64) float64 {
	if t.have >= n || t.PerSecond <= 0 {
		return 0
	}
	return (n - t.have) / t.PerSecond
}

// answered updates the copies from one answer to a request of n objects
// of kind: a 429 gives its tokens back first (the server took none), then
// the server's figures (the 429 body's rateLimitRemaining, the
// X-Ratelimit-* headers of any answer) cap them. In the other order the
// give-back would lift a copy above what the server just said.
func (p *pacer) answered(kind purge.Kind, n int, h http.Header, err error) {
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests {
		remaining := -1
		if ae.RateLimitRemaining != nil {
			remaining = *ae.RateLimitRemaining
		}
		p.refused(kind, ae.Title, remaining, n)
	}
	if h != nil {
		p.observe(kind, h)
	}
}

// observe lowers the copies to what the server says remains. The copies
// are refilled to now first: the server's figure already includes the
// refill while the request was on the wire, which must not be credited
// twice.
func (p *pacer) observe(kind purge.Kind, h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for suffix, b := range map[string]*tokens{"": p.buckets["requests"], "-Objects": p.bucket(kind)} {
		b.refill(now)
		if v, ok := figure(h.Get("X-Ratelimit-Remaining" + suffix)); ok {
			b.have = math.Min(b.have, v)
		}
		if v, ok := figure(h.Get("X-Ratelimit-Seconds-To-Refresh-Limit" + suffix)); ok {
			b.have = math.Min(b.have, refreshed(b, v))
		}
	}
}

// refreshed is what a bucket holds when the server says it is full again
// in secs seconds (X-Ratelimit-Seconds-To-Refresh-Limit*): a server that
// sends only that figure, and not the remaining count, still paces the
// client. Never below 0: a bucket holds no debt.
func refreshed(b *tokens, secs float64) float64 {
	return math.Max(0, b.Burst-math.Min(secs, maxWait.Seconds())*b.PerSecond)
}

// figure reads an X-Ratelimit-* header as a count of tokens: a finite
// number of at least 0, else ok is false and the copy keeps its own count.
// A bucket holds no debt, so a negative figure is as wrong as "-Inf": both
// made the wait overflow time.Duration and the pacer spin on one core for
// the whole budget; "NaN", which compares false with everything, turned
// pacing off.
func figure(v string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	return f, err == nil && f >= 0 && !math.IsInf(f, 1) // NaN fails f >= 0
}

// maxWait caps every wait computed from a figure: a day is past any
// budget (--timeout), which ends the wait first, and far inside
// time.Duration's 292 years, so no product of a figure and a second
// overflows into a negative, instant wait.
const maxWait = 24 * time.Hour

// seconds is s seconds as a Duration, within [0, maxWait]; NaN is 0.
func seconds(s float64) time.Duration {
	switch {
	case !(s > 0):
		return 0
	case s >= maxWait.Seconds():
		return maxWait
	}
	return time.Duration(s * float64(time.Second))
}

// refused records a 429 for a request of n objects of kind: the server
// took none of its tokens, so they are given back, and the bucket the 429
// names is lowered to its rateLimitRemaining (when remaining >= 0).
// Without the give-back every 429 would cost a full extra refill wait.
func (p *pacer) refused(kind purge.Kind, title string, remaining, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	req, obj := p.buckets["requests"], p.bucket(kind)
	req.refill(now)
	obj.refill(now)
	req.have = math.Min(req.Burst, req.have+1)
	obj.have = math.Min(obj.Burst, obj.have+float64(n))
	named := obj
	if title == "Rate Limit exceeded" {
		named = req
	}
	if remaining >= 0 {
		named.have = math.Min(named.have, float64(remaining))
	}
}

type pacingError struct {
	kind     purge.Kind
	n, burst int
}

func (e *pacingError) Error() string {
	return "a request of " + strconv.Itoa(e.n) + " " + string(e.kind) + " objects exceeds the account's bucket of " + strconv.Itoa(e.burst) + ": lower --batch-size"
}
