package report

import (
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// ObjectsPlan writes an ad-hoc plan (plan.FromObjects) for a person:
// where its objects came from and each batch, with no range or changes.
func ObjectsPlan(w io.Writer, rng plan.Range, p *plan.Plan) {
	fmt.Fprintf(w, "Objects: %d, %s\n", p.ObjectCount(), rng.Reason)
	batches(w, p, false)
}

// PlanOf writes any plan for a person: an ad-hoc one (ObjectsPlan) or a
// range's (Plan, or QuietPlan when quiet).
func PlanOf(w io.Writer, rng plan.Range, p *plan.Plan, quiet bool) {
	if rng.Source == plan.SourceObjects {
		ObjectsPlan(w, rng, p)
		return
	}
	PlanText(quiet)(w, rng, p)
}
