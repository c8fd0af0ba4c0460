package cli

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/deadline"
	"github.com/ccu-purge/ccu-purge/internal/progress"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// waitPurges waits until the report's accepted purges have taken effect
// (see ccu.Client.Wait), printing how it goes, and records each one's
// Status: Done, or why it was not confirmed.
// run is the run's own context (an interrupt ends it), ctx the time budget.
// out shows progress (on a terminal as one line rewritten in place).
func waitPurges(run, ctx context.Context, timeout time.Duration, e *env, c *ccu.Client, r *rpt.Report, inFlight int, out *progress.Writer) {
	accepted, ps := r.Pending()
	var pending atomic.Int64
	pending.Store(int64(len(ps)))
	stop := out.Tick(e.tick, func(elapsed time.Duration) string {
		return fmt.Sprintf("still waiting for %d accepted request(s), %s elapsed", pending.Load(), elapsed.Round(time.Second))
	})
	defer stop()
	for _, p := range ps {
		if p.API == purge.CCUv2 {
			out.Line("Waiting for purge %s (about %ds)...", p.PurgeID, p.EstimatedSeconds)
		}
	}
	outcomes := c.Wait(ctx, ps, inFlight, ccu.WaitHooks{
		Ended: func(i int, o ccu.Outcome) {
			pending.Add(-1)
			switch {
			case ps[i].API != purge.CCUv2: // Fast Purge ends all at once, said below
			case o.Err != nil:
				out.Line("  %s", deadline.WaitStatus(run, ctx, timeout, ps[i].API == purge.CCUv2, o))
			default:
				out.Line("  purge %s: %s at %s", ps[i].PurgeID, o.Status.PurgeStatus, o.Status.CompletionTime)
			}
		},
		FastPurge: func(seconds int) { out.Line("Waiting %ds for Fast Purge to take effect...", seconds) },
	})
	stoppedFast := false
	for i, o := range outcomes {
		accepted[i].Status = deadline.WaitStatus(run, ctx, timeout, ps[i].API == purge.CCUv2, o)
		stoppedFast = stoppedFast || (o.Err != nil && ps[i].API != purge.CCUv2)
	}
	if stoppedFast {
		out.Line("  stopped waiting: %s", deadline.Reason(run, ctx, timeout))
	}
}
