package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/sethvargo/go-githubactions"

	"github.com/ccu-purge/ccu-purge/internal/action"
	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/options"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// action is the GitHub Action's entry point (action.yml's last step runs
// "ccu-purge action", docker/action.yml the image with the argument
// "action"): inputs come from INPUT_* variables, never
// from a shell line, and every credential is masked before anything is
// printed.
func (e *env) action(ctx context.Context, args []string) error {
	if len(args) == 1 && slices.Contains([]string{"-h", "-help", "--help"}, args[0]) {
		return e.help(ctx, []string{"action"})
	}
	if len(args) > 0 {
		return usagef("action takes no arguments: it reads its inputs from INPUT_* variables")
	}
	tmp, err := os.MkdirTemp("", "ccu-purge-action-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)                                               // the written .edgerc goes with it
	e.stdout, e.stderr = action.Defang(e.stdout), action.Defang(e.stderr) // under the redaction hide adds
	o := &options.Options{}
	fs := e.actionFlagSet(o)
	edgercErr := e.maskSecrets(tmp, fs, o)
	gh := githubactions.New(githubactions.WithWriter(action.Log(e.stdout)), githubactions.WithGetenv(e.getenv))
	in := func(name string) string { return strings.TrimSpace(gh.GetInput(name)) }
	e.getenv = action.Getenv(e.getenv, in) // the debug-key input as AKAMAI_DEBUG_KEY
	failOn, err := e.actionOptions(gh, in, fs, o, tmp, edgercErr)
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
	run, err := e.runPurge(ctx, o)
	if open {
		gh.EndGroup()
	}
	annotate(gh, run, err, o.Config, e.getenv("GITHUB_WORKSPACE"))
	return verdict(run, errors.Join(err, e.actionFiles(run, err)), failOn)
}

// maskSecrets registers every credential with the runner's log masking,
// first thing and each once (action.Masks): each credential input and the
// Enhanced Debug key, and the values edgegrid-golang
// loads from the .edgerc it writes (see writeEdgerc) or finds (AKAMAI_*
// variables, ~/.edgerc). The loaded values are what a server can echo, in
// whatever syntax the file spelled them (quotes, backticks, "key: value",
// inline comments), so they are masked, and from then on redacted from
// every output (hide). The section input and the written .edgerc go
// into fs as their flags; the error is why the .edgerc could not be
// written.
func (e *env) maskSecrets(tmp string, fs *flag.FlagSet, o *options.Options) error {
	raw := githubactions.New(githubactions.WithWriter(action.Log(e.stdout)), githubactions.WithGetenv(e.getenv))
	in := func(name string) string { return strings.TrimSpace(raw.GetInput(name)) }
	secrets, err := e.actionSecrets(in, tmp, fs, o)
	for _, v := range action.Masks(secrets) {
		raw.AddMask(v)
	}
	return err
}

// actionSecrets are the values maskSecrets masks, in the order found,
// and why the .edgerc could not be written; the loaded ones and the
// debug key are hidden from then on.
func (e *env) actionSecrets(in func(string) string, tmp string, fs *flag.FlagSet, o *options.Options) ([]string, error) {
	var secrets []string
	for _, name := range action.Secrets() {
		secrets = append(secrets, in(name))
	}
	// The Enhanced Debug key, from the input or the runner's variable: no
	// credential loader knows it, so it is hidden here.
	if v := action.Getenv(e.getenv, in)(action.DebugKeyEnv); v != "" {
		secrets = append(secrets, v)
		e.hide(v)
	}
	if v := in("section"); v != "" {
		fs.Set("section", v) // a string flag takes any value
	}
	edgerc, err := action.WriteEdgerc(in, tmp, o.Section)
	if edgerc != "" {
		fs.Set("edgerc", edgerc)
	}
	options.Named(fs, o)
	creds, lerr := ccu.LoadCredentials(e.source(o))
	if lerr != nil || err != nil {
		// edgegrid cannot tell which lines hold values, or did not read
		// the input (the run then fails before anything is sent).
		secrets = append(secrets, action.MaskValues(in("edgerc"))...)
	}
	if lerr == nil {
		loaded := ccu.Secrets(creds)
		secrets = append(secrets, loaded...)
		e.hide(loaded...)
	}
	return secrets, err
}

// actionFlagSet is purge's flags with the Action's defaults. The
// repository is the workspace, where the runner starts the step (read
// from GITHUB_WORKSPACE, so a test can run the Action in-process).
func (e *env) actionFlagSet(o *options.Options) *flag.FlagSet {
	fs := options.Purge(e.getenv, o)
	defaults := maps.Clone(action.Defaults)
	defaults["repo"] = cmp.Or(e.getenv("GITHUB_WORKSPACE"), ".")
	defaults["ca-cert"] = e.trust
	for name, v := range defaults {
		fs.Lookup(name).Value.Set(v) // not fs.Set: the flag was not given
	}
	return fs
}

// actionOptions sets the inputs' flags in fs, then applies what only the
// Action has: fail-on, proposals running dry and the report under
// RUNNER_TEMP. edgercErr is why the .edgerc could not be written from
// the inputs.
func (e *env) actionOptions(gh *githubactions.Action, in func(string) string, fs *flag.FlagSet, o *options.Options, tmp string, edgercErr error) (string, error) {
	if err := action.CheckLines(in); err != nil {
		return "", usageErr(err)
	}
	if edgercErr != nil {
		return "", edgercErr
	}
	failOn, err := action.CheckFailOn(in)
	if err == nil {
		err = action.SetFlags(fs, in)
	}
	if err != nil {
		return "", usageErr(err)
	}
	sw, notices := action.Propose(action.Switches{DryRun: o.DryRun, Verify: o.Verify.Enabled}, ci.Proposal(ci.Env{Getenv: e.getenv}), e.getenv("GITHUB_EVENT_NAME"))
	o.DryRun, o.Verify.Enabled = sw.DryRun, sw.Verify
	for _, n := range notices {
		gh.Noticef("%s", n)
	}
	o.Report = action.ReportFile(o.Report, e.getenv("RUNNER_TEMP"), tmp)
	options.Named(fs, o)
	if err := options.Check(fs, o); err != nil {
		return "", usageErr(err)
	}
	return failOn, e.checkOutputs(o)
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

// annotate hands the run's annotations (report.Annotations) to the
// runner: config errors on their file and line, warnings where reviewers
// look.
func annotate(gh *githubactions.Action, run *purgeRun, err error, config, workspace string) {
	for _, a := range rpt.Annotations(run.view(err), config, workspace) {
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

// verdict is fail-on's verdict (action.Verdict) with its exit code:
// fail-on: warning's own failure is exit 1, as a failed purge.
func verdict(run *purgeRun, err error, failOn string) error {
	err = action.Verdict(failOn, rpt.Warned(run.view(nil).Plan), err)
	if errors.Is(err, action.ErrWarned) {
		return &exitError{ExitFailed, err}
	}
	return err
}
