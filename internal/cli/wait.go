package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// waitPurges waits until the accepted purges have taken effect: CCU v2 by
// polling each progressUri, Fast Purge (which has no status call) by
// waiting its estimatedSeconds. A purge not confirmed Done in time is
// reported, but stays purged: the API accepted it.
func waitPurges(ctx context.Context, e *env, c *ccu.Client, r *report) {
	var longest int
	for i := range r.Batches {
		b := &r.Batches[i]
		if b.Error != "" || b.PurgeID == "" {
			continue
		}
		if b.API != "ccu-v2" {
			longest = max(longest, b.EstimatedSeconds)
			continue
		}
		fmt.Fprintf(e.stdout, "Waiting for purge %s (about %ds)...\n", b.PurgeID, b.EstimatedSeconds)
		st, err := c.WaitDone(ctx, ccu.Result{PurgeID: b.PurgeID, ProgressURI: b.ProgressURI, PingAfterSeconds: b.PingAfterSeconds})
		if err != nil {
			b.Status = "not confirmed: " + err.Error()
			fmt.Fprintf(e.stdout, "  %s\n", b.Status)
			continue
		}
		b.Status = st.PurgeStatus
		fmt.Fprintf(e.stdout, "  purge %s: %s at %s\n", b.PurgeID, st.PurgeStatus, st.CompletionTime)
	}
	if longest == 0 {
		return
	}
	fmt.Fprintf(e.stdout, "Waiting %ds for Fast Purge to take effect...\n", longest)
	t := time.NewTimer(time.Duration(longest) * time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
		fmt.Fprintf(e.stdout, "  stopped waiting: %v\n", ctx.Err())
	case <-t.C:
		for i := range r.Batches {
			if b := &r.Batches[i]; b.Error == "" && b.PurgeID != "" && b.API != "ccu-v2" {
				b.Status = "Done"
			}
		}
	}
}
