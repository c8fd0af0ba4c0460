package cli

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// output is one named result of a run, as GitHub step outputs and GitLab's
// dotenv report show it.
type output struct{ name, value string }

// outputs are a run's results in a fixed order; a run that failed early
// has fewer of them filled in.
func (r *purgeRun) outputs() []output {
	var from, to, source string
	objects, batches, estimated := 0, 0, 0
	var purgeIDs, supportIDs []string
	fallback := false
	if r.plan != nil {
		from, to, source = r.plan.Range.From, r.plan.Range.To, r.plan.Range.Source
		objects, fallback = r.plan.ObjectCount(), r.plan.Fallback.Used
	}
	if r.report != nil {
		batches = len(r.report.Batches)
		for _, b := range r.report.Batches {
			if b.PurgeID != "" && b.Error == "" {
				purgeIDs = append(purgeIDs, b.PurgeID)
				estimated = max(estimated, b.EstimatedSeconds)
			}
			if b.SupportID != "" {
				supportIDs = append(supportIDs, b.SupportID)
			}
		}
	}
	return []output{
		{"from", from}, {"to", to}, {"range-source", source},
		{"object-count", strconv.Itoa(objects)}, {"batch-count", strconv.Itoa(batches)},
		{"purge-ids", strings.Join(purgeIDs, ",")}, {"support-ids", strings.Join(supportIDs, ",")},
		{"fallback-used", strconv.FormatBool(fallback)}, {"estimated-seconds", strconv.Itoa(estimated)},
		{"report", r.path},
	}
}

// dotenvName turns "purge-ids" into CCU_PURGE_PURGE_IDS.
func dotenvName(name string) string {
	return "CCU_PURGE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// writeDotenv writes GitLab's dotenv report: one KEY=value a line. Values
// are SHAs, numbers, ids and a path; a newline in one would forge a key,
// so it is refused.
func (e *env) writeDotenv(path string, outs []output) error {
	var b strings.Builder
	for _, o := range outs {
		if strings.ContainsAny(o.value, "\r\n") {
			return fmt.Errorf("dotenv: value of %s has a line break", o.name)
		}
		fmt.Fprintf(&b, "%s=%s\n", dotenvName(o.name), o.value)
	}
	if err := e.writeOut(path, []byte(b.String())); err != nil {
		return fmt.Errorf("write dotenv report %s: %w", path, err)
	}
	return nil
}

// githubOutputs formats outs for GITHUB_OUTPUT in GitHub's multi-line
// form, name<<DELIMITER, each with a random delimiter the value does not
// hold: go-githubactions' SetOutput uses a fixed one, which a value (a
// report path from an input, an id from a server) could hold to forge
// further outputs.
func githubOutputs(outs []output) (string, error) {
	var b strings.Builder
	for _, o := range outs {
		d, err := delimiter(o.name + "\n" + o.value)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.name, d, o.value, d)
	}
	return b.String(), nil
}

// delimiter is a random delimiter not found in avoid.
func delimiter(avoid string) (string, error) {
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
