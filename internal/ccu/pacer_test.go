package ccu

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// The pacer's corrections from the server's answers, the concurrency bound, every request
// type, and "never twice after a 201" across several batches.

// The pacer's copies of the buckets only ever go down to what the server reports, and each
// report lowers the bucket it is about.
func TestPacerCorrections(t *testing.T) {
	t.Parallel()
	full := map[string]float64{"requests": 100, "url": 10000, "cpcode": 300, "tag": 5000}
	with := func(changes map[string]float64) map[string]float64 {
		out := map[string]float64{}
		for k, v := range full {
			out[k] = v
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	headers := func(kv ...string) http.Header {
		h := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			h.Set(kv[i], kv[i+1])
		}
		return h
	}
	tests := []struct {
		name string
		do   func(p *pacer)
		want map[string]float64
	}{
		{"request header lowers the request bucket", func(p *pacer) {
			p.observe("url", headers("X-Ratelimit-Remaining", "7"))
		}, with(map[string]float64{"requests": 7})},
		{"object header lowers the url bucket", func(p *pacer) {
			p.observe("url", headers("X-Ratelimit-Remaining-Objects", "500"))
		}, with(map[string]float64{"url": 500})},
		{"arl answers count as url", func(p *pacer) {
			p.observe("arl", headers("X-Ratelimit-Remaining-Objects", "42"))
		}, with(map[string]float64{"url": 42})},
		{"cpcode and tag answers lower their own buckets", func(p *pacer) {
			p.observe("cpcode", headers("X-Ratelimit-Remaining-Objects", "3"))
			p.observe("tag", headers("X-Ratelimit-Remaining", "50", "X-Ratelimit-Remaining-Objects", "4"))
		}, with(map[string]float64{"cpcode": 3, "tag": 4, "requests": 50})},
		{"both headers at once", func(p *pacer) {
			p.observe("url", headers("X-Ratelimit-Remaining", "99", "X-Ratelimit-Remaining-Objects", "9500"))
		}, with(map[string]float64{"requests": 99, "url": 9500})},
		// Another client may refill nothing for us: a higher report never raises the copy.
		{"a higher report does not raise the copy", func(p *pacer) {
			if _, _, err := p.take("url", 9000); err != nil {
				t.Fatal(err)
			}
			p.observe("url", headers("X-Ratelimit-Remaining", "100", "X-Ratelimit-Remaining-Objects", "10000"))
		}, with(map[string]float64{"requests": 99, "url": 1000})},
		{"missing and unreadable headers change nothing", func(p *pacer) {
			p.observe("url", http.Header{})
			p.observe("url", headers("X-Ratelimit-Remaining", "lots", "X-Ratelimit-Remaining-Objects", ""))
		}, full},
		{"a url 429 lowers the url bucket", func(p *pacer) {
			p.refused("url", "URL Rate Limit exceeded", 12, 500)
		}, with(map[string]float64{"url": 12})},
		{"an arl 429 lowers the url bucket", func(p *pacer) {
			p.refused("arl", "URL Rate Limit exceeded", 0, 500)
		}, with(map[string]float64{"url": 0})},
		{"a request 429 lowers the request bucket, not the object one", func(p *pacer) {
			p.refused("url", "Rate Limit exceeded", 0, 500)
		}, with(map[string]float64{"requests": 0})},
		{"a cpcode 429", func(p *pacer) {
			p.refused("cpcode", "CPCODE Rate Limit exceeded", 2, 10)
		}, with(map[string]float64{"cpcode": 2})},
		{"a tag 429", func(p *pacer) {
			p.refused("tag", "TAG Rate Limit exceeded", 1, 10)
		}, with(map[string]float64{"tag": 1})},
		// The refused request's own tokens come back (the server took none), up to
		// what the server says remains, and never above what the copy had before.
		{"a 429 gives back the refused request's tokens, capped by the server", func(p *pacer) {
			if _, _, err := p.take("tag", 4000); err != nil {
				t.Fatal(err)
			}
			p.refused("tag", "TAG Rate Limit exceeded", 4500, 4000)
		}, with(map[string]float64{"tag": 4500})},
		{"a 429 never raises the copy above the give-back", func(p *pacer) {
			if _, _, err := p.take("tag", 4000); err != nil {
				t.Fatal(err)
			}
			if _, _, err := p.take("tag", 500); err != nil {
				t.Fatal(err)
			}
			p.refused("tag", "TAG Rate Limit exceeded", 5000, 500)
		}, with(map[string]float64{"requests": 99, "tag": 1000})},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// A stopped clock: nothing refills, so the copies show exactly the corrections.
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
			tc.do(p)
			got := map[string]float64{}
			for k, b := range p.buckets {
				got[k] = b.have
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("tokens (-want +got):\n%s", d)
			}
		})
	}
}

// A correction that arrives a second after the take must not be credited
// with that second's refill again: the server's figure already has it.
func TestPacerCorrectionIsNotRefilledTwice(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
	if d, _, err := p.take("url", 500); d != 0 || err != nil {
		t.Fatalf("first take = %v, %v", d, err)
	}
	at = at.Add(time.Second) // the request was on the wire for a second
	p.observe("url", http.Header{"X-Ratelimit-Remaining-Objects": {"100"}})
	d, _, err := p.take("url", 300)
	// 200 URLs short at 200/s: one second, not zero.
	if err != nil || d < time.Second || d > time.Second+2*time.Millisecond {
		t.Errorf("take after the correction = %v, %v; want a wait of about 1s", d, err)
	}
	at = at.Add(time.Second)
	p.refused("url", "URL Rate Limit exceeded", 50, 300)
	d, _, err = p.take("url", 250)
	if err != nil || d < time.Second || d > time.Second+2*time.Millisecond {
		t.Errorf("take after the 429 = %v, %v; want a wait of about 1s (200 URLs short)", d, err)
	}
}

// A 429 for the request bucket gives the URL tokens back, but the same
// answer's X-Ratelimit-Remaining-Objects still caps them: the give-back
// must not lift the copy above what the server just said.
func TestPacerGiveBackCappedByHeaders(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
	if d, _, err := p.take("url", 500); d != 0 || err != nil {
		t.Fatalf("take = %v, %v", d, err)
	}
	zero := 0
	refusal := &APIError{Status: http.StatusTooManyRequests, Title: "Rate Limit exceeded", RateLimitRemaining: &zero}
	p.answered("url", 500, http.Header{"X-Ratelimit-Remaining": {"0"}, "X-Ratelimit-Remaining-Objects": {"100"}}, refusal)
	if got := p.buckets["url"].have; got != 100 {
		t.Errorf("url copy %v after the server said 100 remain", got)
	}
	if got := p.buckets["requests"].have; got != 0 {
		t.Errorf("request copy %v after the server said 0 remain", got)
	}
}

// A corrected copy makes the pacer wait for the refill instead of sending into a 429.
func TestPacerWaitsAfterCorrection(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
	p.observe("url", http.Header{"X-Ratelimit-Remaining-Objects": {"100"}})
	d, _, err := p.take("url", 500)
	// 400 URLs short at 200/s: two seconds (plus the pacer's millisecond of margin).
	if err != nil || d < 2*time.Second || d > 2*time.Second+2*time.Millisecond {
		t.Errorf("take after the correction = %v, %v; want a wait of about 2s", d, err)
	}
	if got := p.buckets["url"].have; got != 100 {
		t.Errorf("a refused take spent tokens: %v left, want 100", got)
	}
}

// Another client of the same account drains 9,500 of the 10,000-URL bucket; a second client,
// whose fresh pacer believes the bucket full, submits 1,000 URLs. The X-Ratelimit-* headers and
// the 429's rateLimitRemaining correct it: every object is purged, with at most one 429. The URL
// bucket refills at 1,000/s instead of 200/s so the wait for 500 tokens takes half a second.
// Both requests go out at once (the default concurrency), so the one 429 is unavoidable: the
// fresh pacer knows nothing yet. A second one would mean the correction was credited with the
// refill that happened while the request was on the wire, or the refused tokens stayed spent.
func TestPacerSharedAccount(t *testing.T) {
	buckets := purge.AkamaiBuckets
	buckets.URL.PerSecond = 1000
	sb := ccusim.RealBuckets()
	sb.URL.PerSecond = 1000
	sim, other := start(t, ccusim.Options{Buckets: &sb})
	o := fast
	o.Buckets = &buckets
	var drain []purge.Batch
	for i := range 19 {
		drain = append(drain, urlBatch(500, fmt.Sprint("other", i)))
	}
	for _, s := range other.Submit(context.Background(), drain, o) {
		if s.Err != nil {
			t.Fatalf("draining: %v", s.Err)
		}
	}
	before := len(sim.Served())
	batches := []purge.Batch{urlBatch(500, "mine-a"), urlBatch(500, "mine-b")}
	o.Concurrency = 0 // the default
	sent := client(t, sim).Submit(context.Background(), batches, o)
	for _, s := range sent {
		if s.Err != nil {
			t.Errorf("batch %d: %v", s.Batch, s.Err)
		}
	}
	refused := 0
	for _, sv := range sim.Served()[before:] {
		if sv.Status == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused > 1 {
		t.Errorf("%d answers were 429, want at most 1: the pacer did not learn the bucket's level", refused)
	}
	purged := map[string]int{}
	for _, p := range sim.Purges() {
		for _, o := range p.Objects {
			purged[o]++
		}
	}
	for _, b := range batches {
		for _, o := range b.Objects {
			if purged[o] != 1 {
				t.Fatalf("%s purged %d times, want 1", o, purged[o])
			}
		}
	}
}

// Submit never has more than Concurrency requests in flight at the server. Each purge POST is
// held by a scripted delay; Started says when the server took it and OnServed (which runs before
// the client can see the answer) when it ended, so started minus ended, read as each start is
// reported, can only under-count what was in flight, never over-count it.
func TestSubmitConcurrencyLimit(t *testing.T) {
	for _, limit := range []int{1, 3} {
		t.Run(fmt.Sprint(limit), func(t *testing.T) {
			var ended atomic.Int64
			sim, c := start(t, ccusim.Options{Buckets: unlimited(), OnServed: func(ccusim.Served) { ended.Add(1) }})
			n := 3*limit + 2
			started := make(chan struct{}, n)
			var batches []purge.Batch
			for i := range n {
				batches = append(batches, urlBatch(2, fmt.Sprint("c", i)))
				sim.Script(ccusim.Step{Delay: 30 * time.Millisecond, Started: started})
			}
			o := fast
			o.Concurrency = limit
			done := make(chan []Sent, 1)
			go func() { done <- c.Submit(context.Background(), batches, o) }()
			peak := 0
			for k := 1; k <= n; k++ {
				select {
				case <-started:
				case <-time.After(10 * time.Second):
					t.Fatalf("only %d of %d requests reached the server", k-1, n)
				}
				peak = max(peak, k-int(ended.Load()))
			}
			sent := <-done
			if peak > limit {
				t.Errorf("%d requests in flight at once, want at most %d", peak, limit)
			}
			t.Logf("peak %d of %d", peak, limit)
			for _, s := range sent {
				if s.Err != nil || s.Attempts != 1 {
					t.Errorf("batch %d: %d attempt(s), %v", s.Batch, s.Attempts, s.Err)
				}
			}
			accounting(t, sim, batches, sent)
		})
	}
}

func unlimited() *ccusim.Buckets {
	b := ccusim.Unlimited()
	return &b
}

// Every request type the client builds is one the simulator accepts and records as that type:
// the path, body form and CP code numbers must all be right for it to pass.
func TestSubmitRequestTypes(t *testing.T) {
	tests := []struct {
		name  string
		batch purge.Batch
		want  ccusim.Purge
	}{
		{"v3 tag", purge.Batch{API: "fast-purge", Action: "invalidate", Network: "production", Type: "tag", Objects: []string{"blog", "product-42"}},
			ccusim.Purge{API: "v3", Action: "invalidate", Type: "tag", Network: "production", Objects: []string{"blog", "product-42"}}},
		{"v3 cpcode", purge.Batch{API: "fast-purge", Action: "delete", Network: "staging", Type: "cpcode", Objects: []string{"12345", "678"}},
			ccusim.Purge{API: "v3", Action: "delete", Type: "cpcode", Network: "staging", Objects: []string{"12345", "678"}}},
		{"v3 url", purge.Batch{API: "fast-purge", Action: "invalidate", Network: "staging", Type: "url", Objects: []string{"https://e.com/a"}},
			ccusim.Purge{API: "v3", Action: "invalidate", Type: "url", Network: "staging", Objects: []string{"https://e.com/a"}}},
		{"v3 arl goes to the url endpoint", purge.Batch{API: "fast-purge", Action: "invalidate", Network: "production", Type: "arl", Objects: []string{"/L/1/2/1h/e.com/a"}},
			ccusim.Purge{API: "v3", Action: "invalidate", Type: "url", Network: "production", Objects: []string{"/L/1/2/1h/e.com/a"}}},
		{"v2 cpcode", purge.Batch{API: "ccu-v2", Action: "invalidate", Network: "production", Queue: "default", Type: "cpcode", Objects: []string{"12345"}},
			ccusim.Purge{API: "v2", Action: "invalidate", Type: "cpcode", Network: "production", Queue: "default", Objects: []string{"12345"}}},
		{"v2 cpcode delete on the emergency queue", purge.Batch{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency", Type: "cpcode", Objects: []string{"1", "2"}},
			ccusim.Purge{API: "v2", Action: "remove", Type: "cpcode", Network: "staging", Queue: "emergency", Objects: []string{"1", "2"}}},
		{"v2 url", purge.Batch{API: "ccu-v2", Action: "invalidate", Network: "staging", Queue: "default", Type: "url", Objects: []string{"https://e.com/a"}},
			ccusim.Purge{API: "v2", Action: "invalidate", Type: "arl", Network: "staging", Queue: "default", Objects: []string{"https://e.com/a"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sim, c := start(t, ccusim.Options{})
			sent := c.Submit(context.Background(), []purge.Batch{tc.batch}, fast)
			if len(sent) != 1 || sent[0].Err != nil || sent[0].Result.PurgeID == "" {
				t.Fatalf("sent %+v", sent)
			}
			purges := sim.Purges()
			if len(purges) != 1 || purges[0].PurgeID != sent[0].Result.PurgeID {
				t.Fatalf("simulator recorded %+v for purgeId %s", purges, sent[0].Result.PurgeID)
			}
			if d := cmp.Diff(tc.want, purges[0], cmpopts.IgnoreFields(ccusim.Purge{}, "PurgeID", "SupportID", "Submitted")); d != "" {
				t.Errorf("recorded purge (-want +got):\n%s", d)
			}
		})
	}
}

// Several batches, with retried faults landing on some of them: every object is purged exactly
// once, and nothing is sent after the 201 that confirmed its batch. (TestSubmitFaults checks a
// single batch; here a retry of one batch must not resend another.) Lost 201s are left out: the
// retry after one purges again, by design.
func TestSubmitNoResubmitAcrossBatches(t *testing.T) {
	for _, concurrency := range []int{1, 4} {
		t.Run(fmt.Sprint("concurrency ", concurrency), func(t *testing.T) {
			sim, c := start(t, ccusim.Options{Buckets: unlimited()})
			steps, err := ccusim.ParseScript("ok,503,reset,ok,429,reset-before-body,html,ok,500,reset,ok,504")
			if err != nil {
				t.Fatal(err)
			}
			sim.Script(steps...)
			var batches []purge.Batch
			for i := range 6 {
				batches = append(batches, urlBatch(5, fmt.Sprint("several", i)))
			}
			o := fast
			o.Concurrency = concurrency
			sent := c.Submit(context.Background(), batches, o)
			attempts := 0
			for _, s := range sent {
				attempts += s.Attempts
				if s.Err != nil {
					t.Errorf("batch %d: %v", s.Batch, s.Err)
				}
			}
			served := sim.Served()
			if attempts != len(served) || attempts <= len(batches) {
				t.Errorf("%d attempts, %d purge POSTs served, for %d batches: want equal counts and some retries", attempts, len(served), len(batches))
			}
			count := map[string]int{}
			for _, p := range sim.Purges() {
				for _, o := range p.Objects {
					count[o]++
				}
			}
			confirmed := map[string]bool{} // objects whose 201 the client received
			for _, sv := range served {
				for _, o := range sv.Objects {
					if confirmed[o] {
						t.Errorf("%s sent again after its 201: %+v", o, sv)
					}
				}
				if sv.Status == http.StatusCreated && sv.PurgeID != "" {
					for _, o := range sv.Objects {
						confirmed[o] = true
					}
				}
			}
			for _, b := range batches {
				for _, o := range b.Objects {
					if count[o] != 1 {
						t.Errorf("%s is in %d recorded purges, want exactly 1", o, count[o])
					}
				}
			}
			accounting(t, sim, batches, sent)
		})
	}
}
