package report

import (
	"fmt"
	"html"
	"strings"
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
