package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Each retry gets its own line as it happens, and the request that passed
// in the end says how many attempts it took.
func TestRetryLines(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	sim.Script(ccusim.Step{Status: 503}, ccusim.Step{Status: 429})
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"Batch 1/1: attempt 1 failed (HTTP 503); retrying in ",
		"Batch 1/1: attempt 2 failed (HTTP 429 rate limit); retrying in ",
		"of the time budget left\n",
		"  accepted after 3 attempts: HTTP 201, purgeId ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}

// In a log (not a terminal), any wait longer than the tick prints a line
// each tick: requests out (retries, pacing, a slow answer) and --delay.
func TestPeriodicLines(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	sim.Script(ccusim.Step{Delay: 400 * time.Millisecond})
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, waits: quick, tick: 100 * time.Millisecond}
	code := e.run(context.Background(), append([]string{"purge", "--repo", dir, "--from", "v1", "--delay", "300ms"}, flags...))
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
	}
	for _, want := range []string{"\nwaiting before purging (--delay): 0s of 300ms\n", "\nstill purging: 0 of 1 batch(es) done, 0s elapsed\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
}

// The time budget running out during --wait: every request was accepted,
// so the run exits 0, records the state, and warns that the purges are
// not confirmed.
func TestTimeoutDuringWait(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	dir, shas := site(t, cfg, nil)
	_, flags := simulator(t, ccusim.Options{V2Seconds: 60})
	statePath := filepath.Join(t.TempDir(), "state.json")
	r := runQuick(t, nil, append([]string{"purge", "--wait", "--timeout", "1s", "--repo", dir, "--from", "v1", "--state", statePath}, flags...)...)
	want := "ccu-purge: warning: the time budget (--timeout 1s) ran out while waiting for the purges to take effect (--wait): every request was accepted, so the run counts as purged, not confirmed\n"
	if r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, want 0 and %q\n%s%s", r.code, want, r.stdout, r.stderr)
	}
	if data, err := os.ReadFile(statePath); err != nil || !strings.Contains(string(data), shas[1]) {
		t.Errorf("the state file does not record %.12s: %v\n%s", shas[1], err, data)
	}
}

// status with a Fast Purge purge ID says there is no status call and what
// --wait does, without asking CCU v2 (which answers "Unknown" for ever); a
// UUID, which either API may have given, gets the same hint when Unknown.
func TestStatusFastPurgeID(t *testing.T) {
	sim, flags := simulator(t, ccusim.Options{})
	r := runQuick(t, nil, append([]string{"status", "edup-NZbXzFpHBjcJeryhw6PVgG"}, flags...)...)
	oneMessage(t, r, ExitUsage, `"edup-NZbXzFpHBjcJeryhw6PVgG" is a Fast Purge purge ID: Fast Purge has no status call (status is CCU v2's): its purges take effect in about 5 seconds, and purge --wait waits`)
	if n := sim.Requests(); n != 0 {
		t.Errorf("sent %d request(s)", n)
	}
	r = runQuick(t, nil, append([]string{"status", "674e54ae-3131-11e8-ba75-615d2757a3f3"}, flags...)...)
	if want := "Unknown\n  ask again in 60s\n"; r.code != 0 || !strings.Contains(r.stdout, want) || !strings.Contains(r.stdout, "  if this is a Fast Purge purge ID, CCU v2 never knows it: Fast Purge has no status call") {
		t.Errorf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// The parts of a bisected batch are labelled as parts, with the answer
// that split it, so they do not read as the same batch twice.
func TestSplitLabels(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	sim.Refuse("https://www.example.com/index.html")
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", "--batch-size", "2"}, flags...)...)
	if r.code != ExitFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{
		"\nBatch 2/3 (part 1 of 2, split after HTTP 403): fast-purge invalidate url on production, 1 object(s)\n  FAILED after 1 attempt(s): HTTP 403",
		"\nBatch 2/3 (part 2 of 2, split after HTTP 403): fast-purge invalidate url on production, 1 object(s)\n  accepted: HTTP 201",
		"\nBatch 1/3: fast-purge invalidate url on production, 2 object(s)\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}
}
