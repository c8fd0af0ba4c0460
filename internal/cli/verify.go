package cli

import (
	"context"
	"errors"
	"io"
	"sync/atomic"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/deployed"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/progress"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// checked is what a verification checks: the URLs, the config (nil
// without one), the purge's report (when it was accepted) and where the
// deployed files are.
type checked struct {
	targets []verify.Target
	cfg     *mapper.Config
	rep     *rpt.Report
	site    deployed.Site
}

// verify checks that the edge serves what was deployed: the URLs of a
// purge report (the results are written back into it), of --url or of a
// plan.
func (e *env) verify(ctx context.Context, args []string) error {
	o := &options.Options{}
	if err := e.parse(e.flags("verify", o), args, o); err != nil {
		return err
	}
	e.hideDebugKey()
	data := e.stdout
	if o.Output == "json" {
		// The JSON alone on stdout, so a script can parse it; the lines
		// printed as the edge answers go to stderr.
		e.stdout = e.stderr
	}
	c, err := e.verifyTargets(ctx, o)
	if err != nil {
		return err
	}
	if c.rep.Verify, err = e.runVerify(ctx, o, c); err != nil {
		return err
	}
	if err := e.writeVerified(data, o, c.rep); err != nil {
		return &exitError{ExitFailed, err}
	}
	return verifyErr(c.rep)
}

// verifyErr is exit 1 when on_stale is fail and a URL stayed stale.
func verifyErr(rep *rpt.Report) error {
	if err := rep.VerifyErr(); err != nil {
		return &exitError{ExitFailed, err}
	}
	return nil
}

// writeVerified writes what verify's flags ask for: the report back into
// --report, the JUnit file, the JSON on stdout.
func (e *env) writeVerified(stdout io.Writer, o *options.Options, rep *rpt.Report) error {
	var errs []error
	if o.Report != "" {
		errs = append(errs, e.writeReport(o.Report, rep))
	}
	if o.JUnit != "" {
		errs = append(errs, e.writeJUnit(o.JUnit, rep))
	}
	if o.Output == "json" {
		errs = append(errs, rpt.JSON(stdout, rep.Verify))
	}
	return errors.Join(errs...)
}

// hideDebugKey keeps the Enhanced Debug key out of every output, before
// anything can print it.
func (e *env) hideDebugKey() {
	if k := e.getenv(options.DebugKeyEnv); k != "" {
		e.hide(k)
	}
}

// verifyTargets reads the URLs to check from --report, --url or a plan.
func (e *env) verifyTargets(ctx context.Context, o *options.Options) (*checked, error) {
	if o.Report != "" || len(o.URLs) > 0 {
		return e.givenTargets(ctx, o)
	}
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return nil, err
	}
	return &checked{targets: verify.URLTargets(p.Batches), cfg: p.cfg, rep: rpt.NotSent(nil, nil), site: p.site(o.Repo)}, nil
}

// givenTargets are the URLs of --report, with the sources of its range
// when the repository is at hand, or of --url.
func (e *env) givenTargets(ctx context.Context, o *options.Options) (*checked, error) {
	rep, err := rpt.ReadFile(o.Report)
	if err != nil {
		return nil, usageErr(err)
	}
	cfg, err := e.optionalConfig(o, rep)
	if err != nil {
		return nil, err
	}
	if o.Report == "" {
		return &checked{targets: verify.GivenTargets(o.URLs, cfg.PurgeAction()), cfg: cfg, rep: rep}, nil
	}
	return &checked{targets: rep.Targets(), cfg: cfg, rep: rep, site: deployed.ForRange(ctx, o.Repo, rep.From, rep.To, cfg)}, nil
}

// runVerify samples c's targets, waits for the purges to reach the edge,
// checks them, and prints each verdict and the summary.
func (e *env) runVerify(ctx context.Context, o *options.Options, c *checked) (*verify.Verification, error) {
	s, onStale, err := e.verifySettings(o, c)
	if err != nil {
		return nil, err
	}
	picked := verify.Pick(c.targets, s.Sample, s.Seed)
	if err := c.site.Locate(c.cfg, o.Verify.SiteDir, o.Repo).Fill(picked); err != nil {
		return nil, usageErr(err)
	}
	rpt.VerifyNotes(e.stdout, len(c.rep.Unverifiable()), len(picked))
	if len(picked) == 0 { // nothing to wait for or to ask
		return verify.Nothing(s, onStale), nil
	}
	out := progress.New(e.stdout, progress.IsTerminal(e.stdout))
	e.awaitEdge(ctx, out, c.rep.EdgeReady())
	rpt.VerifyStart(e.stdout, len(picked), len(c.targets), s.SampleName())
	results, err := e.judge(ctx, out, o.Quiet, picked, s)
	if err != nil {
		return nil, usageErr(err)
	}
	v := verify.Verified(s, onStale, results, len(c.targets), ctx.Err() != nil)
	rpt.VerifySummary(e.stdout, v)
	return v, nil
}

// judge asks the edge for picked and prints each verdict (--quiet: the
// fresh ones not) under a status line.
func (e *env) judge(ctx context.Context, out *progress.Writer, quiet bool, picked []verify.Target, s verify.Settings) ([]verify.Result, error) {
	var judged atomic.Int64
	stop := out.Tick(e.tick, func(d time.Duration) string { return rpt.Judging(int(judged.Load()), len(picked), d) })
	defer stop()
	return verify.Run(ctx, picked, s, func(r verify.Result) {
		judged.Add(1)
		if !quiet || r.Result != verify.Fresh {
			out.Line("%s", rpt.VerifyLine(r))
		}
	})
}

// verifySettings are the options' settings with what cli wires in: the
// user agent, the --verbose log, the --ca-cert roots and when the purges
// were accepted.
func (e *env) verifySettings(o *options.Options, c *checked) (verify.Settings, string, error) {
	s, onStale, err := options.VerifySettingsOf(o.Verify, c.cfg, verify.Hosts(c.targets), e.getenv)
	if err != nil {
		return s, "", usageErr(err)
	}
	s.UserAgent = "ccu-purge/" + version() + " (verify)"
	if o.Verbose {
		log := progress.New(e.stderr, false) // requests log from their own goroutines: whole lines
		s.Logf = func(format string, args ...any) { log.Line("ccu-purge: verify: "+format, args...) }
	}
	if o.CACert != "" {
		if s.RootCAs, err = ccu.CertPool(o.CACert); err != nil {
			return s, "", usagef("--ca-cert: %w", err)
		}
	}
	s.PurgedAt, _ = c.rep.PurgedAt()
	return s, onStale, nil
}

// awaitEdge waits until ready, when the purges were accepted moments
// ago (see Report.EdgeReady).
func (e *env) awaitEdge(ctx context.Context, out *progress.Writer, ready time.Time) {
	wait := time.Until(ready).Round(100 * time.Millisecond)
	if ready.IsZero() || wait <= 0 {
		return
	}
	out.Line("%s", rpt.EdgeWait(wait))
	out.Sleep(ctx, wait, e.tick, func(el time.Duration) string { return rpt.ReachingEdge(el, wait) })
}
