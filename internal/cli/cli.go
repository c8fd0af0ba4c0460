// Package cli is the ccu-purge front door: it dispatches the commands and
// wires the rooms together (options → base → diff → mapper → plan → ccu →
// report → outfile), redacts every output once credentials are loaded,
// and maps errors to exit codes. The rules live in those packages.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/redact"
	ver "github.com/ccu-purge/ccu-purge/internal/version"
)

// Exit codes, mapped in one place.
const (
	ExitOK     = 0 // success, including nothing to purge
	ExitFailed = 1 // a purge failed: something was not purged
	ExitUsage  = 2 // usage, config or input error: nothing was sent
)

// Version, Commit and Date are stamped at build time with -ldflags
// "-X …/cli.Version=1.2.3 -X …/cli.Commit=<sha> -X …/cli.Date=<RFC 3339>"
// (GoReleaser and `make build` do). Unstamped, `go install`'s build info
// fills them in where it can.
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// exitError carries the exit code an error should end the run with.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErr marks an error as the user's to fix (exit 2).
func usageErr(err error) error { return &exitError{ExitUsage, err} }

// usagef is usageErr with formatting.
func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// env is the environment the run sees; tests pass their own.
type env struct {
	getenv         func(string) string
	stdout, stderr io.Writer
	stdin          io.Reader // --objects-from -; nil = os.Stdin
	// waits shortens the client's backoff and interrupt grace; only
	// tests set it, so a fault campaign runs in seconds, not minutes.
	// The zero value keeps ccu's defaults (1s–30s backoff, 5s grace).
	waits ccu.SubmitOptions
	// stage, when set, is told as the run enters each stage (Plan, Purge,
	// Wait): the GitHub Action opens a log group per stage with it.
	stage func(name string)
	// tick is how often a wait prints progress; 0 = every 10 s.
	tick time.Duration
	// trust is a CA certificate the Action trusts, which has no ca-cert
	// input; only tests set it, as SSL_CERT_FILE does for a process.
	trust string
	// redact removes the loaded credentials from every output (see hide
	// in files.go); nil until they are loaded. rawOut and rawErr are
	// stdout and stderr before hide wrapped them.
	redact         *redact.Redactor
	secrets        []string
	rawOut, rawErr io.Writer
}

// enter announces a stage of the run.
func (e *env) enter(name string) {
	if e.stage != nil {
		e.stage(name)
	}
}

// Run runs ccu-purge with args (without the program name) and returns the
// exit code. It never calls os.Exit and reads the environment only through
// getenv, so tests drive it in-process.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	return (&env{getenv: getenv, stdout: stdout, stderr: stderr}).run(ctx, args)
}

// run is Run for an env built by Run or by a test.
func (e *env) run(ctx context.Context, args []string) int {
	err := e.dispatch(ctx, args)
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	fmt.Fprintf(e.stderr, "ccu-purge: %v\n", err) // redacted once credentials are loaded
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return ExitUsage
}

func (e *env) dispatch(ctx context.Context, args []string) error {
	args, err := e.akamaiGlobals(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(e.stderr, options.Overview())
		return usagef("no command given: try 'ccu-purge plan --from REV'")
	}
	c, err := options.Find(args[0])
	if err != nil {
		return usageErr(err)
	}
	return e.commands()[c.Name](ctx, args[1:])
}

// commands run options.Commands by name; TestEveryCommandHasHelp checks
// that the two lists agree.
func (e *env) commands() map[string]func(context.Context, []string) error {
	return map[string]func(context.Context, []string) error{
		"plan": e.plan, "purge": e.purge, "action": e.action, "status": e.status, "queue": e.queue,
		"limits": e.limits, "verify": e.verify, "simulator": e.simulator, "demo": e.demo, "validate": e.validate, "version": e.printVersion, "help": e.help,
		"explain": func(_ context.Context, a []string) error { return e.explain(a) },
	}
}

// help prints the overview or a command's help (see options.HelpText).
func (e *env) help(ctx context.Context, args []string) error {
	text, err := options.HelpText(args, e.getenv)
	if errors.Is(err, options.ErrOwnHelp) {
		return e.commands()[args[0]](ctx, []string{"--help"})
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprint(e.stdout, text)
	return nil
}

// printVersion prints the build's version line.
func (e *env) printVersion(_ context.Context, args []string) error {
	o := &options.Options{}
	err := e.parse(e.flags("version", o), args, o)
	if err == nil {
		fmt.Fprintln(e.stdout, ver.Line(Version, Commit, Date))
	}
	return err
}

// akamaiGlobals takes the flags the Akamai CLI puts before the command
// (see options.AkamaiGlobals); they stand for AKAMAI_EDGERC and
// AKAMAI_EDGERC_SECTION, so the run's getenv answers them from now on.
func (e *env) akamaiGlobals(args []string) ([]string, error) {
	args, vars, err := options.AkamaiGlobals(args)
	if err != nil {
		return nil, usageErr(err)
	}
	if len(vars) > 0 {
		getenv := e.getenv
		e.getenv = func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			return getenv(k)
		}
	}
	return args, nil
}

// version is the build's version (see package version).
func version() string { return ver.Name(Version) }

// flags is the named command's flag set (see options.FlagSet).
func (e *env) flags(name string, o *options.Options) *flag.FlagSet {
	return options.FlagSet(name, e.getenv, o)
}

// parse parses args into fs (see options.Parse): -h prints the command's
// help, made from fs; every other error is the user's (exit 2).
func (e *env) parse(fs *flag.FlagSet, args []string, o *options.Options) error {
	err := options.Parse(fs, args, o)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(e.stdout, options.Help(fs))
		return err
	case err != nil:
		return usageErr(err)
	}
	return nil
}

// checkOutputs refuses a purge's output that is a file the run reads
// (see options.CheckOutputs).
func (e *env) checkOutputs(o *options.Options) error {
	if err := options.CheckOutputs(o, e.getenv); err != nil {
		return usageErr(err)
	}
	return nil
}

// source is where the run's credentials come from: the .edgerc and
// section the flags (or AKAMAI_EDGERC*) name, and AKAMAI_* variables
// read through the run's getenv.
func (e *env) source(o *options.Options) ccu.Source {
	return ccu.Source{Edgerc: o.Edgerc, Section: o.Section, FileOnly: o.EdgercSet, SectionSet: o.SectionSet, Getenv: e.getenv}
}
