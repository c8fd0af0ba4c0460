package report

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// Run is what one purge did, as far as it got: the plain data the job
// summary, the step outputs and the annotations are made from.
type Run struct {
	Range  plan.Range
	Plan   *plan.Plan // nil when planning failed
	Report *Report    // nil when nothing was sent
	Path   string     // the --report file, "" when none
	Err    error      // what ended the run, nil for success
}

// Output is one named result of a run, as GitHub step outputs and GitLab's
// dotenv report show it.
type Output struct{ Name, Value string }

// Outputs are a run's results in a fixed order; a run that failed early
// has fewer of them filled in.
func Outputs(run Run) []Output {
	var from, to, source string
	objects, batches, estimated := 0, 0, 0
	var purgeIDs, supportIDs []string
	fallback := false
	if run.Plan != nil {
		from, to, source = run.Range.From, run.Range.To, run.Range.Source
		objects, fallback = run.Plan.ObjectCount(), run.Plan.Fallback.Used
	}
	if run.Report != nil {
		batches = len(run.Report.Batches)
		for _, b := range run.Report.Batches {
			if b.PurgeID != "" && b.Error == "" {
				purgeIDs = append(purgeIDs, b.PurgeID)
				estimated = max(estimated, b.EstimatedSeconds)
			}
			if b.SupportID != "" {
				supportIDs = append(supportIDs, b.SupportID)
			}
		}
	}
	verified, stale := verifyOutputs(run.Report)
	return []Output{
		{"from", from}, {"to", to}, {"range-source", source},
		{"object-count", strconv.Itoa(objects)}, {"batch-count", strconv.Itoa(batches)},
		{"purge-ids", strings.Join(purgeIDs, ",")}, {"support-ids", strings.Join(supportIDs, ",")},
		{"fallback-used", strconv.FormatBool(fallback)}, {"estimated-seconds", strconv.Itoa(estimated)},
		{"report", run.Path},
		{"verified", verified}, {"stale", stale},
	}
}

// verifyOutputs are the verified (fresh) and stale counts, "" when no
// verification ran, so a workflow can tell "none stale" from "not checked".
func verifyOutputs(r *Report) (verified, stale string) {
	if r == nil || r.Verify == nil {
		return "", ""
	}
	s := r.Verify.Summary
	return strconv.Itoa(s.Fresh), strconv.Itoa(s.Stale)
}

// dotenvName turns "purge-ids" into CCU_PURGE_PURGE_IDS.
func dotenvName(name string) string {
	return "CCU_PURGE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// Dotenv is GitLab's dotenv report: one KEY=value a line. Values are SHAs,
// numbers, ids and a path; a newline in one would forge a key, so it is
// refused.
func Dotenv(outs []Output) ([]byte, error) {
	var b strings.Builder
	for _, o := range outs {
		if strings.ContainsAny(o.Value, "\r\n") {
			return nil, fmt.Errorf("dotenv: value of %s has a line break", o.Name)
		}
		fmt.Fprintf(&b, "%s=%s\n", dotenvName(o.Name), o.Value)
	}
	return []byte(b.String()), nil
}

// GitHubOutputs formats outs for GITHUB_OUTPUT in GitHub's multi-line
// form, name<<DELIMITER, each with a delimiter from delim (Delimiter, in
// a real run) that the value does not hold: go-githubactions' SetOutput
// uses a fixed one, which a value (a report path from an input, an id
// from a server) could hold to forge further outputs.
func GitHubOutputs(outs []Output, delim func(avoid string) (string, error)) (string, error) {
	var b strings.Builder
	for _, o := range outs {
		d, err := delim(o.Name + "\n" + o.Value)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, d, o.Value, d)
	}
	return b.String(), nil
}

// Delimiter is a random delimiter not found in avoid.
func Delimiter(avoid string) (string, error) {
	for {
		var r [16]byte
		if _, err := rand.Read(r[:]); err != nil {
			return "", fmt.Errorf("draw an output delimiter: %w", err)
		}
		if d := "ghadelimiter_" + hex.EncodeToString(r[:]); !strings.Contains(avoid, d) {
			return d, nil
		}
	}
}
