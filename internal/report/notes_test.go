package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// --quiet drops the objects of an ad-hoc plan too, as of a range's.
func TestAdhocQuietDropsObjects(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{Batches: []purge.Batch{fast(purge.URL, url("a.html"), url("b.html"))}}
	var buf bytes.Buffer
	PlanOf(&buf, plan.Range{Source: plan.SourceObjects, Reason: "named by --url; no config file, default settings"}, p, true)
	if strings.Contains(buf.String(), url("a.html")) {
		t.Errorf("quiet ad-hoc plan lists its objects:\n%s", buf.String())
	}
}

// cpcode_covers' notes ("N URLs dropped: CP code … is purged in this
// plan") are in the text plan that purge and plan print, quiet or not.
func TestTextPlanShowsNotes(t *testing.T) {
	t.Parallel()
	note := "7 URLs dropped: CP code 12345 (www.example.com) is purged in this plan"
	p := &plan.Plan{From: shaA, To: shaB, Batches: []purge.Batch{fast(purge.CPCode, "12345")}, Notes: []string{note}}
	for _, quiet := range []bool{false, true} {
		var buf bytes.Buffer
		PlanText(quiet)(&buf, plan.Range{From: shaA, To: shaB, Source: "flags"}, p)
		if !strings.Contains(buf.String(), note) {
			t.Errorf("quiet=%v: the text plan lacks the note %q:\n%s", quiet, note, buf.String())
		}
	}
}

// With unmatched: ignore the plan still lists the files but warns of
// none ("with ignore there is no warning", docs/config.md): the Action
// annotates nothing, and fail-on: warning does not fail on them.
func TestNoUnmatchedAnnotationWhenIgnored(t *testing.T) {
	t.Parallel()
	p := &plan.Plan{From: shaA, To: shaB, Unmatched: []string{"README.md"}, UnmatchedPolicy: "ignore", Batches: []purge.Batch{fast(purge.URL, url("a.html"))}}
	if Warned(p) {
		t.Error("fail-on: warning fails on files unmatched: ignore drops")
	}
	for _, a := range Annotations(Run{Plan: p}, ".ccu-purge.yml", "") {
		if strings.Contains(a.Msg, "README.md") {
			t.Errorf("unmatched: ignore still annotated: %+v", a)
		}
	}
}
