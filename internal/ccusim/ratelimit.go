package ccusim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Bucket is one token bucket: it holds at most Burst tokens and refills continuously at
// PerSecond tokens a second, so a client that paces itself to the refill rate never sees a 429
// while one that bursts past Burst does.
type Bucket struct {
	Burst     float64 // tokens when full; also the X-Ratelimit-Limit* header value
	PerSecond float64 // sustained refill rate; must be positive (a bucket that never refills is a dead account)
}

// Buckets sizes Fast Purge's four per-account token buckets, as Akamai's Fast Purge documentation sizes them. Every v3 purge
// takes one Requests token and then one token per object from the bucket of its type; ARLs count
// as URLs. CCU v2 had no documented buckets and is not limited.
type Buckets struct {
	Requests, URL, CPCode, Tag Bucket
}

// RealBuckets returns Akamai's documented sizes: requests 100 @ 50/s, URLs 10,000 @ 200/s,
// CP codes 300 @ 30/min, tags 5,000 @ 500/min. They are the default, because a client that only
// works against an unlimited simulator fails in production.
func RealBuckets() Buckets {
	return Buckets{
		Requests: Bucket{Burst: 100, PerSecond: 50},
		URL:      Bucket{Burst: 10000, PerSecond: 200},
		CPCode:   Bucket{Burst: 300, PerSecond: 30.0 / 60},
		Tag:      Bucket{Burst: 5000, PerSecond: 500.0 / 60},
	}
}

// unlimitedSize is more than any test or demo can spend, yet still prints as a plain integer in
// the X-Ratelimit-* headers (math.Inf would print "+Inf", which no client parses).
const unlimitedSize = 1e9

// Unlimited returns buckets no client can drain, for tests and demos about something other than
// rate limiting that send many requests in a tight loop.
func Unlimited() Buckets {
	b := Bucket{Burst: unlimitedSize, PerSecond: unlimitedSize}
	return Buckets{Requests: b, URL: b, CPCode: b, Tag: b}
}

// validate rejects sizes that would make every request fail or the headers meaningless.
func (b Buckets) validate() error {
	for name, x := range map[string]Bucket{"Requests": b.Requests, "URL": b.URL, "CPCode": b.CPCode, "Tag": b.Tag} {
		if !(x.Burst >= 1) || !(x.PerSecond > 0) || math.IsInf(x.Burst, 0) || math.IsInf(x.PerSecond, 0) {
			return fmt.Errorf("ccusim: bucket %s: burst must be at least 1 and the rate positive and finite, got %v/%v",
				name, x.Burst, x.PerSecond)
		}
	}
	return nil
}

// epsilon absorbs float rounding in refills (0.02 s × 50/s must buy a whole token).
const epsilon = 1e-9

// tokenBucket is a Bucket's live state.
type tokenBucket struct {
	Bucket
	tokens float64
	at     time.Time // when tokens was last brought up to date, on the Options.Now clock
}

// refill adds the tokens earned since the last update; a clock that goes backwards earns none.
func (b *tokenBucket) refill(now time.Time) {
	if dt := now.Sub(b.at).Seconds(); dt > 0 {
		b.tokens = min(b.Burst, b.tokens+dt*b.PerSecond)
		b.at = now
	}
}

func (b *tokenBucket) has(n float64) bool { return b.tokens+epsilon >= n }

// remaining is the whole tokens left, as the headers and 429 bodies report them.
func (b *tokenBucket) remaining() int { return int(math.Floor(b.tokens + epsilon)) }

// limiter holds an account's buckets. It has its own lock so rate checks never wait on
// Purges() readers.
type limiter struct {
	mu       sync.Mutex
	requests *tokenBucket
	objects  map[string]*tokenBucket // by v3 purge type: url, cpcode, tag
}

func newLimiter(b Buckets, now time.Time) *limiter {
	nb := func(x Bucket) *tokenBucket { return &tokenBucket{Bucket: x, tokens: x.Burst, at: now} }
	return &limiter{
		requests: nb(b.Requests),
		objects:  map[string]*tokenBucket{"url": nb(b.URL), "cpcode": nb(b.CPCode), "tag": nb(b.Tag)},
	}
}

// rateView is a snapshot of the two buckets a request touched, for headers and 429 bodies.
type rateView struct {
	req, obj tokenBucket
	short    string // "" when granted; "requests" or the purge type whose bucket was short
}

// take draws one request token, then n object tokens, atomically. If either bucket is short the
// request is denied and nothing is consumed, as Akamai documents ("the request token is returned").
func (l *limiter) take(purgeType string, n int, now time.Time) rateView {
	l.mu.Lock()
	defer l.mu.Unlock()
	req, obj := l.requests, l.objects[purgeType]
	req.refill(now)
	obj.refill(now)
	v := rateView{}
	switch {
	case !req.has(1):
		v.short = "requests"
	case !obj.has(float64(n)):
		v.short = purgeType
	default:
		req.tokens--
		obj.tokens -= float64(n)
	}
	v.req, v.obj = *req, *obj
	return v
}

// peek reports the buckets of purgeType without consuming anything.
func (l *limiter) peek(purgeType string, now time.Time) rateView {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests.refill(now)
	l.objects[purgeType].refill(now)
	return rateView{req: *l.requests, obj: *l.objects[purgeType]}
}

// setHeaders writes the X-Ratelimit-* headers Fast Purge sends on 201 and 429 alike.
// Seconds-To-Refresh-Limit is the wait until the bucket is full again, i.e. until a whole burst
// of X-Ratelimit-Limit would be accepted.
func (v rateView) setHeaders(h http.Header) {
	set := func(suffix string, b tokenBucket) {
		h.Set("X-Ratelimit-Limit"+suffix, strconv.FormatInt(int64(b.Burst), 10))
		h.Set("X-Ratelimit-Limit-Per-Second"+suffix, fmt.Sprintf("%.2f", b.PerSecond))
		h.Set("X-Ratelimit-Remaining"+suffix, strconv.Itoa(b.remaining()))
		h.Set("X-Ratelimit-Seconds-To-Refresh-Limit"+suffix, fmt.Sprintf("%.6f", max(b.Burst-b.tokens, 0)/b.PerSecond))
	}
	set("", v.req)
	set("-Objects", v.obj)
}

// rateTitles are the 429 titles per short bucket, verbatim from Akamai's examples.
var rateTitles = map[string]string{
	"requests": "Rate Limit exceeded",
	"url":      "URL Rate Limit exceeded",
	"cpcode":   "CPCODE Rate Limit exceeded",
	"tag":      "TAG Rate Limit exceeded",
}

// problem is the 429 body for a denied request: the short bucket's burst, the tokens the request
// needed from it and the whole tokens left. detail is empty, as in every Akamai example.
func (v rateView) problem(size int, support string) problem {
	b := v.obj
	if v.short == "requests" {
		b, size = v.req, 1
	}
	limit, remaining := int(b.Burst), b.remaining()
	return problem{
		HTTPStatus: http.StatusTooManyRequests, Title: rateTitles[v.short], SupportID: support,
		DescribedBy: v3DescribedBy, RateLimit: &limit, RateLimitRemaining: &remaining, RateLimitSize: &size,
	}
}

// handleRateStatus serves POST /ccu/v3/rate-limit-status/{type}: the headers of the type's
// buckets and a short body, consuming nothing, so a client can pace itself before a big submit.
func (s *Server) handleRateStatus(w http.ResponseWriter, purgeType string) {
	s.limits.peek(purgeType, s.now()).setHeaders(w.Header())
	id := v3ID(purgeType)
	writeJSON(w, http.StatusCreated, jsonType, map[string]any{
		"httpStatus": http.StatusCreated, "supportId": id, "detail": "Rate limit status",
	})
}
