// Package options holds every command's flags: their names, defaults and
// validation, the checks of the files a purge writes against the files it
// reads, and the help text. The command line and the GitHub Action (whose
// inputs are set as these same flags) parse through it, so a default or a
// range can never differ between them. It reads the environment only
// through the getenv it is given, and returns errors without printing:
// every error it returns is the user's to fix (exit 2), and flag.ErrHelp
// means -h was asked for.
package options

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Options are the flags of one run; a command registers the ones it takes.
type Options struct {
	Repo, Config, Edgerc, Section, CACert string
	// EdgercSet and SectionSet are true when a flag, AKAMAI_EDGERC(_SECTION)
	// or the Action's input named the file or section: a named file wins
	// over AKAMAI_* variables, a named section has no fallback.
	EdgercSet, SectionSet bool
	From, To              string
	State                 string // --state: the last-purged-commit file, "" for none
	Output                string // plan and explain: text or json
	DryRun, Verbose       bool
	Quiet                 bool              // plan and purge: the text plan without its long lists
	BatchSize             int               // objects per request
	Overrides             map[string]string // config keys set by flags
	// Report, Dotenv and JUnit are the files a purge writes at its end.
	Report, Dotenv, JUnit string
	Wait                  bool
	// Timeout is the time budget of a purge (retries, pacing, queue waits,
	// --wait) or of a status or queue call; 0 for plan, which sends nothing.
	Timeout     time.Duration
	Concurrency int
	// Delay is a pause before the first request, so origins (NetStorage
	// replicas, several origin servers) can finish syncing the deploy:
	// purging before they have it lets the edge re-cache the old files.
	Delay time.Duration
	// URLs, CPCodes, Tags and ObjectsFrom name an ad-hoc purge's objects
	// (see Adhoc); ObjectsFrom is a file, "-" for stdin.
	URLs, CPCodes, Tags []string
	ObjectsFrom         string
	// Manifest is where build-output mode keeps the last purged build's
	// manifest (--manifest); ExplainOutput is plan --explain-output's
	// path, PreviousDir the previous build it compares with in full.
	Manifest, ExplainOutput, PreviousDir string
	// Limits reads the account's rate limits before a Fast Purge run and
	// paces from them (ccu.Client.RateLimitStatus).
	Limits bool
	// Verify are the verification's flags (verify, purge --verify).
	Verify Verify
}

// Common is a flag set with the flags of every command that may talk to
// Akamai: Local's, the credentials, --ca-cert and --verbose. getenv supplies AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION.
func Common(name string, getenv func(string) string, o *Options) *flag.FlagSet {
	fs := Local(name, o)
	edgerc, section := akamaiDefaults(getenv, o)
	fs.StringVar(&o.Edgerc, "edgerc", edgerc, ".edgerc file")
	fs.StringVar(&o.Section, "section", section, ".edgerc section")
	fs.StringVar(&o.CACert, "ca-cert", "", "extra CA certificate to trust")
	fs.BoolVar(&o.Verbose, "verbose", false, "log requests")
	return fs
}

// Local is the flag set of a command that reads the repository and the
// config only (validate, explain): no credential, CA or request-log
// flags, which it would accept and ignore.
func Local(name string, o *Options) *flag.FlagSet {
	fs := newFlagSet(name)
	fs.StringVar(&o.Repo, "repo", ".", "repository folder")
	fs.StringVar(&o.Config, "config", "", "config file")
	return fs
}

// newFlagSet is an empty flag set that neither prints nor exits.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	// The caller prints the error once with a hint; the flag package would
	// print it again with the whole usage.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// akamaiDefaults are the .edgerc file and section when no flag names
// them: AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION, the variables the Akamai
// CLI reads for itself and its packages, else ~/.edgerc and "ccu". A
// variable names its file or section as explicitly as the flag does (the
// Akamai CLI turns its own --edgerc into either), so it is marked set:
// the file wins over AKAMAI_CCU_* credentials, and a named section has no
// fallback to "default".
func akamaiDefaults(getenv func(string) string, o *Options) (edgerc, section string) {
	edgerc, section = getenv("AKAMAI_EDGERC"), getenv("AKAMAI_EDGERC_SECTION")
	o.EdgercSet, o.SectionSet = edgerc != "", section != ""
	return cmp.Or(edgerc, "~/.edgerc"), cmp.Or(section, ccu.DefaultSection)
}

// Range adds the flags that choose what to purge (plan and purge): the
// range, the state file, the batch size, --quiet (how the plan prints) and
// a flag per overridable config key (--network, --on-unknown-base…; mapper
// decides precedence: flags > CCU_PURGE_* > file).
func Range(fs *flag.FlagSet, getenv func(string) string, o *Options) {
	o.Overrides = map[string]string{}
	for _, key := range mapper.OverrideKeys() {
		fs.Func(strings.TrimPrefix(mapper.FlagName(key), "--"), "overrides "+key+" of the config", func(v string) error {
			o.Overrides[key] = v
			return nil
		})
	}
	fs.StringVar(&o.From, "from", "", "base revision (the last deployed commit)")
	fs.StringVar(&o.To, "to", "HEAD", "head revision")
	fs.StringVar(&o.State, "state", getenv("CCU_PURGE_STATE"), "file that records the last purged commit per network")
	fs.IntVar(&o.BatchSize, "batch-size", purge.MaxObjects, "objects per request, at most 500")
	fs.BoolVar(&o.Quiet, "quiet", false, "print the plan without its lists of changes, objects and ignored files")
}

// Purge is purge's flag set: the common flags, the range and settings,
// and purge's own. The Action sets its inputs into it, and the GitLab
// component's test reads it, so an input can never map onto a flag that
// does not exist.
func Purge(getenv func(string) string, o *Options) *flag.FlagSet {
	fs := Common("purge", getenv, o)
	Range(fs, getenv, o)
	fs.BoolVar(&o.DryRun, "dry-run", false, "print what would be sent, send nothing")
	fs.StringVar(&o.Report, "report", "", "write a JSON report of every batch to FILE")
	fs.StringVar(&o.Dotenv, "dotenv", "", "write the outputs as KEY=value lines to FILE (GitLab's dotenv report)")
	fs.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report, a test case per request, to FILE")
	fs.BoolVar(&o.Wait, "wait", false, "wait until the purges have taken effect")
	fs.DurationVar(&o.Timeout, "timeout", 10*time.Minute, "time budget for submitting (and --wait)")
	fs.IntVar(&o.Concurrency, "concurrency", ccu.DefaultConcurrency, "requests in flight")
	fs.DurationVar(&o.Delay, "delay", 0, "wait this long before purging (origin replication)")
	Objects(fs, o)
	fs.StringVar(&o.Manifest, "manifest", "", "build-output mode: the last purged build's manifest (read, then replaced once everything was purged)")
	fs.BoolVar(&o.Verify.Enabled, "verify", false, "after the purges took effect, check a sample of the URLs through the edge (see 'ccu-purge help verify')")
	VerifyFlags(fs, o)
	return fs
}

// VerifyCommand is verify's flag set: where the URLs come from (a
// report, --url, or a plan's range), the outputs and the verification's
// knobs. It sends nothing to Akamai's API, so it takes no credentials.
func VerifyCommand(getenv func(string) string, o *Options) *flag.FlagSet {
	fs := newFlagSet("verify")
	fs.StringVar(&o.Repo, "repo", ".", "repository folder (for a plan's range)")
	fs.StringVar(&o.Config, "config", "", "config file")
	fs.StringVar(&o.CACert, "ca-cert", "", "extra CA certificate to trust (the edge's, as the simulator's)")
	fs.BoolVar(&o.Verbose, "verbose", false, "log each request and answer")
	fs.StringVar(&o.Report, "report", "", "check the URLs of this purge report, and write the results back into it")
	fs.Func("url", "check this URL (repeatable)", appendTo(&o.URLs))
	fs.StringVar(&o.From, "from", "", "check the URLs a plan from this revision purges")
	fs.StringVar(&o.To, "to", "HEAD", "head revision of the plan")
	fs.StringVar(&o.State, "state", getenv("CCU_PURGE_STATE"), "the plan's base is the last purged commit in FILE")
	o.Overrides = map[string]string{}
	fs.Func("network", "overrides network of the config (staging uses its staging_edge)", func(v string) error {
		o.Overrides["network"] = v
		return nil
	})
	Output(fs, o)
	fs.StringVar(&o.JUnit, "junit", "", "write a JUnit XML report, a test case per URL, to FILE")
	fs.BoolVar(&o.Quiet, "quiet", false, "print only the stale and unknown URLs and the summary")
	VerifyFlags(fs, o)
	return fs
}

// Output adds --output (plan, explain).
func Output(fs *flag.FlagSet, o *Options) {
	fs.StringVar(&o.Output, "output", "text", "text or json")
}

// Query adds the time budget of a status or queue call.
func Query(fs *flag.FlagSet, o *Options) {
	fs.DurationVar(&o.Timeout, "timeout", time.Minute, "time budget for the request")
}

// Parse parses args into fs and checks the values: flag.ErrHelp for -h,
// else an error saying what to fix.
func Parse(fs *flag.FlagSet, args []string, o *Options) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return flagError(fs, err)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: flags start with --", fs.Arg(0))
	}
	Named(fs, o)
	return Check(fs, o)
}

// Named marks the .edgerc file and section as named when a flag (or the
// Action's input of that name) set them: a named file wins over AKAMAI_*
// variables, a named section has no fallback.
func Named(fs *flag.FlagSet, o *Options) {
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "section":
			o.SectionSet = true
		case "edgerc":
			o.EdgercSet = true
		}
	})
}

// Check checks the values no flag type can: the CLI and the Action both
// pass through it, so a range is the same for both.
func Check(fs *flag.FlagSet, o *Options) error {
	if fs.Lookup("batch-size") != nil && (o.BatchSize < 1 || o.BatchSize > purge.MaxObjects) {
		return fmt.Errorf("--batch-size %d is out of range: give 1 to %d objects per request", o.BatchSize, purge.MaxObjects)
	}
	if err := checkAdhoc(fs, o); err != nil {
		return err
	}
	if err := checkVerify(fs, o); err != nil {
		return err
	}
	if o.Output != "" && o.Output != "text" && o.Output != "json" {
		return fmt.Errorf("unknown --output %q;%s valid values are \"text\" and \"json\"", o.Output, suggest.Hint(o.Output, []string{"text", "json"}))
	}
	return nil
}

// CheckQuery checks a status or queue call's time budget.
func CheckQuery(o *Options) error {
	if o.Timeout <= 0 {
		return errors.New("--timeout must be positive")
	}
	return nil
}

// CheckPurge checks purge's budget and pauses.
func CheckPurge(o *Options) error {
	if o.Timeout <= 0 || o.Concurrency <= 0 {
		return errors.New("--timeout and --concurrency must be positive")
	}
	if o.Delay < 0 {
		return fmt.Errorf("--delay %v is negative: give a duration such as 30s, or 0 for none", o.Delay)
	}
	return nil
}

// SplitArgs separates flags from arguments so flags may follow them
// (explain a.html --output json, status ID --timeout 2m), where the flag
// package alone would stop at the first argument; "--" ends the flags.
func SplitArgs(fs *flag.FlagSet, args []string) (flags, rest []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(rest, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") || isBool(fs, name) || i+1 == len(args) {
			continue
		}
		i++
		flags = append(flags, args[i])
	}
	return flags, rest
}

func isBool(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return true // unknown: Parse reports it; do not swallow an argument
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// AkamaiGlobals takes the flags the Akamai CLI puts before the command
// when it runs this tool as a package: "akamai --edgerc F ccu-purge purge
// …" (or AKAMAI_EDGERC=F) runs "akamai-ccu-purge --edgerc F purge …". It
// returns the rest of the arguments and the variables the flags stand
// for (AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION), so a command's own
// --edgerc and --section still win. An account switch key is refused, not
// dropped: purging another account than the one asked for is worse than
// not purging.
func AkamaiGlobals(args []string) ([]string, map[string]string, error) {
	vars := map[string]string{}
	for len(args) > 0 && strings.HasPrefix(args[0], "--") {
		name, value, inline := strings.Cut(strings.TrimPrefix(args[0], "--"), "=")
		envName, ok := map[string]string{"edgerc": "AKAMAI_EDGERC", "section": "AKAMAI_EDGERC_SECTION", "accountkey": ""}[name]
		if !ok {
			break // not the Akamai CLI's: the command (or an unknown one) starts here
		}
		args = args[1:]
		if !inline {
			if len(args) == 0 {
				return nil, nil, fmt.Errorf("--%s before the command needs a value", name)
			}
			value, args = args[0], args[1:]
		}
		if name == "accountkey" {
			return nil, nil, errors.New("--accountkey (AKAMAI_EDGERC_ACCOUNT_KEY) is not supported: put account_key = KEY in the .edgerc section instead")
		}
		vars[envName] = value
	}
	return args, vars, nil
}
