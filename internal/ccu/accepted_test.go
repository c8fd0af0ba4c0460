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

// Once the status line says 201 the request is never sent again, however
// its body goes wrong: cut short, chunked without an end, gzip that is
// not, slower than the budget, not JSON, without a purgeId. Without a
// readable purgeId the purge is not confirmed, so its objects are not
// purged (an *APIError with Accepted set, exit 1 in the CLI); any whole
// purgeId or supportId read is kept, and never a partial one.
func TestSubmit201NeverResent(t *testing.T) {
	for _, tc := range []struct {
		name     string
		step     ccusim.Step
		budget   time.Duration
		want     string
		recorded bool // the simulator processed the purge
	}{
		{"short body", ccusim.Step{Garble: ccusim.GarbleShort}, 0, "its body could not be read", true},
		{"unterminated chunked body", ccusim.Step{Garble: ccusim.GarbleUnterminated}, 0, "its body could not be read", true},
		{"bad gzip body", ccusim.Step{Garble: ccusim.GarbleGzip}, 0, "its body could not be read (", true},
		{"body slower than the budget", ccusim.Step{Garble: ccusim.GarbleSlow, BodyDelay: time.Minute}, 300 * time.Millisecond, "its body had not arrived when the time budget (--timeout)", true},
		{"truncated JSON", ccusim.Step{Body: ccusim.TruncatedBody}, 0, "but its body is not JSON", false},
		{"malformed JSON", ccusim.Step{Body: ccusim.MalformedBody}, 0, "but its body is not JSON", false},
		{"no purgeId", ccusim.Step{Body: `{"httpStatus":201,"supportId":"s-1"}`}, 0, "without a purgeId", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			sim, c := start(t, ccusim.Options{})
			sim.Script(tc.step)
			ctx := context.Background()
			o := fast
			if tc.budget > 0 {
				var cancel func()
				ctx, cancel = context.WithTimeout(ctx, tc.budget)
				defer cancel()
				o.Grace = 50 * time.Millisecond
			}
			sent := c.Submit(ctx, []purge.Batch{urlBatch(3, "g")}, o)
			var ae *APIError
			if len(sent) != 1 || !errors.As(sent[0].Err, &ae) {
				t.Fatalf("sent = %+v, want one unconfirmed 201", sent)
			}
			msg := sent[0].Err.Error()
			if !ae.Accepted || ae.Status != 201 || !strings.Contains(msg, tc.want) || !strings.Contains(msg, "not confirmed; not sent again") || strings.Contains(msg, "context canceled") {
				t.Errorf("err = %v (accepted %v)", msg, ae.Accepted)
			}
			if n := len(served(sim, 1)); n != 1 || sent[0].Attempts != 1 {
				t.Errorf("the 201 was sent %d times in %d attempt(s), want once: %+v", n, sent[0].Attempts, sim.Served())
			}
			purges := sim.Purges()
			if (len(purges) == 1) != tc.recorded {
				t.Fatalf("simulator purges %+v, recorded want %v", purges, tc.recorded)
			}
			if ae.PurgeID != "" && (!tc.recorded || ae.PurgeID != purges[0].PurgeID) {
				t.Errorf("purgeId %q read from a cut body, simulator's %+v", ae.PurgeID, purges)
			}
		})
	}
}

// salvage takes only ids that are whole in a cut body.
func TestSalvage(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ body, purgeID, supportID string }{
		{ccusim.TruncatedBody, "", "edup-tRuNcAtEd"},
		{`{"httpStatus":201,"purgeId":"edup-1","supportId":"edup-`, "edup-1", ""},
		{`{"purgeId":"a\nb","x":{"supportId":"inner"},"supportId":"late"}`, "a b", ""},
		{`{"purgeId":"edup-1","supportId":"s"}`, "edup-1", "s"},
		{`[1]`, "", ""}, {``, "", ""}, {`{"purgeId":5}`, "", ""},
	} {
		p, s := salvage([]byte(tc.body))
		if p != tc.purgeID || s != tc.supportID {
			t.Errorf("salvage(%q) = %q, %q; want %q, %q", tc.body, p, s, tc.purgeID, tc.supportID)
		}
	}
}

// A 201 slower than any fixed cap per attempt (it was 60 s) is waited
// for within the budget, and confirmed with one request. Slow by nature:
// skipped with -short.
func TestSubmitSlow201(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 65 s for a slow 201; run without -short")
	}
	t.Parallel()
	sim, c := start(t, ccusim.Options{})
	sim.Script(ccusim.Step{Delay: 65 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	sent := c.Submit(ctx, []purge.Batch{urlBatch(2, "slow")}, fast)
	if len(sent) != 1 || sent[0].Err != nil || sent[0].Result.PurgeID == "" || sent[0].Attempts != 1 {
		t.Fatalf("sent = %+v", sent)
	}
	if n := len(sim.Served()); n != 1 {
		t.Errorf("sent %d times, want once: %+v", n, sim.Served())
	}
}

// served waits (a little) until the simulator has finished n exchanges: one
// the client gave up on ends on the server's side a moment later.
func served(sim *ccusim.Server, n int) []ccusim.Served {
	for end := time.Now().Add(3 * time.Second); len(sim.Served()) < n && time.Now().Before(end); {
		time.Sleep(10 * time.Millisecond)
	}
	return sim.Served()
}
