package report

import (
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// TestPlanNamesEachChangesSignal: a plan of two signals says which one
// found each change; a git-diff plan says nothing of signals.
func TestPlanNamesEachChangesSignal(t *testing.T) {
	var b strings.Builder
	Plan(&b, plan.Range{From: "a", To: "b", Source: "flags"}, &plan.Plan{Changes: []diff.Change{
		{Status: diff.Modified, Path: "public/a.html", Signal: "output"},
		{Status: diff.Added, Path: "static/logo.svg", Signal: "git"},
		{Status: diff.Modified, Path: "plain.html"},
	}})
	for _, want := range []string{`M "public/a.html"  (output)`, `A "static/logo.svg"  (git)`, "M \"plain.html\"\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("plan lacks %q:\n%s", want, b.String())
		}
	}
}
