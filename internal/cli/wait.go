package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// waitPurges waits until the accepted purges have taken effect: CCU v2 by
// polling every progressUri at once, Fast Purge (which has no status call)
// by waiting its estimatedSeconds. A purge not confirmed Done in time is
// reported, but stays purged: the API accepted it.
// run is the run's own context (an interrupt ends it), ctx the time budget.
// live shows progress as one line rewritten in place (a terminal).
func waitPurges(run, ctx context.Context, timeout time.Duration, e *env, c *ccu.Client, r *report, inFlight int, live bool) {
	out := &waitOutput{w: e.stdout, live: live}
	var v2, fast []*batchReport // the accepted requests, by API
	longest := 0
	for i := range r.Batches {
		b := &r.Batches[i]
		switch {
		case b.Error != "" || b.PurgeID == "":
		case b.API == purge.CCUv2:
			v2 = append(v2, b)
		default:
			fast = append(fast, b)
			longest = max(longest, b.EstimatedSeconds)
		}
	}
	var pending atomic.Int64
	pending.Store(int64(r.accepted()))
	stop := e.progress(out, &pending)
	defer stop()
	if len(v2) > 0 {
		rs := make([]ccu.Result, len(v2))
		for i, b := range v2 {
			rs[i] = ccu.Result{PurgeID: b.PurgeID, ProgressURI: b.ProgressURI, PingAfterSeconds: b.PingAfterSeconds}
			out.line("Waiting for purge %s (about %ds)...", b.PurgeID, b.EstimatedSeconds)
		}
		c.WaitAllDone(ctx, rs, inFlight, func(i int, st ccu.PurgeStatus, err error) {
			b := v2[i] // each goroutine writes its own batch only
			pending.Add(-1)
			if err != nil {
				b.Status = "not confirmed: " + stopped(run, ctx, timeout, err).Error()
				out.line("  %s", b.Status)
				return
			}
			b.Status = st.PurgeStatus
			out.line("  purge %s: %s at %s", b.PurgeID, st.PurgeStatus, st.CompletionTime)
		})
	}
	if longest == 0 {
		return
	}
	out.line("Waiting %ds for Fast Purge to take effect...", longest)
	t := time.NewTimer(time.Duration(longest) * time.Second)
	defer t.Stop()
	select {
	case <-ctx.Done():
		why := stopReason(run, ctx, timeout)
		out.line("  stopped waiting: %s", why)
		for _, b := range fast {
			b.Status = "not confirmed: " + why
		}
	case <-t.C:
		for _, b := range fast {
			b.Status = "Done"
		}
		pending.Store(0)
	}
}

// progress prints how the wait is going until stop is called: a line
// rewritten in place on a terminal, a new line every tick in CI logs (which
// would otherwise show nothing for minutes while CCU v2 works).
func (e *env) progress(out *waitOutput, pending *atomic.Int64) (stop func()) {
	tick := e.tick
	if tick <= 0 {
		tick = 10 * time.Second
	}
	if out.live {
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
				out.clear()
				return
			case <-t.C:
				out.status(fmt.Sprintf("still waiting for %d accepted request(s), %s elapsed", pending.Load(), time.Since(start).Round(time.Second)))
			}
		}
	}()
	return func() { close(done); <-finished }
}

// waitOutput is the wait's output, shared by the waiting goroutines and
// the progress ticker: whole lines, never interleaved, and on a terminal
// the live status line is erased before anything else is written over it.
type waitOutput struct {
	mu    sync.Mutex
	w     io.Writer
	live  bool // a terminal: the status line is rewritten in place
	shown bool // the status line is on screen now
}

// line writes one message line.
func (o *waitOutput) line(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erase()
	fmt.Fprintf(o.w, format+"\n", args...)
}

// status shows the progress line: in place on a terminal, else as a line.
func (o *waitOutput) status(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.live {
		fmt.Fprintln(o.w, s)
		return
	}
	fmt.Fprint(o.w, "\r\033[K"+s)
	o.shown = true
}

// clear erases the status line, if one is on screen.
func (o *waitOutput) clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erase()
}

func (o *waitOutput) erase() {
	if o.shown {
		fmt.Fprint(o.w, "\r\033[K")
		o.shown = false
	}
}

// isTerminal reports whether w is a character device (a person's terminal).
func isTerminal(w io.Writer) bool {
	for u, ok := w.(interface{ Unwrap() io.Writer }); ok; u, ok = w.(interface{ Unwrap() io.Writer }) {
		w = u.Unwrap() // the redacting writer hide installs, the Action's legacyDefang
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
