package ccu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

var fast = SubmitOptions{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}

func urlBatch(n int, prefix string) purge.Batch {
	b := purge.Batch{API: "fast-purge", Action: "invalidate", Network: "production", Type: "url"}
	for i := 0; i < n; i++ {
		b.Objects = append(b.Objects, fmt.Sprintf("https://www.example.com/%s/%03d.html", prefix, i))
	}
	return b
}

func start(t *testing.T, opts ccusim.Options) (*ccusim.Server, *Client) {
	t.Helper()
	sim, err := ccusim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	return sim, client(t, sim)
}

// accounting checks the promise: every object in exactly one Sent, and
// purged objects exactly the simulator's.
func accounting(t *testing.T, sim *ccusim.Server, batches []purge.Batch, sent []Sent) (purged, failed []string) {
	t.Helper()
	seen := map[string]int{}
	for _, s := range sent {
		for _, o := range s.Request.Objects {
			seen[o]++
			if s.Err == nil {
				purged = append(purged, o)
			} else {
				failed = append(failed, o)
			}
		}
	}
	for _, b := range batches {
		for _, o := range b.Objects {
			if seen[o] != 1 {
				t.Errorf("object %s is in %d outcomes, want exactly 1", o, seen[o])
			}
		}
	}
	var simPurged []string
	for _, p := range sim.Purges() {
		simPurged = append(simPurged, p.Objects...)
	}
	if d := cmp.Diff(sortedCopy(purged), sortedCopy(simPurged)); d != "" {
		t.Errorf("confirmed objects differ from what the simulator purged (-client +sim):\n%s", d)
	}
	return purged, failed
}

func sortedCopy(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestSubmitOrderAndConcurrency(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	var batches []purge.Batch
	for i := 0; i < 9; i++ {
		batches = append(batches, urlBatch(3, fmt.Sprint("b", i)))
	}
	// The first request answers last; the callbacks still come in plan
	// order. OnSent calls are serialised, so no lock is needed here.
	sim.Script(ccusim.Step{Delay: 300 * time.Millisecond})
	var order []int
	o := fast
	o.OnSent = func(s Sent) { order = append(order, s.Batch) }
	sent := c.Submit(context.Background(), batches, o)
	if want := []int{0, 1, 2, 3, 4, 5, 6, 7, 8}; !slices.Equal(order, want) {
		t.Errorf("OnSent order %v, want plan order %v", order, want)
	}
	if len(sent) != 9 {
		t.Fatalf("%d results, want 9", len(sent))
	}
	for i, s := range sent {
		if s.Batch != i || s.Err != nil || s.Result.PurgeID == "" {
			t.Errorf("result %d = batch %d, err %v, purgeId %q", i, s.Batch, s.Err, s.Result.PurgeID)
		}
	}
	accounting(t, sim, batches, sent)
}

func TestSubmitRetries(t *testing.T) {
	for _, tc := range []struct {
		status       int
		wantAttempts int
		wantErr      bool
	}{
		{429, 3, false}, {500, 3, false}, {503, 3, false}, {507, 3, false},
		{400, 1, true}, {403, 1, true}, {415, 1, true}, {401, 1, true},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			sim, c := start(t, ccusim.Options{})
			sim.Fail(2, tc.status, "", "")
			batches := []purge.Batch{urlBatch(1, "x")}
			sent := c.Submit(context.Background(), batches, fast)
			if len(sent) != 1 || sent[0].Attempts != tc.wantAttempts || (sent[0].Err != nil) != tc.wantErr {
				t.Fatalf("sent = %+v", sent)
			}
			accounting(t, sim, batches, sent)
		})
	}
}

func TestSubmitGivesUpAtTheBudget(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	sim.Fail(1000, 503, "", "")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	o := SubmitOptions{MinBackoff: 20 * time.Millisecond, MaxBackoff: 40 * time.Millisecond}
	sent := c.Submit(ctx, []purge.Batch{urlBatch(2, "x")}, o)
	var ae *APIError
	if len(sent) != 1 || !errors.As(sent[0].Err, &ae) || ae.Status != 503 || sent[0].Attempts < 2 {
		t.Fatalf("sent = %+v", sent)
	}
}

// A 413 splits the batch in halves until each fits.
func TestSubmitSplitsOn413(t *testing.T) {
	sim, c := start(t, ccusim.Options{MaxBody: 600})
	batches := []purge.Batch{urlBatch(40, "split")}
	sent := c.Submit(context.Background(), batches, fast)
	if len(sent) < 4 {
		t.Errorf("%d requests, want the 40 objects split into several", len(sent))
	}
	purged, failed := accounting(t, sim, batches, sent)
	if len(purged) != 40 || len(failed) != 0 {
		t.Errorf("purged %d, failed %d", len(purged), len(failed))
	}
}

// One refused object fails Akamai's whole request: bisection finds it.
func TestSubmitBisectsRefusals(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	b := urlBatch(50, "bisect")
	sim.Refuse(b.Objects[7], b.Objects[31])
	sent := c.Submit(context.Background(), []purge.Batch{b}, fast)
	_, failed := accounting(t, sim, []purge.Batch{b}, sent)
	if d := cmp.Diff([]string{b.Objects[7], b.Objects[31]}, failed); d != "" {
		t.Errorf("failed (-want +got):\n%s", d)
	}
	for _, s := range sent {
		if s.Err != nil && (!s.Refused || !strings.Contains(s.Err.Error(), "unauthorized arl")) {
			t.Errorf("refused request %+v", s)
		}
	}
}

// When the API refuses everything, bisection stops after maxRefused
// objects were refused one by one instead of spending 2n-1 requests per
// batch of the account's shared buckets; every object is still accounted
// for, and the rest are reported with the reason bisection stopped.
func TestSubmitBisectionStopsWhenAllRefused(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	sim.Fail(1_000_000, 403, "unauthorized arl", "the API client has no access")
	batches := []purge.Batch{urlBatch(500, "a"), urlBatch(500, "b"), urlBatch(500, "c"), urlBatch(500, "d")}
	sent := c.Submit(context.Background(), batches, fast)
	_, failed := accounting(t, sim, batches, sent)
	if len(failed) != 2000 {
		t.Errorf("%d objects failed, want all 2000", len(failed))
	}
	var refused, stopped int
	for _, s := range sent {
		switch {
		case s.Refused:
			refused += len(s.Request.Objects)
		case strings.Contains(fmt.Sprint(s.Err), "seems to refuse everything"):
			stopped += len(s.Request.Objects)
		default:
			t.Errorf("request of %d objects ended neither refused nor stopped: %v", len(s.Request.Objects), s.Err)
		}
	}
	// Batches bisect concurrently, so a few more than maxRefused may be
	// refused before every worker sees the count.
	if refused < maxRefused || refused > 2*maxRefused {
		t.Errorf("%d objects refused one by one, want about %d", refused, maxRefused)
	}
	// Full bisection would take 4 × 999 requests.
	if n := sim.Requests(); n > 300 {
		t.Errorf("%d requests sent, want bisection to stop long before 4 × 999", n)
	}
}

// Many bad objects among many good ones: more than maxRefused are refused,
// but the API accepts far more, so bisection goes on and every good
// object is purged.
func TestSubmitBisectsManyRefusalsAmongGood(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	batches := []purge.Batch{urlBatch(500, "a"), urlBatch(500, "b"), urlBatch(500, "c"), urlBatch(500, "d")}
	var bad []string
	for i := 0; i < 2000; i += 80 { // 25 objects, spread over every batch
		bad = append(bad, batches[i/500].Objects[i%500])
	}
	sim.Refuse(bad...)
	sent := c.Submit(context.Background(), batches, fast)
	_, failed := accounting(t, sim, batches, sent)
	slices.Sort(bad)
	slices.Sort(failed)
	if d := cmp.Diff(bad, failed); d != "" {
		t.Errorf("failed objects (-refused +got):\n%s", d)
	}
	for _, s := range sent {
		if s.Err != nil && !s.Refused {
			t.Errorf("a request of %d objects failed without being bisected: %v", len(s.Request.Objects), s.Err)
		}
	}
}

// An interrupt while a retry waits is reported as an interrupt, not as
// the time budget running out.
func TestSubmitInterruptDuringBackoff(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	started := make(chan struct{}, 1)
	sim.Script(ccusim.Step{Status: 503, Started: started})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	o := fast
	o.MinBackoff, o.MaxBackoff = time.Minute, time.Minute
	sent := c.Submit(ctx, []purge.Batch{urlBatch(2, "x")}, o)
	if len(sent) != 1 || sent[0].Err == nil {
		t.Fatalf("sent %+v", sent)
	}
	if msg := sent[0].Err.Error(); !strings.Contains(msg, "interrupted") || strings.Contains(msg, "time budget") {
		t.Errorf("error %q, want it to say interrupted, not the time budget", msg)
	}
}

// Authentication failures come from the gateway: never bisected, never retried.
func TestSubmitGatewayErrorNotBisected(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	bad := *c.cfg
	bad.ClientSecret = "bm90LXRoZS1zZWNyZXQ="
	c2 := &Client{cfg: &bad, http: c.http, opts: c.opts}
	sent := c2.Submit(context.Background(), []purge.Batch{urlBatch(8, "auth")}, fast)
	if len(sent) != 1 || sent[0].Attempts != 1 || sent[0].Refused || sim.Requests() != 1 {
		t.Errorf("sent %+v, %d requests", sent, sim.Requests())
	}
}

func TestSubmitCancelledSendsNothing(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	batches := []purge.Batch{urlBatch(2, "a"), urlBatch(2, "b")}
	sent := c.Submit(ctx, batches, fast)
	for _, s := range sent {
		if !errors.Is(s.Err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", s.Err)
		}
	}
	if sim.Requests() != 0 {
		t.Errorf("%d requests sent after cancel", sim.Requests())
	}
	accounting(t, sim, batches, sent)
}

func TestClockSkewDiagnosis(t *testing.T) {
	// edgegrid-golang signs with the real clock, so the simulator's auth
	// clock runs behind to refuse the timestamp, and the client's Now runs
	// ahead to find the skew against the real Date header.
	_, c := start(t, ccusim.Options{AuthNow: func() time.Time { return time.Now().Add(-2 * time.Minute) }})
	c.opts.Now = func() time.Time { return time.Now().Add(2 * time.Minute) }
	_, err := c.Purge(context.Background(), urlBatch(1, "skew"))
	var ae *APIError
	if !errors.As(err, &ae) || ae.Detail != "Invalid timestamp" || !strings.Contains(err.Error(), "ahead of the server's") || !strings.Contains(err.Error(), "clock is 2m") {
		t.Errorf("err = %v", err)
	}
}
