package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/sethvargo/go-githubactions"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ci"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// Fail-on policies of the GitHub Action.
var validFailOn = []string{"error", "warning", "never"}

// credentialInputs are the action inputs that carry secrets.
var credentialInputs = []string{"host", "client-token", "client-secret", "access-token"}

// action is the GitHub Action's entry point (action.yml's last step runs
// "ccu-purge action", docker/action.yml the image with the argument
// "action"): inputs come from INPUT_* variables, never
// from a shell line, and every credential is masked before anything is
// printed.
func (e *env) action(ctx context.Context, args []string) error {
	if len(args) > 0 {
		return usagef("action takes no arguments: it reads its inputs from INPUT_* variables")
	}
	tmp, err := os.MkdirTemp("", "ccu-purge-action-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)                                             // the written .edgerc goes with it
	e.stdout, e.stderr = legacyDefang{e.stdout}, legacyDefang{e.stderr} // under the redaction hide adds
	edgerc, edgercErr := e.maskSecrets(tmp)
	gh := githubactions.New(githubactions.WithWriter(logWriter{e.stdout}), githubactions.WithGetenv(e.getenv))
	in := func(name string) string { return strings.TrimSpace(gh.GetInput(name)) }
	o, pf, failOn, err := e.actionOptions(gh, in, tmp, edgerc, edgercErr)
	if err == nil {
		err = e.checkActionFiles(gh)
	}
	if err != nil {
		gh.Errorf("%v", err)
		return err
	}
	open := false
	e.stage = func(name string) {
		if open {
			gh.EndGroup()
		}
		gh.Group("ccu-purge: " + name)
		open = true
	}
	run, err := e.runPurge(ctx, o, pf)
	if open {
		gh.EndGroup()
	}
	annotate(gh, run, err, o.config)
	return verdict(run, errors.Join(err, e.actionFiles(run, err)), failOn)
}

// maskSecrets registers every credential with the runner's log masking,
// first thing: each credential input, and the values edgegrid-golang
// loads from the .edgerc it writes (see writeEdgerc) or finds (AKAMAI_*
// variables, ~/.edgerc). The loaded values are what a server can echo, in
// whatever syntax the file spelled them (quotes, backticks, "key: value",
// inline comments), so they are masked, and from then on redacted from
// every output (hide). It returns the written .edgerc, "" for none.
func (e *env) maskSecrets(tmp string) (string, error) {
	raw := githubactions.New(githubactions.WithWriter(logWriter{e.stdout}), githubactions.WithGetenv(e.getenv))
	in := func(name string) string { return strings.TrimSpace(raw.GetInput(name)) }
	for _, name := range credentialInputs {
		if v := in(name); v != "" {
			raw.AddMask(v)
		}
	}
	section, sectionSet := e.actionSection(in)
	edgerc, err := writeEdgerc(in, tmp, section)
	file, fileSet := e.actionEdgerc(edgerc)
	src := ccu.Source{Edgerc: file, Section: section, FileOnly: fileSet, SectionSet: sectionSet}
	creds, lerr := ccu.LoadCredentials(src)
	if lerr != nil {
		maskLines(raw, in("edgerc")) // edgegrid cannot tell; the run fails at loading anyway
		return edgerc, err
	}
	secrets := ccu.Secrets(creds)
	for _, v := range secrets {
		if v != "" {
			raw.AddMask(v)
		}
	}
	e.hide(secrets...)
	return edgerc, err
}

// maskLines masks each line of an .edgerc that edgegrid cannot load, and
// the part after its first = or :, so that even a file it refuses shows no
// value in the log.
func maskLines(gh *githubactions.Action, content string) {
	for _, line := range strings.Split(content, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "[") || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		gh.AddMask(line)
		if i := strings.IndexAny(line, "=:"); i >= 0 && strings.TrimSpace(line[i+1:]) != "" {
			gh.AddMask(strings.TrimSpace(line[i+1:]))
		}
	}
}

// logWriter is the Action's log for go-githubactions, which panics when
// a write fails: a log the runner no longer reads (a closed pipe) must not
// crash a run that is purging, so write errors are dropped here.
// legacyDefang writes "##[" as "# #[": the runner obeys its legacy
// command form ("##[error]…", "##[set-output name=…;]…",
// "##[stop-commands]…") anywhere in a line of stdout or stderr, and a
// log line may quote a path a fork's pull request chose. Nothing the
// Action writes on purpose uses that form (go-githubactions writes
// "::name::"), so every write is rewritten.
type legacyDefang struct{ w io.Writer }

func (l legacyDefang) Write(p []byte) (int, error) {
	if !bytes.Contains(p, []byte("##[")) {
		return l.w.Write(p)
	}
	s := string(p)
	for strings.Contains(s, "##[") {
		s = strings.ReplaceAll(s, "##[", "# #[")
	}
	if _, err := io.WriteString(l.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the writer being defanged, so a caller can still ask
// whether it is a terminal.
func (l legacyDefang) Unwrap() io.Writer { return l.w }

type logWriter struct{ w io.Writer }

func (l logWriter) Write(p []byte) (int, error) {
	l.w.Write(p)
	return len(p), nil
}

// actionOptions turns the inputs into the purge command's options;
// edgerc is the .edgerc written from them ("" for none) and edgercErr why
// it could not be.
func (e *env) actionOptions(gh *githubactions.Action, in func(string) string, tmp, edgerc string, edgercErr error) (*options, *purgeFlags, string, error) {
	if err := singleLine(in); err != nil {
		return nil, nil, "", err
	}
	if edgercErr != nil {
		return nil, nil, "", edgercErr
	}
	o := &options{repo: ".", config: in("config"), from: in("from"), to: in("to"), state: in("state")}
	o.section, o.sectionSet = e.actionSection(in)
	pf := &purgeFlags{timeout: 10 * time.Minute, concurrency: ccu.DefaultConcurrency, junit: in("junit")}
	// Inputs that set config keys take the flags' place: they win over
	// CCU_PURGE_* variables and the file.
	o.overrides = map[string]string{}
	for key, v := range map[string]string{"api": in("api"), "network": in("network"), "action": in("action"), "queue": in("queue")} {
		if v != "" {
			o.overrides[key] = v
		}
	}
	failOn := first(in("fail-on"), "error")
	if !contains(validFailOn, failOn) {
		return nil, nil, "", usagef("unknown fail-on %q; valid values are %q", failOn, validFailOn)
	}
	var err error
	if o.dryRun, err = boolInput(in, "dry-run"); err != nil {
		return nil, nil, "", err
	}
	if pf.wait, err = boolInput(in, "wait"); err != nil {
		return nil, nil, "", err
	}
	if v := in("delay"); v != "" {
		if pf.delay, err = time.ParseDuration(v); err != nil || pf.delay < 0 {
			return nil, nil, "", usagef("input delay must be a duration such as 30s or 2m, not %q", v)
		}
	}
	if ci.Proposal(ci.Env{Getenv: e.getenv}) {
		// A pull request or merge queue entry shows what its merge will
		// purge; its head is not what the edge serves yet.
		o.dryRun = true
		gh.Noticef("proposed change (%s): planning only (dry run), nothing is purged", e.getenv("GITHUB_EVENT_NAME"))
	}
	o.report = first(in("report"), filepath.Join(first(e.getenv("RUNNER_TEMP"), tmp), "ccu-purge-report.json"))
	o.edgerc, o.edgercSet = e.actionEdgerc(edgerc)
	if err := checkOutputs(o, pf); err != nil {
		return nil, nil, "", err
	}
	return o, pf, failOn, nil
}

// actionEdgerc is the .edgerc the Action reads, and whether it was named
// (it then wins over AKAMAI_* credential variables): the file written
// from the inputs, else AKAMAI_EDGERC as for the CLI, else ~/.edgerc.
func (e *env) actionEdgerc(written string) (string, bool) {
	if written != "" {
		return written, true
	}
	if v := e.getenv("AKAMAI_EDGERC"); v != "" {
		return v, true
	}
	return "~/.edgerc", false
}

// actionSection is the .edgerc section: the section input, else
// AKAMAI_EDGERC_SECTION, else "ccu" (then "default"); named ones do not
// fall back.
func (e *env) actionSection(in func(string) string) (string, bool) {
	name := first(in("section"), e.getenv("AKAMAI_EDGERC_SECTION"))
	return first(name, ccu.DefaultSection), name != ""
}

// singleInputs are the inputs read from INPUT_* variables on one line:
// every input but edgerc, whose content has many.
func singleInputs() []string {
	return []string{"config", "from", "to", "state", "api", "network", "action", "queue", "dry-run", "wait",
		"delay", "report", "junit", "section", "host", "client-token", "client-secret", "access-token", "fail-on"}
}

// singleLine refuses an input holding a control character: a line break
// in a path (config, state, report) would otherwise reach the log as a
// line of its own, where the runner obeys "::error::" and the like, and
// no path, revision or name needs one. The value is not shown: it may be
// a credential.
func singleLine(in func(string) string) error {
	for _, name := range singleInputs() {
		if strings.IndexFunc(in(name), unicode.IsControl) >= 0 {
			return usagef("input %s holds a control character (a line break or tab): give it on one line", name)
		}
	}
	return nil
}

// writeEdgerc writes the credentials from the inputs to a mode-0600 file
// in tmp (removed at exit), or returns "" when none were given.
func writeEdgerc(in func(string) string, tmp, section string) (string, error) {
	content := in("edgerc")
	var given, missing []string
	for _, name := range credentialInputs {
		if in(name) != "" {
			given = append(given, name)
		} else {
			missing = append(missing, name)
		}
	}
	switch {
	case content != "" && len(given) > 0:
		return "", usagef("give either the edgerc input or the four credential inputs, not both")
	case content == "" && len(given) == 0:
		return "", nil
	case content == "" && len(missing) > 0:
		return "", usagef("credential inputs %s are missing (host, client-token, client-secret and access-token go together)", strings.Join(missing, ", "))
	case content == "":
		content = fmt.Sprintf("[%s]\nhost = %s\nclient_token = %s\nclient_secret = %s\naccess_token = %s\n",
			section, in("host"), in("client-token"), in("client-secret"), in("access-token"))
	}
	path := filepath.Join(tmp, "edgerc")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return "", fmt.Errorf("write the .edgerc: %w", err)
	}
	return path, nil
}

// runnerFiles are the runner's files the Action writes, and what they hold.
var runnerFiles = []struct{ name, what string }{{"GITHUB_OUTPUT", "step outputs"}, {"GITHUB_STEP_SUMMARY", "job summary"}}

// checkActionFiles finds, before anything is sent, a runner file the run
// could not write after purging (exit 2, nothing sent); one that is not
// set (a run outside a runner) is said up front and skipped.
func (e *env) checkActionFiles(gh *githubactions.Action) error {
	for _, f := range runnerFiles {
		path := e.getenv(f.name)
		if path == "" {
			gh.Warningf("%s is not set, so the %s are not written: run the action as a GitHub Actions step", f.name, f.what)
			continue
		}
		if err := checkAppend(f.name, path); err != nil {
			return err
		}
	}
	return nil
}

// actionFiles writes the step outputs and the job summary, each in one
// append. Failing after a purge is exit 1, as for the report.
func (e *env) actionFiles(run *purgeRun, runErr error) error {
	var errs []error
	for _, f := range runnerFiles {
		path := e.getenv(f.name)
		if path == "" {
			continue
		}
		text, err := runnerText(f.name, run, runErr)
		if err == nil {
			err = e.appendOut(path, []byte(text))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("write the %s to %s %s: %w", f.what, f.name, path, err))
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return &exitError{ExitFailed, errors.Join(errs...)}
}

// runnerText is what the Action adds to the runner file named name.
func runnerText(name string, run *purgeRun, runErr error) (string, error) {
	if name == "GITHUB_OUTPUT" {
		return rpt.GitHubOutputs(run.outputs(), rpt.Delimiter)
	}
	return rpt.JobSummary(run.view(runErr)), nil
}

func boolInput(in func(string) string, name string) (bool, error) {
	v := in(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, usagef("input %s must be true or false, not %q", name, v)
	}
	return b, nil
}

// annotate hands the run's annotations (report.Annotations) to the
// runner: config errors on their file and line, warnings where reviewers
// look.
func annotate(gh *githubactions.Action, run *purgeRun, err error, config string) {
	wd, _ := os.Getwd() // "" on failure: paths are then shown as given
	for _, a := range rpt.Annotations(run.view(err), config, wd) {
		switch {
		case a.OnFile:
			gh.WithFieldsMap(map[string]string{"file": a.File, "line": strconv.Itoa(a.Line), "col": strconv.Itoa(a.Col)}).Errorf("%s", a.Msg)
		case a.Level == rpt.Error:
			gh.Errorf("%s", a.Msg)
		default:
			gh.Warningf("%s", a.Msg)
		}
	}
}

// verdict applies fail-on: error keeps the exit code; warning also fails on
// unmatched files or a fallback; never reports without failing the step.
func verdict(run *purgeRun, err error, failOn string) error {
	switch failOn {
	case "never":
		return nil
	case "warning":
		if err == nil && rpt.Warned(run.view(nil).Plan) {
			return &exitError{ExitFailed, errors.New("warnings with fail-on: warning (unmatched files, a fallback or a submodule not purged, see above)")}
		}
	}
	return err
}

func first(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}
