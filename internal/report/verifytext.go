package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// VerifyLine is the line printed as a URL is judged: a fresh one with the
// check that decided it, a stale or unknown one with how long it was
// tried and why it is not fresh.
//
//	fresh  https://www.example.com/  (content, 1 attempt, 0.1s)
//	STALE  https://www.example.com/a.html  after 5 attempts in 60s: …
func VerifyLine(r verify.Result) string {
	if r.Result == verify.Fresh {
		by := decidedBy(r)
		if by != "" {
			by += ", "
		}
		return fmt.Sprintf("fresh  %s  (%s%s, %s)", r.URL, by, count(r.Attempts, "attempt"), seconds(r.Seconds))
	}
	line := fmt.Sprintf("%s  %s  after %s in %s", verdictWord(r.Result), r.URL, count(r.Attempts, "attempt"), seconds(r.Seconds))
	if r.Diagnosis != "" {
		line += ": " + oneLine(r.Diagnosis)
	}
	return line
}

// verdictWord is how text shows a verdict: STALE in capitals, so it stands
// out among the fresh lines, as NOT SENT and FAILED do in Sent's.
func verdictWord(v verify.Verdict) string {
	switch v {
	case verify.Fresh:
		return "fresh"
	case verify.Stale:
		return "STALE"
	}
	return "unknown"
}

// decidedBy names the strongest check that found the URL fresh; a status
// check says which status (a 404 for a deleted file).
func decidedBy(r verify.Result) string {
	for _, c := range r.Checks {
		if c.Result != verify.Fresh {
			continue
		}
		if c.Name == verify.CheckStatus && r.Evidence.Status != 0 {
			return fmt.Sprintf("status %d", r.Evidence.Status)
		}
		return c.Name
	}
	return ""
}

// seconds is a duration in seconds to a tenth: 0.1s, 12.3s, 60s.
func seconds(s float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(s, 'f', 1, 64), ".0") + "s"
}

// VerifySummary writes what closes a verification: each stale, then each
// unknown URL with its diagnosis and hint, why it stopped early if it did,
// and the counts, the last line:
//
//	Verified 12 of 40 URL(s) (sample 10%): 11 fresh, 1 stale, 0 unknown.
func VerifySummary(w io.Writer, v *verify.Verification) {
	bad := notFresh(v.Results)
	if len(bad) > 0 {
		// A heading keeps the list apart from the lines printed as the
		// edge answered, which it repeats with what to do.
		fmt.Fprintf(w, "Not fresh (%d of %d):\n", len(bad), len(v.Results))
	}
	for _, r := range bad {
		fmt.Fprintln(w, "  "+VerifyLine(r))
		if r.Hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", oneLine(r.Hint))
		}
	}
	if v.Error != "" {
		fmt.Fprintf(w, "Verification stopped early: %s\n", oneLine(v.Error))
	}
	fmt.Fprintln(w, VerifyCounts(v)+".")
}

// notFresh are the stale results, then the unknown ones: the stale are
// what a reader acts on first.
func notFresh(results []verify.Result) []verify.Result {
	out := withVerdict(results, verify.Stale)
	for _, r := range results {
		if r.Result != verify.Fresh && r.Result != verify.Stale {
			out = append(out, r)
		}
	}
	return out
}

// VerifyCounts is the verification in one line, without a final period:
// "Verified 12 of 40 URL(s) (sample 10%): 11 fresh, 1 stale, 0 unknown".
// With on_stale fail, stale URLs are worded as the failure they are.
func VerifyCounts(v *verify.Verification) string {
	s := v.Summary
	sample := ""
	if v.Sample != "" {
		sample = fmt.Sprintf(" (sample %s)", v.Sample)
	}
	stale := fmt.Sprintf("%d stale", s.Stale)
	if s.Stale > 0 && v.OnStale == OnStaleFail {
		stale = fmt.Sprintf("%d STALE (failed: on_stale: fail)", s.Stale)
	}
	return fmt.Sprintf("Verified %d of %d URL(s)%s: %d fresh, %s, %d unknown", s.Checked, s.Of, sample, s.Fresh, stale, s.Unknown)
}

// evidenceLines are what the edge (and the origin) answered, one
// "Name: value" a line, only what was seen; the JUnit failure's text.
func evidenceLines(e verify.Evidence) []string {
	out := fieldLines([][2]string{
		{"Status", strconv.Itoa(e.Status)}, {"X-Cache", e.XCache}, {"Akamai-Cache-Status", e.CacheStatus},
		{"Cache key", e.CacheKey}, {"CP code", strconv.FormatInt(e.CPCode, 10)}, {"Request ID", e.RequestID},
		{"Age", strconv.Itoa(e.Age)}, {"ETag", e.ETag}, {"Last-Modified", e.LastModified},
		{"Content-Length", strconv.FormatInt(e.ContentLength, 10)},
		{"Body SHA-256", e.BodySHA256}, {"Deployed SHA-256", e.WantSHA256},
	})
	if e.WantSHA256 != "" && e.BodySHA256 != e.WantSHA256 && e.FirstDiff >= 0 {
		out = append(out, fmt.Sprintf("First difference at byte %d", e.FirstDiff))
	}
	return append(out, fieldLines([][2]string{
		{"Origin status", strconv.Itoa(e.OriginStatus)}, {"Origin ETag", e.OriginETag},
		{"Origin Last-Modified", e.OriginLastModified}, {"Origin SHA-256", e.OriginSHA256},
		{"Redirect not followed", e.Redirect}, {"Error", e.Error},
	})...)
}

// fieldLines are "Name: value" lines of the fields that hold something
// (a zero number is a header not sent).
func fieldLines(fields [][2]string) []string {
	var out []string
	for _, f := range fields {
		if f[1] != "" && f[1] != "0" {
			out = append(out, f[0]+": "+oneLine(f[1]))
		}
	}
	return out
}

// VerifyNotes are the lines before a verification asks anything: how
// many accepted objects (CP codes, tags) name no URL to check, and, when
// no URL was picked and no such object explains why, that there is
// nothing to check.
func VerifyNotes(w io.Writer, unverifiable, picked int) {
	if unverifiable > 0 {
		fmt.Fprintf(w, "Verify: %d object(s) purged by CP code or tag name no URL to check.\n", unverifiable)
	}
	if picked == 0 && unverifiable == 0 {
		fmt.Fprintln(w, "Verify: no URL to check.")
	}
}

// VerifyStart is the line as the edge is first asked: picked of the
// targets, and the sample's name.
func VerifyStart(w io.Writer, picked, of int, sample string) {
	fmt.Fprintf(w, "Verifying %d of %d URL(s) through the edge (sample %s)...\n", picked, of, sample)
}

// Judging is the status line while the edge is asked.
func Judging(judged, picked int, elapsed time.Duration) string {
	return fmt.Sprintf("verifying: %d of %d URL(s) judged, %s", judged, picked, elapsed.Round(time.Second))
}

// EdgeWait is the line before waiting for the purges to reach the edge
// (Report.EdgeReady).
func EdgeWait(wait time.Duration) string {
	return fmt.Sprintf("Waiting %v for the purges to reach the edge (their estimatedSeconds) before verifying...", wait)
}

// ReachingEdge is the status line of the wait EdgeWait announces.
func ReachingEdge(elapsed, wait time.Duration) string {
	return fmt.Sprintf("waiting for the purges to reach the edge: %s of %s", elapsed.Round(time.Second), wait)
}
