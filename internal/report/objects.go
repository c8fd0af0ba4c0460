package report

import (
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// ObjectsPlan writes an ad-hoc plan (plan.FromObjects) for a person:
// where its objects came from, its notes and each batch (without the
// objects when quiet), with no range or changes, and a summary line.
func ObjectsPlan(w io.Writer, rng plan.Range, p *plan.Plan, quiet bool) {
	fmt.Fprintf(w, "Objects: %d, %s\n", p.ObjectCount(), rng.Reason)
	notes(w, p)
	batches(w, p, quiet)
	fmt.Fprintf(w, "%s in %s\n", count(p.ObjectCount(), "object"), count(len(p.Batches), "request"))
}

// PlanOf writes any plan for a person: an ad-hoc one (ObjectsPlan) or a
// range's (Plan, or QuietPlan when quiet).
func PlanOf(w io.Writer, rng plan.Range, p *plan.Plan, quiet bool) {
	if rng.Source == plan.SourceObjects {
		ObjectsPlan(w, rng, p, quiet)
		return
	}
	PlanText(quiet)(w, rng, p)
}
