package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// The real binary, the way CI and shells run it: a reader of stdout that
// goes away (| head) must not kill the run (SIGPIPE), and a hang-up
// (SIGHUP: the terminal or SSH session closed) stops it like Ctrl-C. In
// both the run finishes, writes a complete report and exits 0 or 1.
func TestSignals(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGHUP and SIGPIPE are unix signals")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	if _, err := gitfixture.Build(dir, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": "api: fast-purge\nnetwork: production\nrules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n", "public/a.html": "1"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{"public/a.html": "2", "public/b.html": "2", "public/c.html": "2", "public/d.html": "2", "public/e.html": "2"}},
	}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		closed       bool // stdout's reader is gone
		hangUp       bool // SIGHUP while the first request is in flight
		wantCode     int
		purged, left int
	}{
		{"stdout closed", true, false, 0, 5, 0},
		{"SIGHUP", false, true, 1, 2, 3},
		{"SIGHUP with stdout closed", true, true, 1, 2, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, err := ccusim.Start(ccusim.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			edgerc, ca, err := sim.WriteFiles(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			started := make(chan struct{}, 1)
			sim.Script(ccusim.Step{Delay: 500 * time.Millisecond, Started: started})
			report := filepath.Join(t.TempDir(), "report.json")
			cmd := exec.Command(bin, "purge", "--repo", dir, "--from", "v1", "--batch-size", "2", "--concurrency", "1",
				"--report", report, "--edgerc", edgerc, "--ca-cert", ca)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if tc.closed {
				cmd.Stdout = closedPipe(t)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			if tc.hangUp {
				select {
				case <-started:
				case <-time.After(20 * time.Second):
					t.Fatal("no request reached the simulator")
				}
				cmd.Process.Signal(syscall.SIGHUP)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee) && !ee.Exited():
				t.Fatalf("killed by %v; stderr:\n%s", ee.ProcessState, stderr.String())
			case cmd.ProcessState.ExitCode() != tc.wantCode:
				t.Fatalf("exit %d, want %d; stderr:\n%s", cmd.ProcessState.ExitCode(), tc.wantCode, stderr.String())
			}
			var rep struct {
				Purged, NotPurged []struct{ Type, Object string }
			}
			data, err := os.ReadFile(report)
			if err != nil || json.Unmarshal(data, &rep) != nil {
				t.Fatalf("report (%v) is not complete JSON:\n%s", err, data)
			}
			if len(rep.Purged) != tc.purged || len(rep.NotPurged) != tc.left || len(sim.Purges()) != (tc.purged+1)/2 {
				t.Errorf("report: %d purged, %d not purged; %d requests accepted; want %d, %d", len(rep.Purged), len(rep.NotPurged), len(sim.Purges()), tc.purged, tc.left)
			}
		})
	}
}

// buildBinary builds ccu-purge into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is absent: this test builds the real binary")
	}
	bin := filepath.Join(t.TempDir(), "ccu-purge")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// closedPipe is the write end of a pipe whose reader is gone: every write
// to it fails with EPIPE (or raises SIGPIPE), as with | head after head
// exited.
func closedPipe(t *testing.T) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	t.Cleanup(func() { w.Close() })
	return w
}

// --report and --dotenv /dev/stdout with stdout a pipe (| jq, a CI log):
// /dev/stdout leads to "pipe:[N]" in /proc, which is no path, so it must
// be written in place, not followed as a link to a file not written yet.
func TestReportToStdoutPipe(t *testing.T) {
	if _, err := os.Stat("/dev/stdout"); err != nil {
		t.Skip("no /dev/stdout")
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	if _, err := gitfixture.Build(dir, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": "rules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n", "public/a.html": "1"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{"public/a.html": "2"}},
	}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "purge", "--dry-run", "--repo", dir, "--from", "v1", "--report", "/dev/stdout", "--dotenv", "/dev/stdout")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr // pipes
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	for _, want := range []string{`"notPurged": [`, "CCU_PURGE_FROM="} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
}
