// Package progress writes the output of a long wait: whole message lines
// from any goroutine, and a status line that a terminal shows rewritten in
// place and a CI log shows as a new line every tick (a log would otherwise
// show nothing for minutes while CCU v2 works).
package progress

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// How often Tick shows the status line: on a terminal every LiveTick, in
// a log every DefaultTick unless told otherwise.
const (
	LiveTick    = time.Second
	DefaultTick = 10 * time.Second
)

// erase returns a terminal's cursor to the line's start and clears it.
const erase = "\r\033[K"

// Writer is output shared by goroutines: whole lines, never interleaved,
// and on a terminal the live status line is erased before anything else
// is written over it.
type Writer struct {
	mu    sync.Mutex
	w     io.Writer
	live  bool // a terminal: the status line is rewritten in place
	shown bool // the status line is on screen now
}

// New is a Writer to w; live rewrites the status line in place, for a
// terminal (see IsTerminal).
func New(w io.Writer, live bool) *Writer { return &Writer{w: w, live: live} }

// Line writes one message line.
func (o *Writer) Line(format string, args ...any) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erase()
	fmt.Fprintf(o.w, format+"\n", args...)
}

// Text writes s, one or more whole lines ending in a newline, in one
// piece: no other goroutine's line lands inside it.
func (o *Writer) Text(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erase()
	io.WriteString(o.w, s)
}

// Status shows the status line: in place on a terminal, else as a line.
func (o *Writer) Status(s string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.live {
		fmt.Fprintln(o.w, s)
		return
	}
	fmt.Fprint(o.w, erase+s)
	o.shown = true
}

// Clear erases the status line, if one is on screen.
func (o *Writer) Clear() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.erase()
}

func (o *Writer) erase() {
	if o.shown {
		fmt.Fprint(o.w, erase)
		o.shown = false
	}
}

// Tick shows status(elapsed) every tick (0 = DefaultTick; LiveTick on a
// terminal, whatever tick says) until stop is called; stop erases the
// status line and returns once nothing more will be written.
func (o *Writer) Tick(tick time.Duration, status func(elapsed time.Duration) string) (stop func()) {
	if tick <= 0 {
		tick = DefaultTick
	}
	if o.live {
		tick = LiveTick
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
				o.Clear()
				return
			case <-t.C:
				o.Status(status(time.Since(start)))
			}
		}
	}()
	return func() { close(done); <-finished }
}

// Sleep waits d, or until ctx ends, showing status(elapsed) as Tick does.
func (o *Writer) Sleep(ctx context.Context, d, tick time.Duration, status func(elapsed time.Duration) string) {
	defer o.Tick(tick, status)()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// IsTerminal reports whether w is a character device (a person's
// terminal), looking through writers that wrap another (Unwrap).
func IsTerminal(w io.Writer) bool {
	for u, ok := w.(interface{ Unwrap() io.Writer }); ok; u, ok = w.(interface{ Unwrap() io.Writer }) {
		w = u.Unwrap()
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
