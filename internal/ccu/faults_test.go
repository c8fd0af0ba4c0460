package ccu

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Every fault the simulator can inject, against Submit: each object ends
// confirmed (with a purgeId) or failed, never both, never neither; nothing
// confirmed is sent again.
func TestSubmitFaults(t *testing.T) {
	for _, tc := range []struct {
		name      string
		steps     []ccusim.Step
		timeout   time.Duration
		wantOK    bool
		wantErr   string
		wantTries int
	}{
		{"reset before the body, then fine", []ccusim.Step{{ResetBeforeBody: true}}, 0, true, "", 2},
		{"reset after the body, then fine", []ccusim.Step{{Reset: true}}, 0, true, "", 2},
		// The purge happened but its 201 was lost: the retry purges again,
		// which is harmless, and the confirmation comes from the retry.
		{"201 lost, retried", []ccusim.Step{{ResetAfter: true}}, 0, true, "", 2},
		{"503 then 504 then fine", []ccusim.Step{{Status: 503}, {Status: 504}}, 0, true, "", 3},
		{"429 then fine", []ccusim.Step{{Status: 429}}, 0, true, "", 2},
		{"contradicting 201", []ccusim.Step{{Contradict: true}}, 0, false, "contradicting answer", 1},
		{"malformed 201 body", []ccusim.Step{{Body: `{"httpStatus":201,"purgeId":`}}, 0, false, "unreadable answer", 1},
		{"201 without purgeId", []ccusim.Step{{Body: `{"httpStatus":201,"detail":"Request accepted"}`}}, 0, false, "without a purgeId", 1},
		{"HTML error pages until the budget ends", repeat(ccusim.Step{Status: 502, Body: "<html><body>Bad Gateway</body></html>", ContentType: "text/html"}, 1000), 300 * time.Millisecond, false, "HTTP 502: Bad Gateway: Bad Gateway", 0},
		{"server never answers", []ccusim.Step{{Hang: true}, {Hang: true}, {Hang: true}}, 300 * time.Millisecond, false, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, c := start(t, ccusim.Options{})
			sim.Script(tc.steps...)
			ctx := context.Background()
			o := fast
			if tc.timeout > 0 {
				var cancel func()
				ctx, cancel = context.WithTimeout(ctx, tc.timeout)
				defer cancel()
				o.Grace = 50 * time.Millisecond
			}
			batches := []purge.Batch{urlBatch(3, "fault")}
			sent := c.Submit(ctx, batches, o)
			if len(sent) != 1 {
				t.Fatalf("%d outcomes", len(sent))
			}
			s := sent[0]
			if (s.Err == nil) != tc.wantOK || (tc.wantErr != "" && (s.Err == nil || !strings.Contains(s.Err.Error(), tc.wantErr))) {
				t.Fatalf("err = %v, want ok=%v containing %q", s.Err, tc.wantOK, tc.wantErr)
			}
			if tc.wantTries > 0 && s.Attempts != tc.wantTries {
				t.Errorf("%d attempts, want %d", s.Attempts, tc.wantTries)
			}
			if s.Err == nil && s.Result.PurgeID == "" {
				t.Error("confirmed without a purgeId")
			}
			// After the confirming 201, nothing more was sent.
			served := sim.Served()
			for i, x := range served {
				if x.Status == 201 && x.PurgeID != "" && x.Outcome == ccusim.OutcomeAnswered && i != len(served)-1 {
					t.Errorf("request %d after a delivered 201: %+v", i+1, served[i+1:])
				}
			}
			if tc.name != "201 lost, retried" {
				accounting(t, sim, batches, sent)
			}
		})
	}
}

// Interrupted: no new request starts, the one in flight may finish within
// the grace period, and every object is accounted for.
func TestSubmitInterrupt(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	started := make(chan struct{}, 1)
	sim.Script(ccusim.Step{Delay: 200 * time.Millisecond, Started: started})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	o := fast
	o.Concurrency = 1
	o.Grace = 5 * time.Second
	batches := []purge.Batch{urlBatch(2, "a"), urlBatch(2, "b"), urlBatch(2, "c")}
	sent := c.Submit(ctx, batches, o)
	if len(sent) != 3 || sent[0].Err != nil {
		t.Fatalf("the batch in flight did not finish within the grace: %+v", sent)
	}
	for _, s := range sent[1:] {
		if !errors.Is(s.Err, context.Canceled) || s.Attempts != 0 {
			t.Errorf("batch %d after the interrupt: %+v", s.Batch, s)
		}
	}
	if len(sim.Purges()) != 1 {
		t.Errorf("%d purges, want the one in flight", len(sim.Purges()))
	}
	accounting(t, sim, batches, sent)
}

func repeat(s ccusim.Step, n int) []ccusim.Step {
	out := make([]ccusim.Step, n)
	for i := range out {
		out[i] = s
	}
	return out
}
