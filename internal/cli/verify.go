package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/deployed"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/progress"
	"github.com/ccu-purge/ccu-purge/internal/purge"
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
	if k := e.getenv("AKAMAI_DEBUG_KEY"); k != "" {
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
	c := &checked{cfg: p.cfg, rep: rpt.NotSent(nil, nil), site: p.site(o.Repo)}
	for i, b := range p.Batches {
		for _, obj := range b.Objects {
			if b.Type == purge.URL {
				c.targets = append(c.targets, verify.Target{URL: obj, Batch: i + 1, Action: b.Action})
			}
		}
	}
	return c, nil
}

// givenTargets are the URLs of --report, with the sources of its range
// when the repository is at hand, or of --url.
func (e *env) givenTargets(ctx context.Context, o *options.Options) (*checked, error) {
	rep, err := readVerifyReport(o.Report)
	if err != nil {
		return nil, err
	}
	cfg, err := e.optionalConfig(o, rep)
	if err != nil {
		return nil, err
	}
	c := &checked{cfg: cfg, rep: rep}
	for _, u := range o.URLs {
		c.targets = append(c.targets, verify.Target{URL: u, Action: actionOf(cfg)})
	}
	if o.Report == "" {
		return c, nil
	}
	c.targets = c.rep.Targets()
	if cfg != nil && c.rep.From != "" && c.rep.To != "" {
		c.site = deployed.Site{Sources: deployed.Range(ctx, o.Repo, c.rep.From, c.rep.To, cfg), Repo: o.Repo, To: c.rep.To}
	}
	return c, nil
}

// readVerifyReport reads --report; "" is a report of nothing sent.
func readVerifyReport(path string) (*rpt.Report, error) {
	if path == "" {
		return rpt.NotSent(nil, nil), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("--report: %w", err)
	}
	rep, err := rpt.ReadReport(data)
	if err != nil {
		return nil, usagef("--report %s: %w", path, err)
	}
	return rep, nil
}

// optionalConfig is the config of --config, or of the repository's head
// when it has one; nil, without an error, when there is none. Its network
// is the one rep's requests purged (the edges to ask), unless --network
// or CCU_PURGE_NETWORK say otherwise, as for a plan.
func (e *env) optionalConfig(o *options.Options, rep *rpt.Report) (*mapper.Config, error) {
	cfg, err := e.findConfig(o)
	if cfg == nil || err != nil {
		return nil, err
	}
	if n, ok := rep.Network(); ok {
		cfg.Network = n
	}
	err = cfg.Override(mapper.Overrides{Env: mapper.OverridesFromEnv(e.getenv).Env, Flags: o.Overrides})
	return cfg, usageIf(err)
}

// findConfig is optionalConfig before the overrides.
func (e *env) findConfig(o *options.Options) (*mapper.Config, error) {
	if o.Config != "" {
		cfg, err := mapper.Load(o.Config)
		return cfg, usageIf(err)
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, nil
	}
	defer repo.Close()
	head, err := repo.Resolve(cmp.Or(o.To, "HEAD"))
	if err != nil {
		return nil, nil
	}
	cfg, err := mapper.Find("", repo, head)
	if errors.Is(err, mapper.ErrNoConfig) {
		return nil, nil
	}
	return cfg, usageIf(err)
}

// usageIf is usageErr for a non-nil err.
func usageIf(err error) error {
	if err == nil {
		return nil
	}
	return usageErr(err)
}

// actionOf is how cfg purges: invalidate without a config.
func actionOf(cfg *mapper.Config) purge.Action {
	if cfg == nil {
		return purge.Invalidate
	}
	return cfg.Action
}

// runVerify samples c's targets, waits for the purges to reach the edge,
// checks them, and prints each verdict and the summary.
func (e *env) runVerify(ctx context.Context, o *options.Options, c *checked) (*verify.Verification, error) {
	s, onStale, err := e.verifySettings(o, c)
	if err != nil {
		return nil, err
	}
	picked := verify.Pick(c.targets, s.Sample, s.Seed)
	c.locate(o)
	if err := c.site.Fill(picked); err != nil {
		return nil, usageErr(err)
	}
	n := len(c.rep.Unverifiable())
	if n > 0 {
		fmt.Fprintf(e.stdout, "Verify: %d object(s) purged by CP code or tag name no URL to check.\n", n)
	}
	sample := cmp.Or(s.Sample.String(), "10%")
	if len(picked) == 0 { // nothing to wait for or to ask
		if n == 0 {
			fmt.Fprintln(e.stdout, "Verify: no URL to check.")
		}
		return &verify.Verification{Sample: sample, OnStale: onStale, Results: []verify.Result{}}, nil
	}
	out := progress.New(e.stdout, progress.IsTerminal(e.stdout))
	e.awaitEdge(ctx, out, c.rep)
	fmt.Fprintf(e.stdout, "Verifying %d of %d URL(s) through the edge (sample %s)...\n", len(picked), len(c.targets), sample)
	var judged atomic.Int64
	stop := out.Tick(e.tick, func(d time.Duration) string {
		return fmt.Sprintf("verifying: %d of %d URL(s) judged, %s", judged.Load(), len(picked), d.Round(time.Second))
	})
	results, err := verify.Run(ctx, picked, s, func(r verify.Result) {
		judged.Add(1)
		if !o.Quiet || r.Result != verify.Fresh {
			out.Line("%s", rpt.VerifyLine(r))
		}
	})
	stop()
	if err != nil {
		return nil, usageErr(err)
	}
	v := &verify.Verification{Summary: verify.Summarize(results, len(c.targets)), Sample: sample, OnStale: onStale, Results: results}
	if ctx.Err() != nil {
		v.Error = "interrupted: the URLs not judged by then are unknown"
	}
	rpt.VerifySummary(e.stdout, v)
	return v, nil
}

// verifyConfig is the config's verify: section and network (zero and
// production without a config).
func (c *checked) verifyConfig() (mapper.VerifyConfig, purge.Network) {
	if c.cfg == nil {
		return mapper.VerifyConfig{}, purge.Production
	}
	return c.cfg.Verify, c.cfg.Network
}

// locate says where the deployed files are beyond their sources: the
// folder the site is served from (--site-dir, else verify.site_dir under
// the repository) and the config's CP codes.
func (c *checked) locate(o *options.Options) {
	vc, _ := c.verifyConfig()
	if c.cfg != nil {
		c.site.CPCodes = c.cfg.CPCodes
	}
	c.site.Dir, c.site.BasePath = options.SiteDir(o.Verify, vc)
	if o.Verify.SiteDir == "" && vc.SiteDir != "" {
		c.site.Dir = filepath.Join(o.Repo, filepath.FromSlash(vc.SiteDir)) // the config's is the repository's
	}
}

// verifySettings layers the flags over the config's verify: section.
func (e *env) verifySettings(o *options.Options, c *checked) (verify.Settings, string, error) {
	vc, network := c.verifyConfig()
	s, onStale, err := options.VerifySettings(o.Verify, vc, network, verify.Hosts(c.targets), e.getenv)
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

// awaitEdge waits, when the purges were accepted moments ago, until their
// estimatedSeconds have passed: before that a stale answer says nothing.
func (e *env) awaitEdge(ctx context.Context, out *progress.Writer, rep *rpt.Report) {
	at, err := rep.PurgedAt()
	if err != nil || at.IsZero() {
		return
	}
	est := 0
	for _, b := range rep.Batches {
		est = max(est, b.EstimatedSeconds)
	}
	wait := time.Until(at.Add(time.Duration(est) * time.Second)).Round(100 * time.Millisecond)
	if wait <= 0 {
		return
	}
	out.Line("Waiting %v for the purges to reach the edge (their estimatedSeconds) before verifying...", wait)
	out.Sleep(ctx, wait, e.tick, func(el time.Duration) string {
		return fmt.Sprintf("waiting for the purges to reach the edge: %s of %s", el.Round(time.Second), wait)
	})
}
