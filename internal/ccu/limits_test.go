package ccu

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// RateLimitStatus reads the simulator's real buckets from the 201's
// headers, after a purge drew from them, and takes no tokens itself.
func TestRateLimitStatus(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	sim, c := start(t, ccusim.Options{Now: func() time.Time { return at }})
	if _, err := c.Purge(context.Background(), urlBatch(3, "a")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second call sees the same: the first took nothing
		got, err := c.RateLimitStatus(context.Background(), purge.URL)
		if err != nil {
			t.Fatal(err)
		}
		got.SupportID = ""
		want := RateLimit{Type: purge.URL,
			Requests: BucketStatus{Limit: 100, PerSecond: 50, Remaining: 99, SecondsToRefresh: 0.02},
			Objects:  BucketStatus{Limit: 10000, PerSecond: 200, Remaining: 9997, SecondsToRefresh: 0.015}}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("url (-want +got):\n%s", d)
		}
	}
	for kind, want := range map[purge.Kind]BucketStatus{
		purge.CPCode: {Limit: 300, PerSecond: 0.5, Remaining: 300},
		purge.Tag:    {Limit: 5000, PerSecond: 8.33, Remaining: 5000},
		purge.ARL:    {Limit: 10000, PerSecond: 200, Remaining: 9997, SecondsToRefresh: 0.015},
	} {
		got, err := c.RateLimitStatus(context.Background(), kind)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got.Objects); d != "" {
			t.Errorf("%s objects (-want +got):\n%s", kind, d)
		}
	}
	if n := len(sim.Purges()); n != 1 {
		t.Errorf("%d purges recorded, want 1", n)
	}
}

func TestBucketStatusNeedsFigures(t *testing.T) {
	t.Parallel()
	h := http.Header{}
	h.Set("X-Ratelimit-Limit", "100")
	h.Set("X-Ratelimit-Limit-Per-Second", "50.00")
	if _, ok := bucketStatus(h, ""); ok {
		t.Error("no Remaining: ok")
	}
	h.Set("X-Ratelimit-Remaining", "250") // more than the limit: capped
	b, ok := bucketStatus(h, "")
	if !ok || b.Remaining != 100 || b.SecondsToRefresh != 0 {
		t.Errorf("%+v, %v", b, ok)
	}
	if _, ok := bucketStatus(h, "-Objects"); ok {
		t.Error("no object figures: ok")
	}
}

// Seeded from the account's figures, the pacer uses the account's sizes
// and what is left, not Akamai's published full buckets.
func TestPacerSeed(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newPacer(purge.AkamaiBuckets, func() time.Time { return at }, RateLimit{Type: purge.URL,
		Requests: BucketStatus{Limit: 20, PerSecond: 10, Remaining: 20},
		Objects:  BucketStatus{Limit: 600, PerSecond: 300, Remaining: 100}})
	if d, _, err := p.take(purge.URL, 500); err != nil || d != seconds(400.0/300)+time.Millisecond {
		t.Errorf("take 500 of 100 left at 300/s: wait %v, %v; want 1.334s", d, err)
	}
	if _, _, err := p.take(purge.URL, 601); err == nil {
		t.Error("601 objects fit a bucket of 600")
	}
	if r := p.buckets["requests"]; r.Burst != 20 || r.PerSecond != 10 {
		t.Errorf("requests bucket %+v", r.Bucket)
	}
	if cp := p.buckets["cpcode"]; cp.have != 300 {
		t.Errorf("cpcode bucket changed: %v", cp.have)
	}
}

// X-Ratelimit-Seconds-To-Refresh-Limit(-Objects) alone lowers the copies:
// full in 10 s at 200/s is 2,000 short of 10,000.
func TestPacerSecondsToRefresh(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		headers    map[string]string
		req, objs  float64
		kindBucket string
	}{
		{"objects", map[string]string{"X-Ratelimit-Seconds-To-Refresh-Limit-Objects": "10.000000"}, 100, 8000, "url"},
		{"requests", map[string]string{"X-Ratelimit-Seconds-To-Refresh-Limit": "1.5"}, 25, 10000, "url"},
		{"cpcode, past empty", map[string]string{"X-Ratelimit-Seconds-To-Refresh-Limit-Objects": "1e9"}, 100, 0, "cpcode"},
		{"remaining is lower", map[string]string{"X-Ratelimit-Remaining-Objects": "5", "X-Ratelimit-Seconds-To-Refresh-Limit-Objects": "0.000000"}, 100, 5, "tag"},
		{"unreadable", map[string]string{"X-Ratelimit-Seconds-To-Refresh-Limit-Objects": "-Inf"}, 100, 5000, "tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
			h := http.Header{}
			for k, v := range tc.headers {
				h.Set(k, v)
			}
			p.observe(purge.Kind(tc.kindBucket), h)
			if got := p.buckets["requests"].have; got != tc.req {
				t.Errorf("requests %v, want %v", got, tc.req)
			}
			if got := p.buckets[tc.kindBucket].have; got != tc.objs {
				t.Errorf("%s %v, want %v", tc.kindBucket, got, tc.objs)
			}
		})
	}
}

// Against an account whose URL bucket is smaller than the published one,
// two requests of 500 at once get a 429 unless the pacer is seeded with
// the account's figures first.
func TestSubmitSeededFromLimits(t *testing.T) {
	t.Parallel()
	for _, seeded := range []bool{false, true} {
		sb := ccusim.RealBuckets()
		sb.URL = ccusim.Bucket{Burst: 600, PerSecond: 300}
		sim, c := start(t, ccusim.Options{Buckets: &sb})
		o := fast
		if seeded {
			rl, err := c.RateLimitStatus(context.Background(), purge.URL)
			if err != nil {
				t.Fatal(err)
			}
			o.Limits = []RateLimit{rl}
		}
		for _, s := range c.Submit(context.Background(), []purge.Batch{urlBatch(500, "a"), urlBatch(500, "b")}, o) {
			if s.Err != nil {
				t.Fatalf("seeded %v: %v", seeded, s.Err)
			}
		}
		refused := 0
		for _, sv := range sim.Served() {
			if sv.Status == http.StatusTooManyRequests {
				refused++
			}
		}
		if seeded != (refused == 0) {
			t.Errorf("seeded %v: %d answers were 429", seeded, refused)
		}
	}
}

func TestLimitKinds(t *testing.T) {
	t.Parallel()
	b := func(api purge.API, k purge.Kind, n int) purge.Batch {
		return purge.Batch{API: api, Type: k, Objects: make([]string, n)}
	}
	fp := purge.FastPurge
	big := []purge.Batch{b(fp, purge.URL, 500), b(fp, purge.URL, 500), b(fp, purge.ARL, 1), b(fp, purge.Tag, 3)}
	for _, tc := range []struct {
		name    string
		batches []purge.Batch
		always  bool
		want    []purge.Kind
	}{
		{"small: none", []purge.Batch{b(fp, purge.URL, 500), b(fp, purge.CPCode, 2)}, false, nil},
		{"past 1,000 of a kind, ARLs with URLs", big, false, []purge.Kind{purge.URL}},
		{"--limits: every kind sent", big, true, []purge.Kind{purge.URL, purge.Tag}},
		{"CCU v2 has no such call", []purge.Batch{b(purge.CCUv2, purge.URL, 500), b(purge.CCUv2, purge.URL, 501)}, true, nil},
	} {
		if d := cmp.Diff(tc.want, LimitKinds(tc.batches, tc.always)); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}
