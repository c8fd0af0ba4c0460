package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// TestTargets: the URL and ARL objects of accepted requests, once each,
// with their batch and action; a failed request's objects, CP codes and
// tags are not targets, and Unverifiable names the accepted ones that
// cannot be sampled.
func TestTargets(t *testing.T) {
	t.Parallel()
	urls := fast(purge.URL, url("a.html"), url("b.html"))
	arls := v2(purge.ARL, "/L/1/12345/1d/www.example.com/x.html", "http://a1.g.akamai.net/7/1/67890/1h/cdn.example.com/", "/L/1/bad/1d/h/x", url("a.html"))
	arls.Type = purge.ARL
	failed := fast(purge.URL, url("failed.html"))
	tags := fast(purge.Tag, "blog")
	cps := fast(purge.CPCode, "12345")
	p := &plan.Plan{Batches: []purge.Batch{urls, arls, failed, tags, cps}}
	r := New(p, []ccu.Sent{accepted(0, urls, "p1"), accepted(1, arls, "p2"),
		{Batch: 2, Request: failed, Attempts: 1, Err: errors.New("HTTP 500")}, accepted(3, tags, "p4"), accepted(4, cps, "p5")}, false)
	want := []verify.Target{
		{URL: url("a.html"), Batch: 1, Action: purge.Invalidate},
		{URL: url("b.html"), Batch: 1, Action: purge.Invalidate},
		{URL: "https://www.example.com/x.html", Batch: 2, Action: purge.Delete, CPCodes: []int64{12345}},
		{URL: "https://cdn.example.com/", Batch: 2, Action: purge.Delete, CPCodes: []int64{67890}},
	}
	if d := cmp.Diff(want, r.Targets()); d != "" {
		t.Errorf("Targets (-want +got):\n%s", d)
	}
	wantUn := []Object{{purge.ARL, "/L/1/bad/1d/h/x"}, {purge.ARL, url("a.html")}, {purge.Tag, "blog"}, {purge.CPCode, "12345"}}
	if d := cmp.Diff(wantUn, r.Unverifiable()); d != "" {
		t.Errorf("Unverifiable (-want +got):\n%s", d)
	}
	dry := New(p, []ccu.Sent{{Batch: 0, Request: urls}}, true)
	if got := dry.Targets(); len(got) != 0 {
		t.Errorf("a dry run's targets = %v, want none: nothing was purged", got)
	}
}

// TestReadReport: a report reads back as written, verification and
// acceptedAt included; anything else is refused with what to pass.
func TestReadReport(t *testing.T) {
	t.Parallel()
	r, _ := verifiedRun("v", "all", "fail", trapped(url("about/"))).build()
	var js bytes.Buffer
	if err := JSON(&js, r); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReport(js.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(r.Verify, got.Verify); d != "" || got.AcceptedAt != r.AcceptedAt || len(got.Batches) != len(r.Batches) {
		t.Errorf("read back: verify (-wrote +read):\n%s\nacceptedAt %q, %d batches", d, got.AcceptedAt, len(got.Batches))
	}
	if d := cmp.Diff(r.Targets(), got.Targets()); d != "" {
		t.Errorf("targets of the report read back (-wrote +read):\n%s", d)
	}
	at, err := got.PurgedAt()
	if err != nil || at.Format("2006-01-02T15:04:05Z07:00") != "2026-12-02T05:00:00Z" {
		t.Errorf("PurgedAt = %v, %v", at, err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"a plan", `{"from": "a", "to": "b", "range": {}}`, `not a ccu-purge report (it has no "batches")`},
		{"null", `null`, `no "batches"`},
		{"an array", `[1]`, "not a ccu-purge report (json: cannot unmarshal array"},
		{"not JSON", `from: a`, "not a ccu-purge report (invalid character"},
		{"a bad batch", `{"batches": [{"batch": "one"}]}`, "read report: json: cannot unmarshal"},
		{"a bad time", `{"batches": [], "acceptedAt": "yesterday"}`, `acceptedAt "yesterday" is not an RFC 3339 time`},
	} {
		if _, err := ReadReport([]byte(tc.data)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadReport err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestVerifyErr: only on_stale fail with a stale URL fails the run,
// naming the count and the first stale URL.
func TestVerifyErr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		v       *verify.Verification
		wantErr string
	}{
		{"no verification", nil, ""},
		{"warn", &verify.Verification{OnStale: "warn", Results: []verify.Result{trapped(url("a"))}}, ""},
		{"fail, all fresh", &verify.Verification{OnStale: "fail", Results: []verify.Result{freshContent(url("a"))}}, ""},
		{"fail, unknown only", &verify.Verification{OnStale: "fail", Results: []verify.Result{noEvidence(url("a"))}}, ""},
		{"fail, stale", &verify.Verification{OnStale: "fail", Results: []verify.Result{freshContent(url("a")), originLag(url("b")), trapped(url("c"))}},
			"stale after purge: 2 of 3 URL(s) checked still stale, first https://www.example.com/b (the origin is not updated yet"},
	} {
		err := (&Report{Verify: tc.v}).VerifyErr()
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: VerifyErr = %v, want nil", tc.name, err)
		case tc.wantErr != "" && (!errors.Is(err, ErrStale) || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("%s: VerifyErr = %v, want ErrStale with %q", tc.name, err, tc.wantErr)
		}
	}
}

// TestVerifyLine: each verdict's line, and the check a fresh one names.
func TestVerifyLine(t *testing.T) {
	t.Parallel()
	noChecks := freshContent(url("n"))
	noChecks.Checks, noChecks.Seconds = nil, 12.34
	for _, tc := range []struct {
		r    verify.Result
		want string
	}{
		{freshContent(url("a")), "fresh  https://www.example.com/a  (content, 1 attempt, 0.1s)"},
		{goneFresh(url("gone")), "fresh  https://www.example.com/gone  (status 404, 2 attempts, 5s)"},
		{noChecks, "fresh  https://www.example.com/n  (1 attempt, 12.3s)"},
		{originLag(url("b")), "STALE  https://www.example.com/b  after 4 attempts in 31.5s: the origin is not updated yet: it serves the same old file as the edge"},
		{verify.Result{URL: url("c"), Result: "", Attempts: 1}, "unknown  https://www.example.com/c  after 1 attempt in 0s"},
	} {
		if got := VerifyLine(tc.r); got != tc.want {
			t.Errorf("VerifyLine =\n%s\nwant\n%s", got, tc.want)
		}
	}
}

// manyStale is a verification of n stale URLs and one fresh.
func manyStale(n int, onStale string) *verify.Verification {
	results := []verify.Result{freshContent(url("fresh"))}
	for i := range n {
		results = append(results, trapped(url(fmt.Sprintf("%03d|x.html", i))))
	}
	return &verify.Verification{Summary: verify.Summarize(results, n+1), Sample: "all", OnStale: onStale, Results: results}
}

// TestVerifyCaps: the job summary lists at most 50 stale URLs and the
// annotations 10, each with a line for the rest; fresh ones are counted,
// never listed; a pipe in a URL does not break the table.
func TestVerifyCaps(t *testing.T) {
	t.Parallel()
	v := manyStale(60, "warn")
	md := JobSummary(Run{Plan: &plan.Plan{}, Report: &Report{Verify: v}})
	if rows := strings.Count(md, "| ⚠️ stale |"); rows != 50 {
		t.Errorf("the job summary lists %d stale URLs, want 50", rows)
	}
	if !strings.Contains(md, "… and 10 more (see the report)") || strings.Contains(md, url("fresh")) {
		t.Errorf("the job summary does not end its list with the rest, or lists a fresh URL:\n%s", md)
	}
	if !strings.Contains(md, `<code>https://www.example.com/000\|x.html</code>`) {
		t.Errorf("a pipe in a URL is not escaped in the table:\n%s", md)
	}
	as := Annotations(Run{Report: &Report{Verify: v}}, "", "")
	if len(as) != 11 || as[10].Msg != "50 more URL(s) still stale after the purge; the log and the report list all" {
		t.Fatalf("annotations: %d, last %+v; want 10 and one for the 50 more", len(as), as[len(as)-1])
	}
	for _, onStale := range []string{"warn", "fail"} {
		want := map[string]Level{"warn": Warning, "fail": Error}[onStale]
		for _, a := range Annotations(Run{Report: &Report{Verify: manyStale(2, onStale)}}, "", "") {
			if a.Level != want {
				t.Errorf("on_stale %s: annotation level %s, want %s", onStale, a.Level, want)
			}
		}
	}
}

// TestJUnitVerify: the verify suite counts a case per URL, a failure per
// stale one and a skip per unknown one, and the root sums both suites;
// odd characters in the evidence still give XML.
func TestJUnitVerify(t *testing.T) {
	t.Parallel()
	odd := trapped(url("x"))
	odd.Evidence.XCache, odd.Diagnosis = "TCP_HIT\x1b\xff", "bad\x00byte"
	results := []verify.Result{freshContent(url("a")), odd, noEvidence(url("u")), goneFresh(url("g"))}
	r := &Report{Verify: &verify.Verification{Summary: verify.Summarize(results, 9), OnStale: "warn", Results: results}}
	data, err := JUnit(r)
	if err != nil {
		t.Fatal(err)
	}
	var f junitFile
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("the JUnit file is not XML: %v\n%s", err, data)
	}
	if len(f.Suites) != 2 {
		t.Fatalf("%d suites, want the requests and verify", len(f.Suites))
	}
	s := f.Suites[1]
	if s.Tests != 4 || s.Failures != 1 || s.Skipped != 1 || f.Tests != 5 || f.Failures != 1 || f.Skipped != 1 {
		t.Errorf("verify suite %d tests, %d failures, %d skipped; root %d, %d, %d; want 4, 1, 1 and 5, 1, 1",
			s.Tests, s.Failures, s.Skipped, f.Tests, f.Failures, f.Skipped)
	}
	if c := s.Cases[1]; c.Failure == nil || c.Failure.Type != "stale" || !strings.Contains(c.Failure.Text, "hint: purge with action: delete") {
		t.Errorf("the stale case = %+v, want a stale failure with the hint", c)
	}
}

// TestJobSummaryVerifyOnly: verify --report has a report but no plan; its
// summary is the verification, not "failed before planning".
func TestJobSummaryVerifyOnly(t *testing.T) {
	t.Parallel()
	md := JobSummary(Run{Report: &Report{Verify: manyStale(1, "fail")}})
	want := "## ccu-purge\n\n### Verification\n\n**Verified 2 of 2 URL(s) (sample all): 1 fresh, 1 STALE (failed: on_stale: fail), 0 unknown**\n\n"
	if !strings.HasPrefix(md, want) || !strings.Contains(md, "| ❌ stale |") || strings.Contains(md, "Failed before planning") {
		t.Errorf("job summary of verify --report:\n%s\nwant it to start with\n%s", md, want)
	}
}
