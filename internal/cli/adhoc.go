package cli

import (
	"cmp"
	"context"
	"io"
	"os"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// adhocPlan is the plan of the objects --url, --cpcode, --tag and
// --objects-from name (plan.Adhoc), with no state: it says nothing about
// which commit the edge serves.
func (e *env) adhocPlan(o *options.Options) (*planned, error) {
	named := mapper.Named{URLs: o.URLs, CPCodes: o.CPCodes, Tags: o.Tags, From: o.ObjectsFrom, Stdin: cmp.Or[io.Reader](e.stdin, os.Stdin)}
	rng, p, err := plan.Adhoc{Named: named, Config: o.Config, Dir: o.Repo, Overrides: o.Overrides, Getenv: e.getenv,
		MaxObjects: o.BatchSize, Timeout: o.Timeout}.Plan()
	if err != nil {
		return nil, usageErr(err)
	}
	return &planned{PlanDoc: rpt.PlanDoc{Range: rng, Plan: p}}, nil
}

// limits prints the account's Fast Purge rate buckets: `ccu-purge limits
// [url|cpcode|tag]`, all three without an argument.
func (e *env) limits(ctx context.Context, args []string) error {
	o := &options.Options{}
	rest, timeout, err := e.queryFlags("limits", args, o)
	if err != nil {
		return err
	}
	kinds, err := options.LimitKinds(rest)
	if err != nil {
		return usageErr(err)
	}
	return e.ask(ctx, o, timeout, func(ctx context.Context, c *ccu.Client) error {
		ls, err := c.RateLimits(ctx, kinds)
		rpt.Limits(e.stdout, ls)
		return err
	})
}

// limitsFor seeds a large Fast Purge run's pacing, or any with --limits,
// from the account's figures (ccu.LimitKinds); none in a dry run.
func (e *env) limitsFor(ctx context.Context, o *options.Options, c *ccu.Client, p *planned) []ccu.RateLimit {
	if c == nil {
		return nil
	}
	ls, err := c.RateLimits(ctx, ccu.LimitKinds(p.Batches, o.Limits))
	rpt.PacingFrom(e.stdout, ls, err)
	return ls
}
