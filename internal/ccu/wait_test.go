package ccu

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// v2Batch is a CCU v2 request of n URLs on queue q, named by prefix.
func v2Batch(q purge.Queue, n int, prefix string) purge.Batch {
	b := purge.Batch{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: q, Type: purge.URL}
	for i := range n {
		b.Objects = append(b.Objects, fmt.Sprintf("https://www.example.com/%s/%05d.html", prefix, i))
	}
	return b
}

// outcomeWord says how a wait ended in a word a table can hold: the
// status, the context's error, or the error itself.
func outcomeWord(o Outcome) string {
	switch {
	case errors.Is(o.Err, context.DeadlineExceeded):
		return "deadline"
	case errors.Is(o.Err, context.Canceled):
		return "canceled"
	case o.Err != nil:
		return o.Err.Error()
	}
	return o.Status.PurgeStatus
}

// pendings makes the purges a case names: "v2" is a CCU v2 purge the
// simulator accepted, "fast N" a Fast Purge one that estimated N seconds.
func pendings(t *testing.T, c *Client, spec []string) []Pending {
	t.Helper()
	ps := make([]Pending, len(spec))
	for i, s := range spec {
		if s == "v2" {
			sent := c.Submit(context.Background(), []purge.Batch{v2Batch(purge.DefaultQueue, 1, fmt.Sprint("p", i))}, fast)
			if sent[0].Err != nil {
				t.Fatal(sent[0].Err)
			}
			ps[i] = Pending{API: purge.CCUv2, Result: sent[0].Result}
			continue
		}
		secs, err := strconv.Atoi(strings.TrimPrefix(s, "fast "))
		if err != nil {
			t.Fatalf("purge %q: %v", s, err)
		}
		ps[i] = Pending{API: purge.FastPurge, Result: Result{HTTPStatus: 201, PurgeID: fmt.Sprint("fp-", i), EstimatedSeconds: secs}}
	}
	return ps
}

// Wait polls CCU v2 purges (no sooner than pingAfterSeconds asks), waits
// out Fast Purge's estimate after them, and returns each purge's outcome
// in order, telling the hooks as it goes.
func TestWait(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		v2Seconds int      // the simulator's CCU v2 purge time; <0 = Done at once
		purges    []string // "v2", or "fast N" for estimatedSeconds N
		inFlight  int
		budget    time.Duration
		cancel    time.Duration // an interrupt after this long; 0 = none
		want      []string      // each purge's outcome
		events    []string      // the hooks' calls, in order
		anyOrder  bool          // the events of purges waited at once come in any order
		least     time.Duration // the wait takes at least this long
	}{
		{name: "v2 Done after polling, no sooner than pingAfterSeconds", v2Seconds: 1, purges: []string{"v2"}, budget: 20 * time.Second,
			want: []string{"Done"}, events: []string{"ended 0 Done"}, least: time.Second},
		{name: "v2 not confirmed when the budget ends", v2Seconds: 60, purges: []string{"v2"}, budget: 300 * time.Millisecond,
			want: []string{"deadline"}, events: []string{"ended 0 deadline"}},
		{name: "v2 purges at once, one status call in flight", v2Seconds: -1, purges: []string{"v2", "v2", "v2"}, inFlight: 1, budget: 20 * time.Second,
			want: []string{"Done", "Done", "Done"}, events: []string{"ended 0 Done", "ended 1 Done", "ended 2 Done"}, anyOrder: true},
		{name: "Fast Purge waited by the longest estimate", purges: []string{"fast 1", "fast 0"}, budget: 20 * time.Second,
			want: []string{"Done", "Done"}, events: []string{"fast 1", "ended 0 Done", "ended 1 Done"}, least: time.Second},
		{name: "Fast Purge of 0 seconds: nothing to wait for", purges: []string{"fast 0"}, budget: 20 * time.Second,
			want: []string{""}},
		{name: "Fast Purge not confirmed when the budget ends", purges: []string{"fast 60"}, budget: 300 * time.Millisecond,
			want: []string{"deadline"}, events: []string{"fast 60", "ended 0 deadline"}},
		{name: "mixed: CCU v2 first, then Fast Purge", v2Seconds: -1, purges: []string{"fast 1", "v2", "fast 0"}, budget: 20 * time.Second,
			want: []string{"Done", "Done", "Done"}, events: []string{"ended 1 Done", "fast 1", "ended 0 Done", "ended 2 Done"}, least: time.Second},
		{name: "interrupt", v2Seconds: 60, purges: []string{"v2", "fast 5"}, budget: 20 * time.Second, cancel: 200 * time.Millisecond,
			want: []string{"canceled", "canceled"}, events: []string{"ended 0 canceled", "fast 5", "ended 1 canceled"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, c := start(t, ccusim.Options{V2Seconds: tc.v2Seconds})
			ps := pendings(t, c, tc.purges)
			before := sim.Requests()
			ctx, cancel := context.WithTimeout(context.Background(), tc.budget)
			defer cancel()
			if tc.cancel > 0 {
				time.AfterFunc(tc.cancel, cancel)
			}
			var mu sync.Mutex
			var events []string
			record := func(format string, args ...any) {
				mu.Lock()
				defer mu.Unlock()
				events = append(events, fmt.Sprintf(format, args...))
			}
			began := time.Now()
			got := c.Wait(ctx, ps, max(tc.inFlight, 2), WaitHooks{
				Ended:     func(i int, o Outcome) { record("ended %d %s", i, outcomeWord(o)) },
				FastPurge: func(seconds int) { record("fast %d", seconds) },
			})
			took := time.Since(began)
			words := make([]string, len(got))
			for i, o := range got {
				words[i] = outcomeWord(o)
				if o.Err != nil && ps[i].API == purge.CCUv2 && !strings.Contains(o.Err.Error(), "purge "+ps[i].PurgeID+" not Done yet when waiting ended") {
					t.Errorf("purge %d: error %q does not name the purge", i, o.Err)
				}
				if o.Err == nil && o.Status.PurgeStatus != "" && o.Status.PurgeID != ps[i].PurgeID {
					t.Errorf("purge %d: the outcome is of purge %q, want %q", i, o.Status.PurgeID, ps[i].PurgeID)
				}
			}
			if d := cmp.Diff(tc.want, words); d != "" {
				t.Errorf("outcomes (-want +got):\n%s", d)
			}
			mu.Lock()
			defer mu.Unlock()
			if tc.anyOrder {
				slices.Sort(events)
			}
			if d := cmp.Diff(tc.events, events); d != "" {
				t.Errorf("hooks (-want +got):\n%s", d)
			}
			if took < tc.least {
				t.Errorf("the wait took %v, want at least %v", took, tc.least)
			}
			if !slices.Contains(tc.purges, "v2") && sim.Requests() != before {
				t.Errorf("%d requests for Fast Purge alone, which has no status call", sim.Requests()-before)
			}
		})
	}
}

// offsetClock is the simulator's clock: the real time plus an offset a
// test moves forward to finish every CCU v2 purge queued so far.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// WaitQueues waits, queue by queue in purge.Queues order, until each CCU
// v2 queue the batches use has room for their objects, and tells progress
// each length it found too high.
func TestWaitQueues(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		queued   int // objects another user has in the default queue
		batches  []purge.Batch
		budget   time.Duration
		drain    bool     // the queue drains once its length was heard
		wantErr  []string // error fragments; none = no error
		deadline bool     // the error wraps the budget's end
		gets     []string // the queues read, in order
		progress []string // what progress heard
	}{
		{name: "no CCU v2 batch: nothing to read", batches: []purge.Batch{urlBatch(5, "a")}, budget: 10 * time.Second},
		{name: "room at once", batches: []purge.Batch{v2Batch(purge.DefaultQueue, 5, "a")}, budget: 10 * time.Second,
			gets: []string{"default"}},
		{name: "each queue in purge.Queues order",
			batches: []purge.Batch{v2Batch(purge.EmergencyQueue, 2, "a"), v2Batch(purge.DefaultQueue, 3, "b"), v2Batch(purge.EmergencyQueue, 3, "c")},
			budget:  10 * time.Second, gets: []string{"default", "emergency"}},
		{name: "more than the emergency queue holds", batches: []purge.Batch{v2Batch(purge.EmergencyQueue, 6, "a"), v2Batch(purge.EmergencyQueue, 5, "b")},
			budget: 10 * time.Second, wantErr: []string{"the emergency queue holds at most 10 objects and the plan has 11: use the default queue, or purge CP codes"}},
		{name: "a full queue drains", queued: 9998, batches: []purge.Batch{v2Batch(purge.DefaultQueue, 5, "a")}, budget: 10 * time.Second, drain: true,
			gets: []string{"default", "default"}, progress: []string{"default 9998 5"}},
		{name: "a full queue does not drain in time", queued: 9998, batches: []purge.Batch{v2Batch(purge.DefaultQueue, 5, "a")}, budget: 300 * time.Millisecond,
			wantErr: []string{"the default queue holds 9998 of 10000 objects and the plan adds 5; it did not drain in time (--timeout)"}, deadline: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := &offsetClock{}
			var mu sync.Mutex
			var gets []string
			logf := func(format string, args ...any) {
				if q, ok := strings.CutPrefix(fmt.Sprintf(format, args...), "GET /ccu/v2/queues/"); ok {
					mu.Lock()
					defer mu.Unlock()
					gets = append(gets, strings.Fields(q)[0])
				}
			}
			_, c := start(t, ccusim.Options{Now: clock.now, Logf: logf})
			for i := 0; i < tc.queued; i += purge.MaxObjects {
				filler := v2Batch(purge.DefaultQueue, min(purge.MaxObjects, tc.queued-i), fmt.Sprint("other-", i))
				if s := c.Submit(context.Background(), []purge.Batch{filler}, fast); s[0].Err != nil {
					t.Fatalf("filling the queue: %v", s[0].Err)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), tc.budget)
			defer cancel()
			var heard []string
			err := c.WaitQueues(ctx, tc.batches, 10*time.Millisecond, func(q purge.Queue, length, adding int) {
				heard = append(heard, fmt.Sprintf("%s %d %d", q, length, adding))
				if tc.drain {
					clock.advance(time.Hour)
				}
			})
			for _, w := range tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v, want it to say %q", err, w)
				}
			}
			if len(tc.wantErr) == 0 && err != nil {
				t.Errorf("err = %v, want none", err)
			}
			if errors.Is(err, context.DeadlineExceeded) != tc.deadline {
				t.Errorf("err = %v: wraps the budget's end %v, want %v", err, !tc.deadline, tc.deadline)
			}
			if tc.deadline {
				// Polled every 10 ms until the budget ended: the same length each time.
				if len(heard) == 0 || slices.ContainsFunc(heard, func(h string) bool { return h != "default 9998 5" }) {
					t.Errorf("progress heard %q, want only \"default 9998 5\"", heard)
				}
			} else if d := cmp.Diff(tc.progress, heard); d != "" {
				t.Errorf("progress (-want +got):\n%s", d)
			}
			mu.Lock()
			defer mu.Unlock()
			if !tc.deadline {
				if d := cmp.Diff(tc.gets, gets); d != "" {
					t.Errorf("queues read (-want +got):\n%s", d)
				}
			}
		})
	}
}
