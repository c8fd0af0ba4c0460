package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// purger is what submits one batch: the real client, or the dry run.
type purger interface {
	Purge(ctx context.Context, b plan.Batch) (ccu.Result, error)
}

// dryRun prints what would be sent and sends nothing: the rest of the
// pipeline is the same as a real run.
type dryRun struct{ e *env }

func (d dryRun) Purge(_ context.Context, b plan.Batch) (ccu.Result, error) {
	path, body, err := ccu.Request(b)
	if err != nil {
		return ccu.Result{}, err
	}
	fmt.Fprintf(d.e.stdout, "  dry run: would POST %s (%d bytes)\n", path, len(body))
	return ccu.Result{}, nil
}

func (e *env) purge(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("purge", o)
	e.rangeFlags(fs, o)
	fs.BoolVar(&o.dryRun, "dry-run", false, "print what would be sent, send nothing")
	fs.StringVar(&o.report, "report", "", "write a JSON report of every batch to FILE")
	if err := parse(fs, args, o); err != nil {
		return err
	}
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return err
	}
	printPlan(e.stdout, p)
	var client purger = dryRun{e}
	if !o.dryRun && len(p.Batches) > 0 {
		if client, err = e.client(o); err != nil {
			return err
		}
	}
	rep := submit(ctx, e, client, p, o.dryRun)
	if o.report != "" {
		if err := writeReport(o.report, rep); err != nil {
			return &exitError{ExitFailed, err}
		}
	}
	return rep.err()
}

func (e *env) client(o *options) (*ccu.Client, error) {
	creds, err := ccu.LoadCredentials(o.edgerc, o.section, o.sectionSet)
	if err != nil {
		return nil, usageErr(err)
	}
	opts := ccu.Options{CAFile: o.caCert, UserAgent: "ccu-purge/" + version()}
	if o.verbose {
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(e.stderr, "ccu-purge: "+format+"\n", args...) }
	}
	c, err := ccu.New(creds, opts)
	if err != nil {
		return nil, usageErr(err)
	}
	return c, nil
}

// submit sends every batch, in plan order, and records each outcome; one
// failed batch does not stop the others, since each purge stands alone.
func submit(ctx context.Context, e *env, c purger, p *plan.Plan, dry bool) *report {
	rep := newReport(p, dry)
	for i, b := range p.Batches {
		fmt.Fprintf(e.stdout, "Batch %d/%d: %s\n", i+1, len(p.Batches), describe(b))
		if err := ctx.Err(); err != nil {
			rep.fail(i, fmt.Errorf("not sent: %w", err))
			continue
		}
		res, err := c.Purge(ctx, b)
		if err != nil {
			rep.fail(i, err)
			fmt.Fprintf(e.stdout, "  FAILED: %v\n", err)
			continue
		}
		rep.ok(i, res)
		if !dry {
			fmt.Fprintf(e.stdout, "  accepted: HTTP %d, purgeId %s, supportId %s, estimated %ds\n", res.HTTPStatus, res.PurgeID, res.SupportID, res.EstimatedSeconds)
		}
	}
	rep.summarize(e.stdout)
	return rep
}

func writeReport(path string, r *report) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := writeJSON(f, r); err != nil {
		f.Close()
		return fmt.Errorf("write report: %w", err)
	}
	return f.Close()
}

var errNotPurged = errors.New("purge failed")
