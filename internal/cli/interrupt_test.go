package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
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
	noContextText(t, out.String(), errb.String(), report)
	rep := readReport(t, report)
	purged := sim.Purges()
	if len(purged) != 1 || len(rep.Purged) != 2 || len(rep.NotPurged) != 3 {
		t.Errorf("%d purges; report purged %v, not purged %v", len(purged), rep.Purged, rep.NotPurged)
	}
	if !strings.Contains(errb.String(), "interrupted") || !strings.Contains(out.String(), "NOT purged 3 object(s)") {
		t.Errorf("output does not say what was interrupted:\n%s%s", out.String(), errb.String())
	}
	if all := out.String() + errb.String(); strings.Contains(all, "not sent: not sent") || strings.Contains(all, "time budget") {
		t.Errorf("the interrupt is worded twice or as the time budget:\n%s", all)
	}
}

// An interrupt while --wait waits: every request was accepted, so the
// run counts as purged, not confirmed, and records the state as a timeout
// does; it exits 1 (the user stopped it), says exactly that, names the
// report only when --report was given, and never Go's context text.
func TestInterruptDuringWait(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	dir, shas := site(t, cfg, nil)
	for _, withReport := range []bool{true, false} {
		sim, flags := simulator(t, ccusim.Options{V2Seconds: 60})
		ctx, cancel := context.WithCancel(context.Background())
		report := filepath.Join(t.TempDir(), "r.json")
		statePath := filepath.Join(t.TempDir(), "state.json")
		var out, errb bytes.Buffer
		e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, tick: time.Hour}
		e.stage = func(name string) {
			if name == "Wait" {
				cancel() // Ctrl-C as the wait begins: the purge takes 60 s
			}
		}
		args := append([]string{"purge", "--wait", "--repo", dir, "--from", "v1", "--state", statePath}, flags...)
		if withReport {
			args = append(args, "--report", report)
		}
		code := e.run(ctx, args)
		if code != ExitFailed {
			t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
		}
		want := "interrupted while waiting for the purges to take effect (--wait): every request was accepted, so the run counts as purged, not confirmed"
		if withReport {
			want += "; the report " + report + " has their purgeIds"
		}
		want += "; it exits 1 because it was stopped"
		if !strings.Contains(errb.String(), want) || strings.Contains(errb.String(), "report") != withReport {
			t.Errorf("stderr does not say %q:\n%s", want, errb.String())
		}
		if !withReport {
			os.WriteFile(report, nil, 0o600) // no report: only the output is checked
		}
		noContextText(t, out.String(), errb.String(), report)
		if withReport {
			rep := readReport(t, report)
			if len(sim.Purges()) != 1 || len(rep.Purged) != 5 || len(rep.Batches) != 1 || !strings.HasPrefix(rep.Batches[0].Status, "not confirmed: interrupted") {
				t.Errorf("report %+v", rep)
			}
		}
		if data, err := os.ReadFile(statePath); err != nil || !strings.Contains(string(data), shas[1]) {
			t.Errorf("the state file does not record %.12s: %v\n%s", shas[1], err, data)
		}
	}
}

// --delay waits before the first request; an interrupt while it waits
// leaves everything unsent, reported as not purged, exit 1.
func TestDelay(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	args := append([]string{"purge", "--repo", dir, "--from", "v1", "--delay", "50ms"}, flags...)

	r := runQuick(t, nil, args...)
	if r.code != 0 || !strings.Contains(r.stdout, "Waiting 50ms before purging (--delay)") || len(sim.Purges()) != 1 {
		t.Fatalf("exit %d, %d purges\n%s%s", r.code, len(sim.Purges()), r.stdout, r.stderr)
	}

	ctx, cancel := context.WithCancel(context.Background())
	report := filepath.Join(t.TempDir(), "r.json")
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, waits: quick}
	e.stage = func(name string) {
		if name == "Delay" {
			cancel() // Ctrl-C while it waits an hour
		}
	}
	code := e.run(ctx, append([]string{"purge", "--repo", dir, "--from", "v1", "--delay", "1h", "--report", report}, flags...))
	if code != ExitFailed || len(sim.Purges()) != 1 {
		t.Fatalf("interrupted delay: exit %d, %d purges (want 1, 1)\n%s%s", code, len(sim.Purges()), out.String(), errb.String())
	}
	noContextText(t, out.String(), errb.String(), report)
	if rep := readReport(t, report); len(rep.Purged) != 0 || len(rep.NotPurged) != 5 {
		t.Errorf("report purged %v, not purged %v", rep.Purged, rep.NotPurged)
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr does not say interrupted:\n%s", errb.String())
	}

	r = runQuick(t, nil, "purge", "--repo", dir, "--from", "v1", "--delay", "1h", "--dry-run")
	if r.code != 0 || !strings.Contains(r.stdout, "Dry run: would wait 1h0m0s before purging (--delay).") {
		t.Errorf("dry run with --delay: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	oneMessage(t, runQuick(t, nil, "purge", "--repo", dir, "--from", "v1", "--delay", "-1s"), ExitUsage, "--delay -1s is negative")
}

// An interrupt while the diff runs (here: before it starts) sends nothing
// and exits 1 "interrupted", like one during the purge: it is not the
// user's input (2), and Go's bare "context canceled" says nothing. The
// report still lists every object, none purged.
func TestInterruptDuringPlan(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"purge", append([]string{"purge", "--repo", dir, "--from", "v1", "--report", filepath.Join(t.TempDir(), "r.json")}, flags...)},
		{"plan", []string{"plan", "--repo", dir, "--from", "v1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // Ctrl-C before the tree walk checks its context
			var out, errb bytes.Buffer
			e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
			r := result{e.run(ctx, tc.args), out.String(), errb.String()}
			oneMessage(t, r, ExitFailed, "interrupted while planning: nothing was sent")
			if strings.Contains(r.stderr, "context canceled") {
				t.Errorf("stderr shows Go's raw error:\n%s", r.stderr)
			}
			if n := len(sim.Purges()); n != 0 {
				t.Errorf("%d purges sent after an interrupt", n)
			}
			if tc.name != "purge" {
				return
			}
			rep := readJSON[fullReport](t, tc.args[6])
			if len(rep.Purged) != 0 || len(rep.NotPurged) != 0 || !strings.Contains(rep.Error, "interrupted while planning") {
				t.Errorf("report %+v", rep)
			}
		})
	}
}

// An interrupt while a shallow clone fetches its base is an interrupt,
// not a failed fetch for on_unknown_base to paper over with a CP code
// purge: exit 1 "interrupted", nothing sent, no raw "context canceled".
func TestInterruptDuringFetch(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed: cannot make a shallow clone")
	}
	bare := filepath.Join(t.TempDir(), "origin.git")
	shas, err := gitfixture.Build(bare, true, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": siteConfig + "cpcodes: [777]\non_unknown_base: cpcode\n", "public/a.html": "1"}},
		{Message: "two", Write: map[string]string{"public/a.html": "2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	if out, err := exec.Command(gitBin, "clone", "-q", "--depth", "1", "file://"+bare, clone).CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v\n%s", err, out)
	}
	sim, flags := simulator(t, ccusim.Options{})
	vars := pushEvent(t, shas[0], shas[1])
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Ctrl-C as the fetch starts
	var out, errb bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &errb}
	r := result{e.run(ctx, append([]string{"purge", "--repo", clone}, flags...)), out.String(), errb.String()}
	oneMessage(t, r, ExitFailed, "interrupted while planning: nothing was sent")
	if strings.Contains(r.stderr, "context canceled") || strings.Contains(r.stderr, "on_unknown_base") {
		t.Errorf("the interrupt reads as a failed fetch:\n%s", r.stderr)
	}
	if n := len(sim.Purges()); n != 0 {
		t.Errorf("%d purges sent after an interrupt", n)
	}
}

// noContextText fails when Go's context errors reach the user: stdout,
// stderr and the report say "interrupted" or name the time budget instead.
func noContextText(t *testing.T, stdout, stderr, report string) {
	t.Helper()
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"stdout": stdout, "stderr": stderr, "the report": string(data)} {
		for _, raw := range []string{"context canceled", "context deadline exceeded"} {
			if strings.Contains(text, raw) {
				t.Errorf("%s shows Go's %q:\n%s", where, raw, text)
			}
		}
	}
}
