package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// openPTY opens a pseudo-terminal with the kernel's own calls (no
// dependency): the master to read, the slave to give as stdout.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	var n, unlock uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlock the pseudo-terminal: %v", e)
	}
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("name the pseudo-terminal: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open the pseudo-terminal: %v", err)
	}
	return m, s
}

// On a terminal, a request that takes longer than a second shows a live
// status line, rewritten in place and erased before the request's lines.
func TestLiveLineOnTerminal(t *testing.T) {
	master, slave := openPTY(t)
	defer master.Close()
	got := make(chan string)
	go func() { b, _ := io.ReadAll(master); got <- string(b) }()
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	sim.Script(ccusim.Step{Delay: 1500 * time.Millisecond})
	var errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: slave, stderr: &errb, waits: quick}
	code := e.run(context.Background(), append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...))
	slave.Close() // the reader then sees the end (EIO), once every byte is read
	out := <-got
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errb.String())
	}
	if want := "\r\033[Kstill purging: 0 of 1 batch(es) done, 1s elapsed\r\033[KBatch 1/1: "; !strings.Contains(out, want) {
		t.Errorf("terminal output lacks %q:\n%q", want, out)
	}
}
