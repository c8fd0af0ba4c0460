package cli

import (
	"context"
	"io"

	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

func (e *env) plan(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("plan", o)
	e.rangeFlags(fs, o)
	fs.StringVar(&o.output, "output", "text", "text or json")
	if err := parse(fs, args, o); err != nil {
		return err
	}
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return planStopped(ctx, err)
	}
	if o.output == "json" {
		return rpt.JSON(e.stdout, p)
	}
	printPlan(e.stdout, p)
	return nil
}

// printPlan writes the plan for a person (see report.Plan).
func printPlan(w io.Writer, p *planned) { rpt.Plan(w, p.Range, p.Plan) }
