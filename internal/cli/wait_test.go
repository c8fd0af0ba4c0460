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

// --wait polls a CCU v2 purge until Done, printing progress lines while it
// waits, and records Done in the report.
func TestWaitProgress(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	dir, _ := site(t, cfg, nil)
	sim, flags := simulator(t, ccusim.Options{V2Seconds: 1})
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, tick: 100 * time.Millisecond}
	var stages []string
	e.stage = func(name string) { stages = append(stages, name) }
	code := e.run(context.Background(), append([]string{"purge", "--wait", "--repo", dir, "--from", "v1"}, flags...))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	p := sim.Purges()
	for _, want := range []string{"Waiting for purge " + p[0].PurgeID, "still waiting for 1 accepted request(s)", "purge " + p[0].PurgeID + ": Done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Join(stages, ",") != "Plan,Purge,Wait" {
		t.Errorf("stages %v", stages)
	}
}

// Several CCU v2 purges are waited for at once: five batches whose purges
// are Done after 2 s all end Done within a budget that waiting for them
// one after another (at least 5 × 2 s) could not meet.
func TestWaitManyV2Purges(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	dir, _ := site(t, cfg, nil)
	sim, flags := simulator(t, ccusim.Options{V2Seconds: 2})
	report := filepath.Join(t.TempDir(), "report.json")
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, tick: time.Hour}
	code := e.run(context.Background(), append([]string{"purge", "--wait", "--timeout", "7s", "--batch-size", "1", "--report", report, "--repo", dir, "--from", "v1"}, flags...))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	rep := readReport(t, report)
	if len(rep.Batches) != 5 || len(sim.Purges()) != 5 {
		t.Fatalf("%d batches reported, %d purges sent; want 5 each", len(rep.Batches), len(sim.Purges()))
	}
	for _, b := range rep.Batches {
		if b.Status != "Done" {
			t.Errorf("batch %d: status %q, want Done", b.Index, b.Status)
		}
	}
}
