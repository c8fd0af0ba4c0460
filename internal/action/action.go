// Package action holds the GitHub Action's side of a run. It reads the
// Action's inputs: most set one of purge's flags, through the very FlagSet
// the command line parses, so a default or a check cannot differ between
// the CLI and the Action; the rest are the Action's own: the credentials
// (written to an .edgerc), the Enhanced Debug key (handed to the run as
// AKAMAI_DEBUG_KEY, see Getenv) and fail-on. It holds the Action's own
// rules: a proposed change runs dry (Propose), the report goes under
// RUNNER_TEMP (ReportFile), fail-on judges the run (Verdict), and each
// secret is masked once (Masks). And it keeps the runner's log safe:
// no legacy "##[" command gets through (Defang), and a log that can no
// longer be written never crashes the run (Log).
//
// An input is read with a func(name) string, the trimmed INPUT_<NAME>
// variable, so the package reads no environment itself.
package action

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Flags are the purge flags the Action has an input for, each of the
// flag's name but those in Renamed, in the order their values are
// checked.
var Flags = []string{"config", "from", "to", "state", "api", "network", "action", "queue", "dry-run", "wait",
	"delay", "report", "junit", "section", "timeout", "threshold", "unmatched", "on-unknown-base", "fetch",
	"batch-size", "concurrency", "verbose", "quiet", "limits",
	"verify", "sample", "site-dir", "connect-to", "origin", "on-stale", "verify-timeout", "manifest"}

// Renamed are the flags whose input has another name: in a workflow's
// with: block, beside purge's inputs, "sample" would not say what it
// samples.
var Renamed = map[string]string{"sample": "verify-sample"}

// Input is the name of the input that sets the flag named flag.
func Input(flag string) string {
	if in, ok := Renamed[flag]; ok {
		return in
	}
	return flag
}

// ManyLines are the inputs of one value a line, each set as its
// repeatable flag: a YAML block (connect-to: |) holds a rule a line.
var ManyLines = []string{"connect-to"}

// NoInput are the purge flags the Action has no input for, and why: a
// test fails on any other flag without one, so a new flag gets an input
// or a reason here.
var NoInput = map[string]string{
	"repo":    "the repository is the workspace the runner checked out (GITHUB_WORKSPACE)",
	"edgerc":  "the edgerc input takes the file's content from a secret, not a path on the runner",
	"ca-cert": "Akamai's API has a publicly trusted certificate; only the simulator needs another",
	"dotenv":  "GitLab's dotenv report: the Action writes step outputs and the job summary instead",
	// The objects of an ad-hoc purge: the Action purges what a push
	// changed; a one-off purge is `ccu-purge purge --url …` in a run step.
	"url":          "an ad-hoc purge names its objects on the command line; the Action purges what the push changed",
	"cpcode":       "as url",
	"tag":          "as url",
	"objects-from": "as url",
	// The verification's finer knobs: the config's verify: section, which
	// the workflow's checkout holds, sets them for every run alike.
	"seed":               "the config's verify.seed sets it; the sample differs per run only with the config",
	"verify-concurrency": "the config's verify.concurrency sets it (default 8 per host)",
	"debug":              "the config's verify.debug sets it; auto already sends Enhanced Debug tokens when the debug-key input is given",
}

// Defaults are the flags whose default differs in the Action: its head is
// the event's commit (GITHUB_SHA), not the checkout's HEAD, and its state
// file comes from the state input alone, not CCU_PURGE_STATE.
var Defaults = map[string]string{"to": "", "state": ""}

// Credentials are the inputs that carry secrets: the four fields of an
// .edgerc section.
var Credentials = []string{"host", "client-token", "client-secret", "access-token"}

// FailOn are the fail-on policies, the first the default.
var FailOn = []string{"error", "warning", "never"}

// DebugKey is the input of the property's Enhanced Debug key, a secret:
// masked like the credentials and handed to the run as AKAMAI_DEBUG_KEY,
// the variable the CLI reads it from (a flag would show it in the log).
const DebugKey = "debug-key"

// DebugKeyEnv is the variable the run reads the Enhanced Debug key from.
const DebugKeyEnv = "AKAMAI_DEBUG_KEY"

// Own are the inputs that set no flag and carry no credential field: the
// whole .edgerc, fail-on and the Enhanced Debug key.
var Own = []string{"edgerc", "fail-on", DebugKey}

// Secrets are the inputs masked in the runner's log before anything is
// printed: the credential fields and the Enhanced Debug key (the edgerc
// input is masked from what edgegrid loads of it).
func Secrets() []string { return append(slices.Clone(Credentials), DebugKey) }

// inputs are the names of the inputs that set Flags, in their order.
func inputs() []string {
	var out []string
	for _, f := range Flags {
		out = append(out, Input(f))
	}
	return out
}

// All are every input the Action reads.
func All() []string { return slices.Concat(inputs(), Credentials, Own) }

// Getenv is the run's getenv: getenv, but for AKAMAI_DEBUG_KEY, which the
// debug-key input sets when given (the input is what the workflow asked
// for; a variable of the runner's is the fallback).
func Getenv(getenv, in func(string) string) func(string) string {
	key := in("debug-key")
	return func(name string) string {
		if name == DebugKeyEnv && key != "" {
			return key
		}
		return getenv(name)
	}
}

// SetFlags sets in fs the flag of each input given (an empty one keeps the
// default), one value a line for ManyLines. A value the flag refuses, or
// one out of range for its type (see outOfRange), is that input's error,
// worded for the input.
func SetFlags(fs *flag.FlagSet, in func(string) string) error {
	for _, name := range Flags {
		input := Input(name)
		for _, v := range values(input, in(input)) {
			f := fs.Lookup(name)
			if err := fs.Set(name, v); err != nil || outOfRange(f) {
				return invalid(input, f, v)
			}
		}
	}
	return nil
}

// values are the values an input gives: none when empty, one a line
// (blank lines skipped) for ManyLines.
func values(input, v string) []string {
	switch {
	case v == "":
		return nil
	case !slices.Contains(ManyLines, input):
		return []string{v}
	}
	var out []string
	for _, line := range strings.Split(v, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// invalid says what the input of f's type takes: only booleans,
// durations and whole numbers can be refused (the config settings'
// inputs are checked with the config, the verification's by
// options.Check).
func invalid(input string, f *flag.Flag, v string) error {
	switch f.Value.(flag.Getter).Get().(type) {
	case time.Duration:
		return fmt.Errorf("input %s must be a duration such as 30s or 2m, not %q", input, v)
	case int:
		return fmt.Errorf("input %s must be a positive whole number, not %q", input, v)
	}
	return fmt.Errorf("input %s must be true or false, not %q", input, v)
}

// outOfRange reports a value of f's type that no input takes: a negative
// duration, or a number below 1 (batch-size, concurrency).
func outOfRange(f *flag.Flag) bool {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	switch v := g.Get().(type) {
	case time.Duration:
		return v < 0
	case int:
		return v < 1
	}
	return false
}

// CheckFailOn returns the fail-on policy, "error" when none is given.
func CheckFailOn(in func(string) string) (string, error) {
	failOn := in("fail-on")
	if failOn == "" {
		return FailOn[0], nil
	}
	if !slices.Contains(FailOn, failOn) {
		return "", fmt.Errorf("unknown fail-on %q; valid values are %q", failOn, FailOn)
	}
	return failOn, nil
}

// CheckLines refuses an input holding a control character: a line break
// in a path (config, state, report) would otherwise reach the log as a
// line of its own, where the runner obeys "::error::" and the like, and
// no path, revision or name needs one. Every input but edgerc, whose
// content has many lines, is checked; each line of the ManyLines ones.
// The value is not shown: it may be a credential.
func CheckLines(in func(string) string) error {
	for _, name := range slices.Concat(inputs(), Credentials, []string{"fail-on", DebugKey}) {
		for _, v := range values(name, in(name)) {
			if strings.IndexFunc(v, unicode.IsControl) >= 0 {
				return fmt.Errorf("input %s holds a control character (a line break or tab): give it on one line", name)
			}
		}
	}
	return nil
}

// Edgerc is the .edgerc the credential inputs give: the edgerc input as it
// is, or a section of that name from the four credential inputs; "" when
// none was given.
func Edgerc(in func(string) string, section string) (string, error) {
	content := in("edgerc")
	var given, missing []string
	for _, name := range Credentials {
		if in(name) != "" {
			given = append(given, name)
		} else {
			missing = append(missing, name)
		}
	}
	switch {
	case content != "" && len(given) > 0:
		return "", errors.New("give either the edgerc input or the four credential inputs, not both")
	case content != "" || len(given) == 0:
		return content, nil
	case len(missing) > 0:
		return "", fmt.Errorf("credential inputs %s are missing (host, client-token, client-secret and access-token go together)", strings.Join(missing, ", "))
	}
	return fmt.Sprintf("[%s]\nhost = %s\nclient_token = %s\nclient_secret = %s\naccess_token = %s\n",
		section, in("host"), in("client-token"), in("client-secret"), in("access-token")), nil
}

// MaskValues are what to mask of an .edgerc that edgegrid cannot load:
// each line, and the part after its first = or :, so that even a file it
// refuses shows no value in the log.
func MaskValues(content string) []string {
	var out []string
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		out = append(out, line)
		if i := strings.IndexAny(line, "=:"); i >= 0 && strings.TrimSpace(line[i+1:]) != "" {
			out = append(out, strings.TrimSpace(line[i+1:]))
		}
	}
	return out
}

// Masks are the values to register with the runner's log masking: each
// once, in the order first given, none empty (a value masked again, or an
// empty one, only adds a line to the log).
func Masks(values []string) []string {
	var out []string
	for _, v := range values {
		if v != "" && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// WriteEdgerc writes the .edgerc the inputs give (see Edgerc) to a
// mode-0600 file in dir, which the caller removes at exit, and returns
// its path; "" when the inputs give none.
func WriteEdgerc(in func(string) string, dir, section string) (string, error) {
	content, err := Edgerc(in, section)
	if err != nil || content == "" {
		return "", err
	}
	path := filepath.Join(dir, "edgerc")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return "", fmt.Errorf("write the .edgerc: %w", err)
	}
	return path, nil
}
