package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Plan writes the plan for a person: range, changes, what no rule
// covered, what was ignored, the fallback decision and each batch's
// objects, then one summary line, so the last line of a long plan is the
// one to read.
func Plan(w io.Writer, rng plan.Range, p *plan.Plan) { textPlan(w, rng, p, false) }

// QuietPlan is Plan without the long lists (--quiet): no changes, no
// objects, no ignored files and only the first few unmatched ones; the
// range, submodules, fallback, each request's line and the summary stay.
func QuietPlan(w io.Writer, rng plan.Range, p *plan.Plan) { textPlan(w, rng, p, true) }

// PlanText is QuietPlan when quiet (--quiet), else Plan.
func PlanText(quiet bool) func(io.Writer, plan.Range, *plan.Plan) {
	if quiet {
		return QuietPlan
	}
	return Plan
}

// quietUnmatched is how many unmatched files a quiet plan still names:
// enough to see what kind of file the rules miss.
const quietUnmatched = 3

func textPlan(w io.Writer, rng plan.Range, p *plan.Plan, quiet bool) {
	from := rng.From
	if from == "" {
		from = "(unknown)"
	}
	fmt.Fprintf(w, "Range: %.12s..%.12s from %s\n", from, rng.To, rng.Source)
	if rng.Reason != "" {
		fmt.Fprintf(w, "  %s\n", rng.Reason)
	}
	if rng.Policy != "" {
		fmt.Fprintf(w, "  on_unknown_base: %s\n", rng.Policy)
	}
	outputStats(w, p)
	if !quiet {
		changes(w, p)
	}
	unmatchedFiles(w, p, quiet)
	if !quiet {
		ignored(w, p)
	}
	submodules(w, p.Submodules)
	if p.Fallback.Used {
		fmt.Fprintf(w, "Fallback: %s\n", p.Fallback.Reason)
	}
	notes(w, p)
	batches(w, p, quiet)
	fmt.Fprintln(w, PlanSummary(p))
}

// outputStats says, for a build-output plan, what the comparison with
// the last purged build found, and the volatility report when there is
// one (it explains why so much "changed").
func outputStats(w io.Writer, p *plan.Plan) {
	o := p.Output
	if o == nil {
		return
	}
	fmt.Fprintf(w, "Build output %s: %d files; %d added, %d changed, %d removed", o.Dir, o.Files, o.Added, o.Changed, o.Removed)
	if o.Immutable > 0 {
		fmt.Fprintf(w, ", %d fingerprinted (output.immutable: new URLs, not purged)", o.Immutable)
	}
	fmt.Fprintln(w)
	for _, warning := range p.Warnings {
		if strings.HasPrefix(warning, "volatility: ") || strings.HasPrefix(warning, "build output: ") {
			fmt.Fprintf(w, "Warning: %s\n", warning)
		}
	}
}

// notes says what the plan decided that changes no outcome (the URLs a
// purged CP code covers, left out).
func notes(w io.Writer, p *plan.Plan) {
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}

// changes lists the diff.
func changes(w io.Writer, p *plan.Plan) {
	fmt.Fprintf(w, "Changes (%d):\n", len(p.Changes))
	for _, c := range p.Changes {
		if c.OldPath != "" {
			fmt.Fprintf(w, "  %s %q -> %q%s\n", c.Status, c.OldPath, c.Path, signal(c.Signal))
			continue
		}
		fmt.Fprintf(w, "  %s %q%s\n", c.Status, c.Path, signal(c.Signal))
	}
}

// signal says, in a plan of two signals, which one found a change.
func signal(s string) string {
	if s == "" {
		return ""
	}
	return "  (" + s + ")"
}

// unmatchedFiles lists what no rule covered; quiet, only the first few, as a
// sample of what the rules miss.
func unmatchedFiles(w io.Writer, p *plan.Plan, quiet bool) {
	if len(p.Unmatched) == 0 {
		return
	}
	fmt.Fprintf(w, "Unmatched, not purged (%d): no rule covers them\n", len(p.Unmatched))
	shown := p.Unmatched
	if quiet && len(shown) > quietUnmatched {
		shown = shown[:quietUnmatched]
	}
	for _, u := range shown {
		fmt.Fprintf(w, "  %q\n", u)
	}
	if n := len(p.Unmatched) - len(shown); n > 0 {
		fmt.Fprintf(w, "  and %d more (the plan without --quiet lists them)\n", n)
	}
}

// ignored lists the changed files an ignore glob dropped, so a glob
// that drops too much shows in the plan.
func ignored(w io.Writer, p *plan.Plan) {
	if len(p.Ignored) == 0 {
		return
	}
	fmt.Fprintf(w, "Ignored, not purged (%d): an ignore glob drops them\n", len(p.Ignored))
	for _, f := range p.Ignored {
		fmt.Fprintf(w, "  %q\n", f)
	}
}

func batches(w io.Writer, p *plan.Plan, quiet bool) {
	if len(p.Batches) == 0 {
		fmt.Fprintln(w, "Nothing to purge.")
		return
	}
	fmt.Fprintf(w, "Batches (%d, %d objects):\n", len(p.Batches), p.ObjectCount())
	for i, b := range p.Batches {
		fmt.Fprintf(w, "  %d. %s\n", i+1, describe(b))
		if quiet {
			continue
		}
		for _, o := range b.Objects {
			fmt.Fprintf(w, "     %s\n", o)
		}
	}
}

// PlanSummary is the plan in one line, the text plan's last: 974 changes
// → 856 objects in 3 requests (2 unmatched, 20 ignored, no fallback).
// With a fallback, it says what is purged instead and why: (…, fallback:
// 2 CP codes, 120 URLs exceed threshold 100).
func PlanSummary(p *plan.Plan) string {
	return fmt.Sprintf("%s → %s in %s (%d unmatched, %d ignored, %s)",
		count(len(p.Changes), "change"), count(p.ObjectCount(), "object"), count(len(p.Batches), "request"),
		len(p.Unmatched), len(p.Ignored), fallbackSummary(p))
}

// fallbackSummary is "no fallback", or what the fallback purges and the
// limit that fired: the reason up to its ": purging … instead", on one line.
func fallbackSummary(p *plan.Plan) string {
	if !p.Fallback.Used {
		return "no fallback"
	}
	var what []string
	for _, k := range []purge.Kind{purge.CPCode, purge.Tag} {
		if n := countKind(p, k); n > 0 {
			what = append(what, count(n, kindNames[k]))
		}
	}
	why, _, _ := strings.Cut(p.Fallback.Reason, ": purging ")
	why = strings.Join(strings.Fields(why), " ")
	return "fallback: " + strings.Join(append(what, why), ", ")
}

// kindNames name the objects a fallback purges, in the singular.
var kindNames = map[purge.Kind]string{purge.CPCode: "CP code", purge.Tag: "cache tag"}

// countKind counts the plan's objects of kind k.
func countKind(p *plan.Plan, k purge.Kind) int {
	n := 0
	for _, b := range p.Batches {
		if b.Type == k {
			n += len(b.Objects)
		}
	}
	return n
}

// count is n and noun, plural unless n is 1: 1 request, 3 requests.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// submodules lists the submodules the range moved: their files are
// not in the diff, so the plan says which moved, whether the fallback
// purges them and, when it does not, the fix (the plan's own warning
// says the same; the text plan does not print warnings, whose unmatched
// list it already shows).
func submodules(w io.Writer, subs []plan.Submodule) {
	if len(subs) == 0 {
		return
	}
	fmt.Fprintf(w, "Submodules moved (%d): their files changed in another repository, which the diff does not read\n", len(subs))
	for _, m := range subs {
		fmt.Fprintf(w, "  %s %s\n", m, covered(m))
	}
	if uncovered(subs) {
		fmt.Fprintln(w, "Warning: a submodule's files are not purged (submodules: warn): set submodules: cpcode with cpcodes: to purge the CP codes instead, or ignore: a submodule that serves nothing")
	}
}

func covered(m plan.Submodule) string {
	if m.Covered {
		return "(purged by the fallback)"
	}
	return "(its files are NOT purged)"
}

// uncovered reports a moved submodule whose files no fallback purges.
func uncovered(subs []plan.Submodule) bool {
	return slices.ContainsFunc(subs, func(m plan.Submodule) bool { return !m.Covered })
}

func describe(b purge.Batch) string {
	s := fmt.Sprintf("%s %s %s on %s, %d object(s)", b.API, b.Action, b.Type, b.Network, len(b.Objects))
	if b.Queue != "" {
		s += ", queue " + string(b.Queue)
	}
	return s
}

// Sent writes how one request of a plan of total batches ended, as it
// ends: sent and accepted, failed, or never sent.
func Sent(w io.Writer, total int, s ccu.Sent) {
	fmt.Fprintf(w, "Batch %d/%d%s: %s\n", s.Batch+1, total, paren(part(s.Part, s.Parts, s.SplitAfter)), describe(s.Request))
	switch {
	case s.Err != nil && s.Attempts == 0:
		fmt.Fprintf(w, "  NOT SENT: %v\n", s.Err)
	case s.Err != nil:
		fmt.Fprintf(w, "  FAILED after %d attempt(s): %v\n", s.Attempts, s.Err)
	case s.Result.HTTPStatus != 0 && s.Attempts > 1:
		fmt.Fprintf(w, "  accepted after %d attempts: HTTP %d, purgeId %s, supportId %s, estimated %ds\n", s.Attempts, s.Result.HTTPStatus, s.Result.PurgeID, s.Result.SupportID, s.Result.EstimatedSeconds)
	case s.Result.HTTPStatus != 0:
		fmt.Fprintf(w, "  accepted: HTTP %d, purgeId %s, supportId %s, estimated %ds\n", s.Result.HTTPStatus, s.Result.PurgeID, s.Result.SupportID, s.Result.EstimatedSeconds)
	}
}

// part names a request of a split batch ("part 1 of 3, split after HTTP
// 403"), the same words in every output; "" for a batch sent whole.
func part(n, of int, after string) string {
	if of == 0 {
		return ""
	}
	s := fmt.Sprintf("part %d of %d", n, of)
	if after != "" {
		s += ", split after " + after
	}
	return s
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// Retry writes the line of a request that failed and will be sent again:
// which, the attempt, why, when, and how much of the time budget is left.
func Retry(w io.Writer, total int, e ccu.RetryEvent) {
	what := fmt.Sprintf("Batch %d/%d", e.Batch+1, total)
	if e.SplitAfter != "" {
		what += fmt.Sprintf(" (a part of %d object(s), split after %s)", len(e.Request.Objects), e.SplitAfter)
	}
	left := ""
	if e.Left > 0 {
		left = fmt.Sprintf(", %s of the time budget left", e.Left.Round(time.Second))
	}
	fmt.Fprintf(w, "%s: attempt %d failed (%s); retrying in %s%s\n", what, e.Attempt, e.Reason, e.Delay.Round(100*time.Millisecond), left)
}

// SentText is Sent's lines as one string, for a writer shared by
// goroutines (progress.Writer.Text).
func SentText(total int, s ccu.Sent) string {
	var b strings.Builder
	Sent(&b, total, s)
	return b.String()
}

// RetryText is Retry's line as one string.
func RetryText(total int, e ccu.RetryEvent) string {
	var b strings.Builder
	Retry(&b, total, e)
	return b.String()
}

// Submitting is the status line while requests are out: how many of the
// plan's batches have ended, and what the requests wait for (w): one of
// Akamai's rate buckets to refill, or an answer slow to come.
func Submitting(ended, total int, elapsed time.Duration, w ccu.Waiting) string {
	s := fmt.Sprintf("still purging: %d of %d batch(es) done, %s elapsed", ended, total, elapsed.Round(time.Second))
	if name, ok := bucketWords[w.Bucket]; ok && w.Refill > 0 {
		s += fmt.Sprintf("; waiting about %s for Akamai's %s rate limit to refill", max(w.Refill.Round(time.Second), time.Second), name)
	}
	if w.Answer >= SlowAnswer {
		s += fmt.Sprintf("; batch %d has waited %s for Akamai's answer (a purge is not sent again while it may still be accepted)", w.Batch+1, w.Answer.Round(time.Second))
	}
	return s
}

// SlowAnswer is how long a request waits for its answer before the status
// line says so: Fast Purge answers within a second or two.
const SlowAnswer = 5 * time.Second

// bucketWords name Fast Purge's rate buckets as Akamai's documentation does.
var bucketWords = map[string]string{"requests": "request", "url": "URL", "cpcode": "CP code", "tag": "cache tag"}

// Delaying is the status line of --delay's wait.
func Delaying(elapsed, delay time.Duration) string {
	return fmt.Sprintf("waiting before purging (--delay): %s of %s", elapsed.Round(time.Second), delay)
}

// WouldPost writes what a dry run would send for b: the API path and the
// size of the request body.
func WouldPost(w io.Writer, b purge.Batch, path string, body []byte) {
	fmt.Fprintf(w, "  dry run: would POST %s (%s, %d bytes)\n", path, count(len(b.Objects), "object"), len(body))
}

// Explain writes explain's answer for each path: the rule that took it
// (with file:line:col), what it purges, or why nothing.
func Explain(w io.Writer, paths []mapper.Explanation) {
	for i, x := range paths {
		if i > 0 {
			fmt.Fprintln(w)
		}
		head := fmt.Sprintf("%q: %s", x.Path, x.Status)
		if x.Rule > 0 {
			head += fmt.Sprintf(" by rule %d", x.Rule)
			if x.RuleName != "" {
				head += fmt.Sprintf(" (%q)", x.RuleName)
			}
		}
		if x.At != "" {
			head += " at " + x.At
		}
		fmt.Fprintln(w, head)
		fmt.Fprintf(w, "  %s\n", x.Reason)
		for _, ob := range x.Objects {
			fmt.Fprintf(w, "  %-6s %s\n", ob.Kind, ob.Value)
		}
	}
}

// PlanDoc is the JSON document of plan --output json: the plan with the
// range it covers and how that was chosen.
type PlanDoc struct {
	Range plan.Range `json:"range"`
	*plan.Plan
}

// Explained is the JSON document of explain --output json: the config
// read and what each path meets.
type Explained struct {
	Config string               `json:"config"`
	Paths  []mapper.Explanation `json:"paths"`
}

// Status writes what `ccu-purge status` prints: a CCU v2 purge's status,
// its times, when to ask again while it is not Done, and the supportId.
func Status(w io.Writer, st ccu.PurgeStatus) {
	fmt.Fprintf(w, "purge %s: %s\n", st.PurgeID, st.PurgeStatus)
	if st.SubmissionTime != "" {
		fmt.Fprintf(w, "  submitted %s\n", st.SubmissionTime)
	}
	if st.CompletionTime != "" {
		fmt.Fprintf(w, "  completed %s\n", st.CompletionTime)
	}
	if st.PurgeStatus != "Done" && st.PingAfterSeconds > 0 {
		fmt.Fprintf(w, "  ask again in %ds\n", st.PingAfterSeconds)
	}
	if st.Detail != "" {
		fmt.Fprintf(w, "  %s\n", st.Detail)
	}
	if st.PurgeStatus == "Unknown" {
		// Fast Purge's older ids are UUIDs like v2's: CCU v2 knows none.
		fmt.Fprintf(w, "  if this is a Fast Purge purge ID, CCU v2 never knows it: %s\n", ccu.NoFastPurgeStatus)
	}
	fmt.Fprintf(w, "  supportId %s\n", st.SupportID)
}

// Queue writes what `ccu-purge queue` prints: a CCU v2 queue's length.
func Queue(w io.Writer, q purge.Queue, length int) {
	fmt.Fprintf(w, "CCU v2 %s queue: %d object(s) waiting (capacity %d)\n", q, length, q.Capacity())
}
