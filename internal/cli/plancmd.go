package cli

import (
	"context"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/options"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

func (e *env) plan(ctx context.Context, args []string) error {
	o := &options.Options{}
	fs := e.flags("plan", o)
	if err := e.parse(fs, args, o); err != nil {
		return err
	}
	if o.ExplainOutput != "" {
		return e.explainOutput(o)
	}
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return planStopped(ctx, err)
	}
	if o.Output == "json" {
		return rpt.JSON(e.stdout, p)
	}
	printPlan(e.stdout, p, o.Quiet)
	return nil
}

// printPlan writes the plan for a person (see report.PlanOf).
func printPlan(w io.Writer, p *planned, quiet bool) { rpt.PlanOf(w, p.Range, p.Plan, quiet) }
