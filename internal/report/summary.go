package report

import (
	"fmt"
	"html"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// summaryObjects caps the objects listed in the job summary; the report
// file has them all.
const summaryObjects = 200

// JobSummary is the job summary's Markdown: range and how it was chosen,
// counts, each request, the fallback decision, unmatched files, and the
// objects in a collapsed list.
func JobSummary(run Run) string {
	var b strings.Builder
	b.WriteString("## ccu-purge\n\n")
	if run.Plan == nil {
		if run.Report != nil && run.Report.Verify != nil {
			// verify --report: a verification of an earlier purge, no plan.
			verifySection(&b, run.Report.Verify)
			return b.String()
		}
		fmt.Fprintf(&b, "**Failed before planning:** %s\n", code(oneLine(fmt.Sprint(run.Err))))
		return b.String()
	}
	p, rng := run.Plan, run.Range
	fmt.Fprintf(&b, "**Range:** %s..%s, from %s", code(short(rng.From, "unknown")), code(short(rng.To, "")), code(rng.Source))
	if rng.Reason != "" {
		fmt.Fprintf(&b, " (%s)", html.EscapeString(rng.Reason))
	}
	b.WriteString("\n\n")
	fmt.Fprintf(&b, "**Result:** %s\n\n", outcome(run))
	if p.Fallback.Used {
		fmt.Fprintf(&b, "**Fallback:** %s\n\n", html.EscapeString(p.Fallback.Reason))
	}
	requestTable(&b, run.Report)
	if len(p.Unmatched) > 0 {
		fmt.Fprintf(&b, "**Unmatched files (%d), not purged:** %s\n\n", len(p.Unmatched), codeList(p.Unmatched, 20))
	}
	for _, m := range p.Submodules {
		fmt.Fprintf(&b, "**Submodule:** %s %s\n\n", html.EscapeString(m.String()), covered(m))
	}
	if run.Report != nil && run.Report.Verify != nil {
		verifySection(&b, run.Report.Verify)
	}
	objectList(&b, run)
	return b.String()
}

func outcome(run Run) string {
	r := run.Report
	switch {
	case r == nil:
		return "not sent: " + html.EscapeString(oneLine(fmt.Sprint(run.Err)))
	case r.DryRun:
		return fmt.Sprintf("dry run, %d object(s) in %d request(s) would be purged", len(r.NotPurged), len(r.Batches))
	case len(r.NotPurged) > 0:
		return fmt.Sprintf("❌ %d object(s) purged, **%d NOT purged**", len(r.Purged), len(r.NotPurged))
	case len(r.Batches) == 0:
		return "nothing to purge"
	}
	return fmt.Sprintf("✅ %d object(s) purged in %d request(s)", len(r.Purged), len(r.Batches))
}

func requestTable(b *strings.Builder, rep *Report) {
	if rep == nil || len(rep.Batches) == 0 {
		return
	}
	b.WriteString("| batch | type | objects | status | purgeId | supportId |\n|---|---|---:|---|---|---|\n")
	for _, r := range rep.Batches {
		status := "dry run"
		switch {
		case r.Error != "":
			status = "❌ " + html.EscapeString(oneLine(r.Error))
		case r.HTTPStatus != 0:
			status = fmt.Sprintf("%d %s", r.HTTPStatus, r.Status)
		}
		fmt.Fprintf(b, "| %d%s | %s | %d | %s | %s | %s |\n", r.Index, paren(part(r.Part, r.Parts, r.SplitAfter)), r.Type, len(r.Objects), strings.ReplaceAll(status, "|", "\\|"), code(r.PurgeID), code(r.SupportID))
	}
	b.WriteString("\n")
}

func objectList(b *strings.Builder, run Run) {
	var objs []string
	for _, batch := range run.Plan.Batches {
		objs = append(objs, batch.Objects...)
	}
	if len(objs) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>Objects (%d)</summary>\n\n", len(objs))
	for i, o := range objs {
		if i == summaryObjects {
			fmt.Fprintf(b, "- … and %d more (see the report file)\n", len(objs)-summaryObjects)
			break
		}
		fmt.Fprintf(b, "- %s\n", code(o))
	}
	b.WriteString("\n</details>\n")
}

// code shows a value verbatim: HTML-escaped in <code>, since a file name
// may hold backticks or Markdown.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "<code>" + html.EscapeString(s) + "</code>"
}

func codeList(xs []string, n int) string {
	var parts []string
	for i, x := range xs {
		if i == n {
			parts = append(parts, fmt.Sprintf("and %d more", len(xs)-n))
			break
		}
		parts = append(parts, code(x))
	}
	return strings.Join(parts, ", ")
}

func short(sha, empty string) string {
	if sha == "" {
		return empty
	}
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// summaryVerified caps the stale and unknown URLs listed in the job
// summary; the report file has them all, and fresh ones are only counted.
const summaryVerified = 50

// verifySection is the verification: its counts and a table of the URLs
// not judged fresh, with the evidence a reader checks first.
func verifySection(b *strings.Builder, v *verify.Verification) {
	fmt.Fprintf(b, "### Verification\n\n**%s**\n\n", html.EscapeString(VerifyCounts(v)))
	if v.Error != "" {
		fmt.Fprintf(b, "**Stopped early:** %s\n\n", cell(v.Error))
	}
	rows := notFresh(v.Results)
	if len(rows) == 0 {
		return
	}
	b.WriteString("| URL | result | diagnosis | X-Cache | Age |\n|---|---|---|---|---:|\n")
	for i, r := range rows {
		if i == summaryVerified {
			fmt.Fprintf(b, "\n… and %d more (see the report)\n", len(rows)-summaryVerified)
			break
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", codeCell(r.URL), verdictCell(r.Result, v.OnStale), diagnosisCell(r), codeCell(r.Evidence.XCache), age(r.Evidence.Age))
	}
	b.WriteString("\n")
}

// verdictCell marks a stale URL as the failure it is under on_stale: fail,
// a warning otherwise.
func verdictCell(v verify.Verdict, onStale string) string {
	switch {
	case v == verify.Stale && onStale == OnStaleFail:
		return "❌ stale"
	case v == verify.Stale:
		return "⚠️ stale"
	}
	return "❔ unknown"
}

func diagnosisCell(r verify.Result) string {
	s := cell(r.Diagnosis)
	if r.Hint != "" {
		s += "<br>hint: " + cell(r.Hint)
	}
	return s
}

// cell is text for a table cell: HTML-escaped, on one line, its pipes
// escaped so they do not end the cell.
func cell(s string) string {
	return strings.ReplaceAll(html.EscapeString(oneLine(s)), "|", "\\|")
}

// codeCell is code for a table cell: a pipe in a URL would end the cell
// even inside <code>.
func codeCell(s string) string { return strings.ReplaceAll(code(oneLine(s)), "|", "\\|") }

func age(seconds int) string {
	if seconds == 0 {
		return ""
	}
	return strconv.Itoa(seconds)
}
