package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// longPlan is a range of 40 changes: 30 URLs in two requests, 6 files no
// rule covers, 4 ignored, so the lists a quiet plan drops are long.
func longPlan() *plan.Plan {
	var files, objs []string
	for i := range 30 {
		files = append(files, fmt.Sprintf("posts/%02d.html", i))
		objs = append(objs, url(fmt.Sprintf("posts/%02d.html", i)))
	}
	var unmatched, ignored []string
	for i := range 6 {
		unmatched = append(unmatched, fmt.Sprintf("scripts/%d.sh", i))
	}
	for i := range 4 {
		ignored = append(ignored, fmt.Sprintf("notes/%d.md", i))
	}
	return &plan.Plan{From: shaA, To: shaB, Changes: changed(append(append(files, unmatched...), ignored...)...),
		Unmatched: unmatched, Ignored: ignored,
		Batches:  []purge.Batch{fast(purge.URL, objs[:20]...), fast(purge.URL, objs[20:]...)},
		Warnings: []string{"6 changed file(s) no rule covers"}}
}

// TestGoldenQuietPlan: the text plan of a long range in full and with
// --quiet, and the quiet variant of a fallback plan; each ends with the
// summary line.
func TestGoldenQuietPlan(t *testing.T) {
	t.Parallel()
	var full, quiet bytes.Buffer
	Plan(&full, pushRange(), longPlan())
	QuietPlan(&quiet, pushRange(), longPlan())
	fb := fallback()
	QuietPlan(&quiet, fb.rng, fb.plan)
	golden(t, "quiet", "plan", full.Bytes())
	golden(t, "quiet", "plan-quiet", quiet.Bytes())
	if sum := PlanSummary(longPlan()) + "\n"; !strings.HasSuffix(full.String(), sum) || !strings.Contains(quiet.String(), sum) {
		t.Errorf("a plan, full or quiet, does not end with its summary %q", sum)
	}
}

// TestPlanSummary: the plan's one-line summary, plural or not, with and
// without a fallback of CP codes, cache tags or both.
func TestPlanSummary(t *testing.T) {
	t.Parallel()
	many := func(n int, f string) []string {
		var out []string
		for i := range n {
			out = append(out, fmt.Sprintf(f, i))
		}
		return out
	}
	for _, tc := range []struct {
		name string
		p    *plan.Plan
		want string
	}{
		{"the issue's range", &plan.Plan{Changes: changed(many(974, "f%d")...), Unmatched: many(2, "u%d"), Ignored: many(20, "i%d"),
			Batches: []purge.Batch{fast(purge.URL, many(500, "%d")...), fast(purge.URL, many(300, "%d")...), fast(purge.Tag, many(56, "%d")...)}},
			"974 changes → 856 objects in 3 requests (2 unmatched, 20 ignored, no fallback)"},
		{"one of each", &plan.Plan{Changes: changed("a.html"), Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{fast(purge.URL, "u")}},
			"1 change → 1 object in 1 request (0 unmatched, 0 ignored, no fallback)"},
		{"nothing", &plan.Plan{}, "0 changes → 0 objects in 0 requests (0 unmatched, 0 ignored, no fallback)"},
		{"threshold fallback to CP codes", &plan.Plan{Changes: changed(many(120, "f%d")...),
			Fallback: plan.Fallback{Used: true, Reason: "120 URLs exceed threshold 100: purging CP codes 1, 2 instead"},
			Batches:  []purge.Batch{fast(purge.CPCode, "1", "2")}},
			"120 changes → 2 objects in 1 request (0 unmatched, 0 ignored, fallback: 2 CP codes, 120 URLs exceed threshold 100)"},
		{"fallback to both", &plan.Plan{Changes: changed("a", "b"),
			Fallback: plan.Fallback{Used: true, Reason: "2 objects exceed max_objects 1: purging CP codes 9 and cache tags site instead"},
			Batches:  []purge.Batch{fast(purge.CPCode, "9"), fast(purge.Tag, "site")}},
			"2 changes → 2 objects in 2 requests (0 unmatched, 0 ignored, fallback: 1 CP code, 1 cache tag, 2 objects exceed max_objects 1)"},
		{"forced fallback, reason on one line", &plan.Plan{
			Fallback: plan.Fallback{Used: true, Reason: "the base commit is unknown (the push created\nthe branch), and on_unknown_base is cpcode"},
			Batches:  []purge.Batch{fast(purge.CPCode, "1", "2", "3")}},
			"0 changes → 3 objects in 1 request (0 unmatched, 0 ignored, fallback: 3 CP codes, the base commit is unknown (the push created the branch), and on_unknown_base is cpcode)"},
	} {
		if got := PlanSummary(tc.p); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}
