package ccu

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// OnPace names the bucket a request waits for and how long, before the
// wait: the object bucket of the batch's kind, or the request bucket.
func TestOnPaceNamesTheBucket(t *testing.T) {
	t.Parallel()
	roomy := purge.Bucket{Burst: 1000, PerSecond: 1000}
	tight := purge.Bucket{Burst: 2, PerSecond: 20} // the second pair of objects waits 0.1 s
	for _, tc := range []struct {
		name    string
		kind    purge.Kind
		buckets purge.Buckets
		per     int // objects per batch
		want    string
	}{
		{"CP codes", purge.CPCode, purge.Buckets{Requests: roomy, URL: roomy, CPCode: tight, Tag: roomy}, 2, "cpcode"},
		{"tags", purge.Tag, purge.Buckets{Requests: roomy, URL: roomy, CPCode: roomy, Tag: tight}, 2, "tag"},
		{"ARLs draw on URLs", purge.ARL, purge.Buckets{Requests: roomy, URL: tight, CPCode: roomy, Tag: roomy}, 2, "url"},
		{"requests", purge.URL, purge.Buckets{Requests: purge.Bucket{Burst: 1, PerSecond: 20}, URL: roomy, CPCode: roomy, Tag: roomy}, 1, "requests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, c := start(t, ccusim.Options{})
			var mu sync.Mutex
			var got []PaceEvent
			o := fast
			o.Concurrency, o.Buckets = 1, &tc.buckets
			o.OnPace = func(e PaceEvent) { mu.Lock(); got = append(got, e); mu.Unlock() }
			sent := c.Submit(context.Background(), []purge.Batch{kindBatch(tc.kind, tc.per, 0), kindBatch(tc.kind, tc.per, 1)}, o)
			for _, s := range sent {
				if s.Err != nil {
					t.Fatalf("batch %d: %v", s.Batch, s.Err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(got) == 0 {
				t.Fatal("the second batch waited for the bucket, but OnPace was not called")
			}
			for _, e := range got {
				if e.Bucket != tc.want || e.Batch != 1 || e.Wait <= 0 || e.Wait > time.Second || e.Request.Type != tc.kind {
					t.Errorf("OnPace(%+v); want bucket %s for batch 1, a wait in (0, 1s]", e, tc.want)
				}
			}
		})
	}
}

// kindBatch is a Fast Purge batch of n objects of kind, the i-th of a plan.
func kindBatch(kind purge.Kind, n, i int) purge.Batch {
	b := purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Production, Type: kind}
	for k := range n {
		switch kind {
		case purge.CPCode:
			b.Objects = append(b.Objects, fmt.Sprint(1000+10*i+k))
		case purge.Tag:
			b.Objects = append(b.Objects, fmt.Sprintf("tag-%d-%d", i, k))
		default:
			b.Objects = append(b.Objects, fmt.Sprintf("https://www.example.com/%d/%d.html", i, k))
		}
	}
	return b
}

// Activity answers the latest wait for a bucket while it lasts, and the
// request out longest for its answer.
func TestActivityAt(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
	var a Activity
	if w := a.At(at); w != (Waiting{}) {
		t.Fatalf("before anything: %+v", w)
	}
	a.Paced(PaceEvent{Bucket: "cpcode", Wait: 40 * time.Second}, at)
	if w := a.At(at.Add(10 * time.Second)); w != (Waiting{Bucket: "cpcode", Refill: 30 * time.Second}) {
		t.Errorf("10s in: %+v, want cpcode for 30s more", w)
	}
	a.Paced(PaceEvent{Bucket: "requests", Wait: time.Second}, at.Add(20*time.Second))
	if w := a.At(at.Add(20 * time.Second)); w != (Waiting{Bucket: "requests", Refill: time.Second}) {
		t.Errorf("after a later wait: %+v, want the latest, requests 1s", w)
	}
	if w := a.At(at.Add(21 * time.Second)); w != (Waiting{}) {
		t.Errorf("once it is over: %+v, want nothing", w)
	}
	first := a.Asked(3, at)
	second := a.Asked(1, at.Add(5*time.Second))
	if w := a.At(at.Add(30 * time.Second)); w != (Waiting{Batch: 3, Answer: 30 * time.Second}) {
		t.Errorf("two out: %+v, want batch 3, out 30s", w)
	}
	first()
	if w := a.At(at.Add(30 * time.Second)); w != (Waiting{Batch: 1, Answer: 25 * time.Second}) {
		t.Errorf("after batch 3's answer: %+v, want batch 1, out 25s", w)
	}
	second()
	if w := a.At(at.Add(30 * time.Second)); w != (Waiting{}) {
		t.Errorf("all answered: %+v, want nothing", w)
	}
}

// OnAsk sees every attempt go out and its answer come in, retries
// included, each with its batch.
func TestOnAskPairsEveryAttempt(t *testing.T) {
	t.Parallel()
	sim, c := start(t, ccusim.Options{})
	sim.Script(ccusim.Step{Status: 503}, ccusim.Step{Status: 503}) // the first request is answered twice with 503, then 201
	var mu sync.Mutex
	out, asks := map[int]int{}, map[int]int{}
	o := fast
	o.Concurrency = 1
	o.OnAsk = func(batch int) func() {
		mu.Lock()
		defer mu.Unlock()
		out[batch]++
		asks[batch]++
		return func() { mu.Lock(); out[batch]--; mu.Unlock() }
	}
	sent := c.Submit(context.Background(), []purge.Batch{urlBatch(2, "a"), urlBatch(2, "b")}, o)
	for _, s := range sent {
		if s.Err != nil {
			t.Fatalf("batch %d: %v", s.Batch, s.Err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if asks[0] != 3 || asks[1] != 1 || out[0] != 0 || out[1] != 0 {
		t.Errorf("asks %v, still out %v; want 3 for batch 0 (two 503s), 1 for batch 1, none left out", asks, out)
	}
}
