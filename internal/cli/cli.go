// Package cli is the ccu-purge command line: flags, environment, wiring of
// the pipeline (diff → mapper → plan → ccu → report) and exit codes.
package cli

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/redact"
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
		fmt.Fprint(e.stderr, usageText)
		return usagef("no command given: try 'ccu-purge plan --from REV'")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "plan":
		return e.plan(ctx, rest)
	case "purge":
		return e.purge(ctx, rest)
	case "validate":
		return e.validate(rest)
	case "explain":
		return e.explain(rest)
	case "action":
		return e.action(ctx, rest)
	case "status":
		return e.status(ctx, rest)
	case "queue":
		return e.queue(ctx, rest)
	case "simulator":
		return e.simulator(ctx, rest)
	case "demo":
		return e.demo(ctx, rest)
	case "version", "--version", "-version":
		fmt.Fprintln(e.stdout, versionLine())
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(e.stdout, usageText)
		return nil
	}
	return usagef("unknown command %q; valid commands are plan, purge, validate, explain, status, queue, simulator, demo, version, help", cmd)
}

// akamaiGlobals takes the flags the Akamai CLI puts before the command
// when it runs this tool as a package: "akamai --edgerc F ccu-purge purge
// …" (or AKAMAI_EDGERC=F) runs "akamai-ccu-purge --edgerc F purge …". They
// stand for AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION, so a command's own
// --edgerc and --section still win. An account switch key is refused, not
// dropped: purging another account than the one asked for is worse than
// not purging.
func (e *env) akamaiGlobals(args []string) ([]string, error) {
	vars := map[string]string{}
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		name, value, inline := strings.Cut(strings.TrimPrefix(args[0], "--"), "=")
		envName, ok := map[string]string{"edgerc": "AKAMAI_EDGERC", "section": "AKAMAI_EDGERC_SECTION", "accountkey": ""}[name]
		if !ok {
			break // not the Akamai CLI's: "unknown command" below
		}
		args = args[1:]
		if !inline {
			if len(args) == 0 {
				return nil, usagef("--%s before the command needs a value", name)
			}
			value, args = args[0], args[1:]
		}
		if name == "accountkey" {
			return nil, usagef("--accountkey (AKAMAI_EDGERC_ACCOUNT_KEY) is not supported: put account_key = KEY in the .edgerc section instead")
		}
		vars[envName] = value
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

func version() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// versionLine is what `ccu-purge version` prints: the version, the commit
// and the build date, so a bug report names the exact release binary.
func versionLine() string {
	commit, date := Commit, Date
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	return fmt.Sprintf("ccu-purge %s (commit %s, built %s)", version(), cmp.Or(commit, "unknown"), cmp.Or(date, "unknown"))
}

const usageText = `ccu-purge: purge from Akamai's cache exactly what a deploy changed.

Usage:
  ccu-purge plan     --from REV|--state FILE [--to REV] [--output text|json]
                                                                  show what would be purged
  ccu-purge purge    --from REV|--state FILE [--to REV] [--dry-run] [--report FILE]
  ccu-purge validate [--config FILE]                              check the config, list every problem
  ccu-purge explain PATH...                                       which rule a path meets, and what it purges
  ccu-purge status ID|progressUri [--timeout 1m]                  a CCU v2 purge's status
  ccu-purge queue [default|emergency] [--timeout 1m]              a CCU v2 queue's length
  ccu-purge simulator [--dir DIR] [--script LIST]                 run the local CCU simulator (simulator --help)
  ccu-purge demo [--repo DIR]                                     plan and purge the bundled example (built in DIR if missing)
  ccu-purge version | help

Common flags:
  --repo DIR        repository (default ".", parents are searched)
  --config FILE     rules (default .ccu-purge.yml at the repository root;
                    in a bare repository, read from the --to commit)
  --edgerc FILE     Akamai credentials (default $AKAMAI_EDGERC, else ~/.edgerc);
                    without --edgerc or AKAMAI_EDGERC, AKAMAI_CCU_* or
                    AKAMAI_* variables are read first
  --section NAME    .edgerc section (default $AKAMAI_EDGERC_SECTION, else
                    "ccu", then "default")
  --ca-cert FILE    also trust this CA certificate (e.g. the simulator's)
  --verbose         log each request (never credentials)

Choosing the base (plan and purge), first that applies:
  --from REV        the commit the edge serves now
  --state FILE      the last commit purged on the network, recorded in FILE
                    by the last run that purged everything (also
                    CCU_PURGE_STATE); pull and merge requests skip it
  the CI context    GitHub push/pull_request/merge_group, GitLab, Jenkins
  on_unknown_base   when none names a usable base: fail, cpcode or all

Config settings (flags > CCU_PURGE_* variables > the file):
  --api, --network, --action, --queue, --threshold, --on-unknown-base,
  --fetch, --unmatched   e.g. --network staging or CCU_PURGE_NETWORK=staging

purge flags:
  --dry-run         print what would be sent, send nothing (no credentials needed)
  --report FILE     JSON report: every request, purged and notPurged objects
  --junit FILE      JUnit XML report, a test case per request (Jenkins' junit
                    step, GitLab's artifacts:reports:junit)
  --dotenv FILE     the outputs as KEY=value lines (GitLab's dotenv report)
  --wait            wait until purges take effect (v2: poll; Fast Purge: estimatedSeconds)
  --timeout 10m     time budget for retries, pacing, queue waits and --wait
  --concurrency 8   requests in flight
  --delay 0         wait before purging, e.g. 30s, so origins finish syncing
  --batch-size 500  objects per request (also for plan); Fast Purge CP codes
                    go at most 300 a request (the account's bucket)

Examples:
  ccu-purge plan --from v1.4.0
  ccu-purge purge --from "$LAST_DEPLOYED" --to HEAD --report purge-report.json
  ccu-purge purge --state .ccu-purge-state.json   # after a first run with --from

Exit codes: 0 success or nothing to purge, 1 a purge failed,
2 usage, config or input error (nothing was sent).
`

// options are the flags the commands share.
type options struct {
	repo, config, edgerc, section, caCert string
	sectionSet, edgercSet                 bool
	from, to, output, report              string
	state                                 string // --state: the last-purged-commit file, "" for none
	dryRun, verbose                       bool
	timeout                               time.Duration     // purge's time budget; 0 for plan
	batchSize                             int               // objects per request
	help                                  io.Writer         // where -h prints the usage
	overrides                             map[string]string // config keys set by flags
}

func (e *env) flags(name string, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// Run prints the error once with a hint; the flag package would print
	// it again with the whole usage.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	o.help = e.stdout
	fs.StringVar(&o.repo, "repo", ".", "repository folder")
	fs.StringVar(&o.config, "config", "", "config file")
	edgerc, section := e.akamaiDefaults(o)
	fs.StringVar(&o.edgerc, "edgerc", edgerc, ".edgerc file")
	fs.StringVar(&o.section, "section", section, ".edgerc section")
	fs.StringVar(&o.caCert, "ca-cert", "", "extra CA certificate to trust")
	fs.BoolVar(&o.verbose, "verbose", false, "log requests")
	return fs
}

// akamaiDefaults are the .edgerc file and section when no flag names
// them: AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION, the variables the Akamai
// CLI reads for itself and its packages, else ~/.edgerc and "ccu". A
// variable names its file or section as explicitly as the flag does (the
// Akamai CLI turns its own --edgerc into either), so it is marked set:
// the file wins over AKAMAI_CCU_* credentials, and a named section has no
// fallback to "default".
func (e *env) akamaiDefaults(o *options) (edgerc, section string) {
	edgerc, section = e.getenv("AKAMAI_EDGERC"), e.getenv("AKAMAI_EDGERC_SECTION")
	o.edgercSet, o.sectionSet = edgerc != "", section != ""
	return cmp.Or(edgerc, "~/.edgerc"), cmp.Or(section, ccu.DefaultSection)
}

// settingFlags registers a flag per overridable config key (--network,
// --on-unknown-base…); mapper decides precedence: flags > CCU_PURGE_* >
// file.
func settingFlags(fs *flag.FlagSet, o *options) {
	o.overrides = map[string]string{}
	for _, key := range mapper.OverrideKeys() {
		fs.Func(strings.TrimPrefix(mapper.FlagName(key), "--"), "overrides "+key+" of the config", func(v string) error {
			o.overrides[key] = v
			return nil
		})
	}
}

func (e *env) rangeFlags(fs *flag.FlagSet, o *options) {
	settingFlags(fs, o)
	fs.StringVar(&o.from, "from", "", "base revision (the last deployed commit)")
	fs.StringVar(&o.to, "to", "HEAD", "head revision")
	fs.StringVar(&o.state, "state", e.getenv("CCU_PURGE_STATE"), "file that records the last purged commit per network")
	fs.IntVar(&o.batchSize, "batch-size", purge.MaxObjects, "objects per request, at most 500")
}

func parse(fs *flag.FlagSet, args []string, o *options) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(o.help, usageText)
			return err
		}
		return usagef("%s: %v (see 'ccu-purge help')", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q: flags start with --", fs.Arg(0))
	}
	named(fs, o)
	return checkFlags(fs, o)
}

// named marks the .edgerc file and section as named when a flag (or the
// Action's input of that name) set them: a named file wins over AKAMAI_*
// variables, a named section has no fallback.
func named(fs *flag.FlagSet, o *options) {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "section":
			o.sectionSet = true
		case "edgerc":
			o.edgercSet = true
		}
	})
}

// checkFlags checks the values no flag type can: the CLI and the Action
// both pass through it, so a range is the same for both.
func checkFlags(fs *flag.FlagSet, o *options) error {
	if fs.Lookup("batch-size") != nil && (o.batchSize < 1 || o.batchSize > purge.MaxObjects) {
		return usagef("--batch-size %d is out of range: give 1 to %d objects per request", o.batchSize, purge.MaxObjects)
	}
	if o.output != "" && o.output != "text" && o.output != "json" {
		return usagef("unknown --output %q; valid values are \"text\" and \"json\"", o.output)
	}
	return nil
}

// source is where the run's credentials come from: the .edgerc and
// section the flags (or AKAMAI_EDGERC*) name, and AKAMAI_* variables
// read through the run's getenv.
func (e *env) source(o *options) ccu.Source {
	return ccu.Source{Edgerc: o.edgerc, Section: o.section, FileOnly: o.edgercSet, SectionSet: o.sectionSet, Getenv: e.getenv}
}
