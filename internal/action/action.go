// Package action holds the GitHub Action's side of a run. It reads the
// Action's inputs: most set one of purge's flags, through the very FlagSet
// the command line parses, so a default or a check cannot differ between
// the CLI and the Action; the rest are the Action's own: the credentials
// (written to an .edgerc) and fail-on. And it keeps the runner's log safe:
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
// flag's name, in the order their values are checked.
var Flags = []string{"config", "from", "to", "state", "api", "network", "action", "queue", "dry-run", "wait",
	"delay", "report", "junit", "section", "timeout", "threshold", "unmatched", "on-unknown-base", "fetch",
	"batch-size", "concurrency", "verbose", "quiet", "limits"}

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

// Own are the inputs that set no flag and carry no credential field: the
// whole .edgerc, and fail-on.
var Own = []string{"edgerc", "fail-on"}

// All are every input the Action reads.
func All() []string { return slices.Concat(Flags, Credentials, Own) }

// SetFlags sets in fs the flag of each input given (an empty one keeps the
// default). A value the flag refuses, or one out of range for its type
// (see outOfRange), is that input's error, worded for the input.
func SetFlags(fs *flag.FlagSet, in func(string) string) error {
	for _, name := range Flags {
		v := in(name)
		if v == "" {
			continue
		}
		f := fs.Lookup(name)
		if err := fs.Set(name, v); err != nil || outOfRange(f) {
			return invalid(f, v)
		}
	}
	return nil
}

// invalid says what an input of f's type takes: only booleans,
// durations and whole numbers can be refused (the config settings'
// inputs are checked with the config).
func invalid(f *flag.Flag, v string) error {
	switch f.Value.(flag.Getter).Get().(type) {
	case time.Duration:
		return fmt.Errorf("input %s must be a duration such as 30s or 2m, not %q", f.Name, v)
	case int:
		return fmt.Errorf("input %s must be a positive whole number, not %q", f.Name, v)
	}
	return fmt.Errorf("input %s must be true or false, not %q", f.Name, v)
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
// content has many lines, is checked. The value is not shown: it may be a
// credential.
func CheckLines(in func(string) string) error {
	for _, name := range slices.Concat(Flags, Credentials, []string{"fail-on"}) {
		if strings.IndexFunc(in(name), unicode.IsControl) >= 0 {
			return fmt.Errorf("input %s holds a control character (a line break or tab): give it on one line", name)
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
