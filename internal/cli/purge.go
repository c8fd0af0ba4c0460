package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/deadline"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/progress"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

func (e *env) purge(ctx context.Context, args []string) error {
	o := &options.Options{}
	fs := options.Purge(e.getenv, o)
	if err := e.parse(fs, args, o); err != nil {
		return err
	}
	if err := e.checkOutputs(o); err != nil {
		return err // before the dotenv below overwrites what it names
	}
	run, err := e.runPurge(ctx, o)
	if o.Dotenv != "" {
		if derr := e.writeDotenv(o.Dotenv, run.outputs()); derr != nil {
			return errors.Join(err, &exitError{ExitFailed, derr})
		}
	}
	return err
}

// purgeRun is what one purge did, as far as it got: the plan (nil when
// planning failed) and the report (nil when nothing was sent).
type purgeRun struct {
	plan   *planned
	report *rpt.Report
	path   string // the report file, "" when none
}

// runPurge plans and submits; the CLI, the GitHub Action and the dotenv
// writer all read its result. With --report, the file is written whatever
// happens once it is created: a run that stops before sending lists every
// planned object in notPurged and says why, so CI never keeps an empty or
// stale report.
func (e *env) runPurge(ctx context.Context, o *options.Options) (*purgeRun, error) {
	run := &purgeRun{path: o.Report}
	if o.Verify.Enabled {
		e.hideDebugKey()
	}
	if err := options.CheckPurge(o); err != nil {
		return run, usageErr(err)
	}
	// Found unwritable now, not after everything was purged; the files
	// themselves are replaced only at the end (writeOut).
	for _, out := range options.Outputs(o) {
		if out.Path == "" {
			continue
		}
		if err := checkOutput(out.Flag, out.Path); err != nil {
			return run, err
		}
	}
	err := e.planAndSend(ctx, o, run)
	var werrs []error
	if o.Report != "" {
		werrs = append(werrs, e.writeReport(o.Report, run.fileReport(err)))
	}
	if o.JUnit != "" {
		werrs = append(werrs, e.writeJUnit(o.JUnit, run.fileReport(err)))
	}
	if werr := errors.Join(werrs...); werr != nil {
		if err == nil {
			return run, &exitError{ExitFailed, werr}
		}
		return run, errors.Join(err, werr) // keeps err's exit code
	}
	return run, err
}

func (e *env) planAndSend(ctx context.Context, o *options.Options, run *purgeRun) error {
	e.enter("Plan")
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return planStopped(ctx, err)
	}
	run.plan = p
	if p.state != nil && !o.DryRun {
		// Found now, not after everything was purged.
		if err := p.state.CheckWritable(); err != nil {
			return usageErr(fmt.Errorf("--state: %w", err))
		}
	}
	if p.built != nil && !o.DryRun {
		// The build's manifest too, before anything is sent.
		if err := checkOutput(p.built.What, p.built.Path); err != nil {
			return err
		}
	}
	if run.report, err = e.send(ctx, o, p); err != nil {
		return err
	}
	if err := reportErr(run.report); err != nil || o.DryRun {
		return err
	}
	if err := e.record(p); err != nil {
		return err
	}
	if o.Wait && ctx.Err() != nil {
		return &exitError{ExitFailed, errors.New(deadline.WaitEnded(true, o.Timeout, o.Report))}
	}
	return e.verifyPurge(ctx, o, p, run.report)
}

// verifyPurge runs --verify on what the purge accepted; the state has
// moved already, as without it: a stale edge does not undo a purge.
func (e *env) verifyPurge(ctx context.Context, o *options.Options, p *planned, rep *rpt.Report) error {
	if !o.Verify.Enabled || ctx.Err() != nil {
		return nil
	}
	e.enter("Verify")
	c := &checked{targets: rep.Targets(), cfg: p.cfg, rep: rep, site: p.site(o.Repo)}
	var err error
	if rep.Verify, err = e.runVerify(ctx, o, c); err != nil {
		return err
	}
	return verifyErr(rep)
}

// send submits the plan (or dry-runs it) within the time budget and
// returns the report; it fails before sending anything on a config or
// credential problem.
func (e *env) send(ctx context.Context, o *options.Options, p *planned) (*rpt.Report, error) {
	var sub ccu.Submitter = ccu.DryRunner{Would: func(b purge.Batch, path string, body []byte) { rpt.WouldPost(e.stdout, b, path, body) }}
	var client *ccu.Client
	if !o.DryRun && len(p.Batches) > 0 {
		var err error
		if client, err = e.client(o); err != nil {
			return nil, err
		}
		defer client.Close()
		sub = client
	}
	printPlan(e.stdout, p, o.Quiet)
	// --verbose logs requests to stderr, which would run into a line
	// rewritten in place on the same terminal: log lines instead.
	out := progress.New(e.stdout, progress.IsTerminal(e.stdout) && !o.Verbose)
	if o.Delay > 0 && len(p.Batches) > 0 {
		if client == nil {
			fmt.Fprintf(e.stdout, "Dry run: would wait %v before purging (--delay).\n", o.Delay)
		} else {
			e.enter("Delay")
			pause(ctx, e, out, o.Delay) // an interrupt here leaves everything unsent, and says so
		}
	}
	e.enter("Purge")
	budget, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	if client != nil {
		if err := waitQueues(budget, e, client, p); err != nil {
			return nil, &exitError{ExitFailed, deadline.Wrap(ctx, budget, o.Timeout, err)}
		}
	}
	so := e.waits
	so.Concurrency = o.Concurrency
	so.Limits = e.limitsFor(budget, o, client, p)
	var ended atomic.Int64
	so.OnSent = func(s ccu.Sent) { // in plan order, one at a time
		out.Text(rpt.SentText(len(p.Batches), deadline.Sent(ctx, budget, o.Timeout, s)))
		ended.Store(int64(s.Batch + 1))
	}
	so.OnRetry = func(r ccu.RetryEvent) { out.Text(rpt.RetryText(len(p.Batches), r)) }
	var act ccu.Activity
	so.OnPace = func(ev ccu.PaceEvent) { act.Paced(ev, time.Now()) }
	so.OnAsk = func(batch int) func() { return act.Asked(batch, time.Now()) }
	stop := out.Tick(e.tick, func(d time.Duration) string {
		return rpt.Submitting(int(ended.Load()), len(p.Batches), d, act.At(time.Now()))
	})
	sent := sub.Submit(budget, p.Batches, so)
	stop()
	for i := range sent {
		sent[i] = deadline.Sent(ctx, budget, o.Timeout, sent[i])
	}
	rep := rpt.New(p.Plan, sent, o.DryRun)
	if rep.Accepted() > 0 {
		rep.AcceptedAt = time.Now().UTC().Format(time.RFC3339Nano)
	}
	if o.Wait && client != nil {
		e.enter("Wait")
		waitPurges(ctx, budget, o.Timeout, e, client, rep, o.Concurrency, out)
	}
	rep.Summary(e.stdout)
	if o.Wait && client != nil && budget.Err() != nil && ctx.Err() == nil && rep.Err() == nil {
		e.warn(deadline.WaitEnded(false, o.Timeout, o.Report))
	}
	return rep, nil
}

// pause waits d before purging, unless the run is interrupted first; the
// time budget (--timeout) starts after it.
func pause(ctx context.Context, e *env, out *progress.Writer, d time.Duration) {
	out.Line("Waiting %v before purging (--delay), so the origins can finish syncing...", d)
	out.Sleep(ctx, d, e.tick, func(el time.Duration) string { return rpt.Delaying(el, d) })
}

// planStopped turns a planning error caused by an interrupt (the diff and
// the fetch stop with the run's context) into exit 1 "interrupted": it is
// not the user's input, and Go's bare "context canceled" says nothing.
func planStopped(ctx context.Context, err error) error {
	if ctx.Err() == nil || !deadline.IsContextErr(err) {
		return err
	}
	return &exitError{ExitFailed, errors.New("interrupted while planning: nothing was sent")}
}

// waitQueues makes sure CCU v2's queues have room for the plan before
// anything is sent (see ccu.Client.WaitQueues), and says so while it waits.
func waitQueues(ctx context.Context, e *env, c *ccu.Client, p *planned) error {
	return c.WaitQueues(ctx, p.Batches, ccu.QueuePoll, func(q purge.Queue, length, adding int) {
		fmt.Fprintf(e.stdout, "Waiting for the %s queue to drain: %d of %d objects queued, %d to add\n", q, length, q.Capacity(), adding)
	})
}

func (e *env) client(o *options.Options) (*ccu.Client, error) {
	creds, err := ccu.LoadCredentials(e.source(o))
	if err != nil {
		return nil, usageErr(err)
	}
	e.hide(ccu.Secrets(creds)...) // before any answer can echo them
	if w := ccu.PermissionWarning(o.Edgerc, e.getenv); w != "" {
		e.warn(w)
	}
	opts := ccu.Options{CAFile: o.CACert, UserAgent: "ccu-purge/" + version()}
	if o.Verbose {
		// Requests in flight log from their own goroutines: whole lines.
		log := progress.New(e.stderr, false)
		opts.Logf = func(format string, args ...any) { log.Line("ccu-purge: "+format, args...) }
	}
	c, err := ccu.New(creds, opts)
	if err != nil {
		return nil, usageErr(err)
	}
	return c, nil
}

// warn prints a warning once: an annotation in GitHub Actions, a line on
// stderr elsewhere. It never changes the exit code.
func (e *env) warn(msg string) {
	msg = strings.TrimPrefix(msg, "warning: ")
	if e.getenv("GITHUB_ACTIONS") == "true" {
		fmt.Fprintf(e.stdout, "::warning::%s\n", msg)
		return
	}
	fmt.Fprintf(e.stderr, "ccu-purge: warning: %s\n", msg)
}
