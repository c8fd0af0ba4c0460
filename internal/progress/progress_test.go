package progress

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// On a terminal the status line is rewritten in place and erased before
// any other line, so messages never run into it.
func TestWriterLive(t *testing.T) {
	var buf bytes.Buffer
	o := New(&buf, true)
	o.Status("still waiting for 2")
	o.Status("still waiting for 1")
	o.Line("purge %s: Done", "p1")
	o.Line("next")
	o.Status("still waiting for 0")
	o.Clear()
	want := "\r\033[Kstill waiting for 2\r\033[Kstill waiting for 1\r\033[Kpurge p1: Done\nnext\n\r\033[Kstill waiting for 0\r\033[K"
	if got := buf.String(); got != want {
		t.Errorf("terminal output\n got %q\nwant %q", got, want)
	}
	buf.Reset()
	o = New(&buf, false)
	o.Status("still waiting for 1")
	o.Line("done")
	o.Clear()
	if got, want := buf.String(), "still waiting for 1\ndone\n"; got != want {
		t.Errorf("log output %q, want %q", got, want)
	}
}

// The bytes each call writes, from a fresh Writer, live and not.
func TestWriterBytes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		live bool
		do   func(*Writer)
		want string
	}{
		{"a line in a log", false, func(o *Writer) { o.Line("a %d", 1) }, "a 1\n"},
		{"a line on a terminal", true, func(o *Writer) { o.Line("a %d", 1) }, "a 1\n"},
		{"a status in a log is a line", false, func(o *Writer) { o.Status("s") }, "s\n"},
		{"a status on a terminal stays on its line", true, func(o *Writer) { o.Status("s") }, "\r\033[Ks"},
		{"a line erases the status first", true, func(o *Writer) { o.Status("s"); o.Line("l") }, "\r\033[Ks\r\033[Kl\n"},
		{"only once", true, func(o *Writer) { o.Status("s"); o.Line("l"); o.Line("m") }, "\r\033[Ks\r\033[Kl\nm\n"},
		{"clear with nothing shown writes nothing", true, func(o *Writer) { o.Clear() }, ""},
		{"clear in a log writes nothing", false, func(o *Writer) { o.Status("s"); o.Clear() }, "s\n"},
		{"clear twice erases once", true, func(o *Writer) { o.Status("s"); o.Clear(); o.Clear() }, "\r\033[Ks\r\033[K"},
		{"a format's verbs, not the args', are expanded", false, func(o *Writer) { o.Line("%s", "100%d") }, "100%d\n"},
		{"text erases the status first, then writes whole", true, func(o *Writer) { o.Status("s"); o.Text("a\nb\n") }, "\r\033[Ks\r\033[Ka\nb\n"},
		{"text in a log is as given", false, func(o *Writer) { o.Status("s"); o.Text("a 100%d\n") }, "s\na 100%d\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			tc.do(New(&buf, tc.live))
			if got := buf.String(); got != tc.want {
				t.Errorf("wrote %q, want %q", got, tc.want)
			}
		})
	}
}

// Lines from many goroutines come out whole.
func TestWriterWholeLines(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	o := New(&buf, true)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				o.Status("status")
				o.Line("line %02d %s", i, strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	o.Clear()
	for _, l := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(buf.String(), "\r\033[Kstatus", ""), "\r\033[K"), "\n") {
		l = strings.TrimPrefix(l, "\r\033[K")
		if l != "" && (len(l) != 48 || !strings.HasPrefix(l, "line ")) {
			t.Fatalf("a line ran into another: %q", l)
		}
	}
}

// In a log the status is a new line every tick until stop, which erases
// nothing and leaves no ticker writing afterwards.
func TestTickLog(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	o := New(&buf, false)
	var mu sync.Mutex
	var calls int
	var elapsed []time.Duration
	stop := o.Tick(time.Millisecond, func(d time.Duration) string {
		mu.Lock()
		defer mu.Unlock()
		calls++
		elapsed = append(elapsed, d)
		return "still waiting"
	})
	deadline := time.Now().Add(10 * time.Second)
	for n := 0; n < 3 && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		mu.Lock()
		n = calls
		mu.Unlock()
	}
	stop()
	got := buf.String()
	if got == "" || strings.ReplaceAll(got, "still waiting\n", "") != "" {
		t.Fatalf("log output %q, want only whole status lines", got)
	}
	mu.Lock()
	n := calls
	for i := 1; i < len(elapsed); i++ {
		if elapsed[i] < elapsed[i-1] || elapsed[i] <= 0 {
			t.Errorf("elapsed %v does not grow", elapsed)
		}
	}
	mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	if after := buf.String(); after != got {
		t.Errorf("written after stop: %q", strings.TrimPrefix(after, got))
	}
	mu.Lock()
	defer mu.Unlock()
	if calls != n || strings.Count(got, "\n") != n {
		t.Errorf("%d status calls, %d after stop, %d lines", n, calls, strings.Count(got, "\n"))
	}
}

// On a terminal stop erases the status line, and a line written while it
// ticks erases it first.
func TestTickLive(t *testing.T) {
	t.Parallel()
	var buf syncBuffer
	o := New(&buf, true)
	ticked := make(chan struct{})
	var once sync.Once
	stop := o.Tick(time.Hour, func(time.Duration) string { // live: every second whatever tick says
		once.Do(func() { close(ticked) })
		return "still waiting"
	})
	select {
	case <-ticked:
	case <-time.After(10 * time.Second):
		t.Fatal("no tick within 10 s on a terminal, which ticks every second")
	}
	// status has been asked for its text; wait until the text is written.
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(buf.String(), "still waiting"); {
		if time.Now().After(deadline) {
			t.Fatal("the status asked for was not written within 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	o.Line("done")
	stop()
	got := buf.String()
	if !strings.HasPrefix(got, "\r\033[Kstill waiting\r\033[Kdone\n") {
		t.Errorf("output %q does not erase the status before the line", got)
	}
	if !strings.HasSuffix(got, "done\n") && !strings.HasSuffix(got, "still waiting\r\033[K") {
		t.Errorf("output %q: stop left the status line on screen", got)
	}
	if strings.Count(got, "\r\033[K") != 2*strings.Count(got, "still waiting") {
		t.Errorf("output %q: every status shown is erased once", got)
	}
}

// Stop right away writes nothing: no tick came.
func TestTickStopAtOnce(t *testing.T) {
	t.Parallel()
	for _, live := range []bool{false, true} {
		var buf syncBuffer
		stop := New(&buf, live).Tick(time.Hour, func(time.Duration) string { return "never" })
		stop()
		if got := buf.String(); got != "" {
			t.Errorf("live %v: wrote %q", live, got)
		}
	}
}

// IsTerminal takes a character device only, and looks through writers
// that wrap one.
func TestIsTerminal(t *testing.T) {
	t.Parallel()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	for _, tc := range []struct {
		name string
		w    io.Writer
		want bool
	}{
		{"a buffer", &bytes.Buffer{}, false},
		{"a file", file, false},
		{"a file wrapped", wrapper{wrapper{file}}, false},
		{"nil", nil, false},
	} {
		if got := IsTerminal(tc.w); got != tc.want {
			t.Errorf("%s: IsTerminal = %v, want %v", tc.name, got, tc.want)
		}
	}
	if runtime.GOOS == "windows" {
		return // NUL is no character device to os.Stat there
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if !IsTerminal(null) || !IsTerminal(wrapper{wrapper{null}}) {
		t.Errorf("%s, a character device, is not taken for a terminal, alone or wrapped", os.DevNull)
	}
}

type wrapper struct{ w io.Writer }

func (w wrapper) Write(p []byte) (int, error) { return w.w.Write(p) }
func (w wrapper) Unwrap() io.Writer           { return w.w }

// syncBuffer is a bytes.Buffer the test may read while the ticker writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Sleep ends at its end or when the run stops, showing the status on the
// way, and erases it after.
func TestSleep(t *testing.T) {
	t.Parallel()
	var b syncBuffer
	w := New(&b, false)
	w.Sleep(context.Background(), 35*time.Millisecond, 10*time.Millisecond, func(time.Duration) string { return "waiting" })
	if n := strings.Count(b.String(), "waiting\n"); n < 2 {
		t.Errorf("%d status lines in 35ms at a 10ms tick, want at least 2:\n%s", n, b.String())
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	w.Sleep(ctx, time.Hour, time.Second, func(time.Duration) string { return "never" })
	if time.Since(start) > time.Second {
		t.Error("Sleep did not end with its context")
	}
}
