package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Ctrl-C (main cancels the context on SIGINT and SIGTERM): nothing new
// starts, the request in flight finishes, the report is written, and the
// run exits 1 naming what was not purged.
func TestInterruptWritesReport(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	started := make(chan struct{}, 1)
	sim.Script(ccusim.Step{Delay: 300 * time.Millisecond, Started: started})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	report := filepath.Join(t.TempDir(), "r.json")
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
	args := append([]string{"purge", "--repo", dir, "--from", "v1", "--batch-size", "2", "--concurrency", "1", "--report", report}, flags...)
	code := e.run(ctx, args)
	if code != ExitFailed {
		t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
	}
	rep := readReport(t, report)
	purged := sim.Purges()
	if len(purged) != 1 || len(rep.Purged) != 2 || len(rep.NotPurged) != 3 {
		t.Errorf("%d purges; report purged %v, not purged %v", len(purged), rep.Purged, rep.NotPurged)
	}
	if !strings.Contains(errb.String(), "interrupted") || !strings.Contains(out.String(), "NOT purged 3 object(s)") {
		t.Errorf("output does not say what was interrupted:\n%s%s", out.String(), errb.String())
	}
}
