package cli

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// A request held back by Akamai's rate limit says which one in the status
// line, instead of only "still purging": here the account's CP code bucket
// holds 2 and refills 2 a second, so the third CP code waits for it.
func TestStatusNamesTheRateLimit(t *testing.T) {
	b := ccusim.RealBuckets()
	b.CPCode = ccusim.Bucket{Burst: 2, PerSecond: 2}
	sim, flags := simulator(t, ccusim.Options{Buckets: &b})
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, waits: quick, tick: 50 * time.Millisecond}
	args := append([]string{"purge", "--repo", t.TempDir(), "--cpcode", "101", "--cpcode", "102", "--cpcode", "103", "--batch-size", "1", "--concurrency", "1"}, flags...)
	if code := e.run(context.Background(), args); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if n := len(sim.Purges()); n != 3 {
		t.Fatalf("%d purges accepted, want 3", n)
	}
	if !waitLine.MatchString(out.String()) {
		t.Errorf("stdout never says what the run waits for (%s):\n%s", waitLine, out.String())
	}
}

var waitLine = regexp.MustCompile(`\nstill purging: \d of 3 batch\(es\) done, \d+s elapsed; waiting about \ds for Akamai's CP code rate limit to refill\n`)

// A request slow to be answered says so in the status line, with its
// batch, instead of only "still purging".
func TestStatusNamesASlowAnswer(t *testing.T) {
	t.Parallel()
	sim, flags := simulator(t, ccusim.Options{})
	sim.Script(ccusim.Step{Delay: rpt.SlowAnswer + 700*time.Millisecond})
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, waits: quick, tick: 100 * time.Millisecond}
	args := append([]string{"purge", "--repo", t.TempDir(), "--url", "https://www.example.com/a.html"}, flags...)
	if code := e.run(context.Background(), args); code != ExitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	if !slowLine.MatchString(out.String()) {
		t.Errorf("stdout never says the answer is slow (%s):\n%s", slowLine, out.String())
	}
}

var slowLine = regexp.MustCompile(`\nstill purging: 0 of 1 batch\(es\) done, \d+s elapsed; batch 1 has waited \d+s for Akamai's answer \(a purge is not sent again while it may still be accepted\)\n`)
