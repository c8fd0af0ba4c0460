package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// waitPurges waits until the accepted purges have taken effect: CCU v2 by
// polling each progressUri, Fast Purge (which has no status call) by
// waiting its estimatedSeconds. A purge not confirmed Done in time is
// reported, but stays purged: the API accepted it.
func waitPurges(ctx context.Context, e *env, c *ccu.Client, r *report) {
	out := &lockedWriter{w: e.stdout}
	stop := e.progress(out, r.accepted())
	defer stop()
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
		fmt.Fprintf(out, "Waiting for purge %s (about %ds)...\n", b.PurgeID, b.EstimatedSeconds)
		st, err := c.WaitDone(ctx, ccu.Result{PurgeID: b.PurgeID, ProgressURI: b.ProgressURI, PingAfterSeconds: b.PingAfterSeconds})
		if err != nil {
			b.Status = "not confirmed: " + err.Error()
			fmt.Fprintf(out, "  %s\n", b.Status)
			continue
		}
		b.Status = st.PurgeStatus
		fmt.Fprintf(out, "  purge %s: %s at %s\n", b.PurgeID, st.PurgeStatus, st.CompletionTime)
	}
	if longest == 0 {
		return
	}
	fmt.Fprintf(out, "Waiting %ds for Fast Purge to take effect...\n", longest)
	t := time.NewTimer(time.Duration(longest) * time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
		fmt.Fprintf(out, "  stopped waiting: %v\n", ctx.Err())
	case <-t.C:
		for i := range r.Batches {
			if b := &r.Batches[i]; b.Error == "" && b.PurgeID != "" && b.API != "ccu-v2" {
				b.Status = "Done"
			}
		}
	}
}

// progress prints how the wait is going until stop is called: a line
// rewritten in place on a terminal, a new line every tick in CI logs (which
// would otherwise show nothing for minutes while CCU v2 works).
func (e *env) progress(out io.Writer, accepted int) (stop func()) {
	tick := e.tick
	if tick <= 0 {
		tick = 10 * time.Second
	}
	live := isTerminal(e.stdout)
	if live {
		tick = time.Second
	}
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(tick)
		defer t.Stop()
		for {
			select {
			case <-done:
				if live {
					fmt.Fprint(out, "\r\033[K")
				}
				return
			case <-t.C:
				line := fmt.Sprintf("still waiting for %d accepted request(s), %s elapsed", accepted, time.Since(start).Round(time.Second))
				if live {
					fmt.Fprint(out, "\r\033[K"+line)
				} else {
					fmt.Fprintln(out, line)
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

// isTerminal reports whether w is a character device (a person's terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// lockedWriter lets the progress ticker and the wait itself write to one
// output without interleaving.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
