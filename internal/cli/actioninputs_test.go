package cli

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/action"
	"github.com/ccu-purge/ccu-purge/internal/options"
)

// actionSettings is what the Action's inputs set, as plain data.
type actionSettings struct {
	Repo, Config, From, To, State, Report, Junit, Section, Edgerc string
	SectionSet, EdgercSet, DryRun, Wait, Verbose, Quiet           bool
	Delay, Timeout                                                time.Duration
	Concurrency, BatchSize                                        int
	Overrides                                                     map[string]string
	Verify                                                        options.Verify
}

// TestActionInputsAsFlags: each input is set as purge's flag of its name,
// so the Action's defaults are the flags' (but for to and state), and a
// value the flag refuses is the input's error, worded as it always was.
func TestActionInputsAsFlags(t *testing.T) {
	t.Parallel()
	defaults := actionSettings{Repo: "/ws", Edgerc: "~/.edgerc", Section: "ccu", Timeout: 10 * time.Minute, Concurrency: 8, BatchSize: 500, Overrides: map[string]string{}}
	with := func(f func(*actionSettings)) actionSettings {
		s := defaults
		s.Overrides = map[string]string{}
		f(&s)
		return s
	}
	for _, tc := range []struct {
		name    string
		vars    map[string]string
		want    actionSettings
		wantErr string
	}{
		{"no inputs", nil, defaults, ""},
		{"CCU_PURGE_STATE is the CLI's alone", map[string]string{"CCU_PURGE_STATE": "s.json"}, defaults, ""},
		{"outside a runner the repository is the folder", map[string]string{"GITHUB_WORKSPACE": ""}, with(func(s *actionSettings) { s.Repo = "." }), ""},
		{"range and files", map[string]string{"INPUT_FROM": "v1", "INPUT_TO": "v2", "INPUT_STATE": "s.json", "INPUT_CONFIG": "c.yml", "INPUT_REPORT": "r.json", "INPUT_JUNIT": "j.xml"},
			with(func(s *actionSettings) {
				s.From, s.To, s.State, s.Config, s.Report, s.Junit = "v1", "v2", "s.json", "c.yml", "r.json", "j.xml"
			}), ""},
		{"booleans and the delay", map[string]string{"INPUT_DRY-RUN": "true", "INPUT_WAIT": "1", "INPUT_DELAY": "30s"},
			with(func(s *actionSettings) { s.DryRun, s.Wait, s.Delay = true, true, 30*time.Second }), ""},
		{"config keys", map[string]string{"INPUT_API": "ccu-v2", "INPUT_NETWORK": "staging", "INPUT_ACTION": "delete", "INPUT_QUEUE": "emergency"},
			with(func(s *actionSettings) {
				s.Overrides = map[string]string{"api": "ccu-v2", "network": "staging", "action": "delete", "queue": "emergency"}
			}), ""},
		{"settings of the config", map[string]string{"INPUT_THRESHOLD": "100", "INPUT_UNMATCHED": "error", "INPUT_ON-UNKNOWN-BASE": "cpcode", "INPUT_FETCH": "never"},
			with(func(s *actionSettings) {
				s.Overrides = map[string]string{"threshold": "100", "unmatched": "error", "on_unknown_base": "cpcode", "fetch": "never"}
			}), ""},
		{"budget, sizes and output", map[string]string{"INPUT_TIMEOUT": "2m", "INPUT_BATCH-SIZE": "50", "INPUT_CONCURRENCY": "2", "INPUT_VERBOSE": "true", "INPUT_QUIET": "true"},
			with(func(s *actionSettings) {
				s.Timeout, s.BatchSize, s.Concurrency, s.Verbose, s.Quiet = 2*time.Minute, 50, 2, true, true
			}), ""},
		{"verification", map[string]string{"INPUT_VERIFY": "true", "INPUT_VERIFY-SAMPLE": "all", "INPUT_SITE-DIR": "public", "INPUT_ORIGIN": "https://o",
			"INPUT_ON-STALE": "fail", "INPUT_VERIFY-TIMEOUT": "90s", "INPUT_CONNECT-TO": "a:b\nc:d:8443\n"},
			with(func(s *actionSettings) {
				s.Verify = options.Verify{Enabled: true, Sample: "all", SiteDir: "public", Origin: "https://o", OnStale: "fail",
					Timeout: 90 * time.Second, ConnectTo: []string{"a:b", "c:d:8443"}}
			}), ""},
		{"verify-timeout not a duration", map[string]string{"INPUT_VERIFY-TIMEOUT": "1"}, actionSettings{}, `input verify-timeout must be a duration such as 30s or 2m, not "1"`},
		{"batch-size not a number", map[string]string{"INPUT_BATCH-SIZE": "all"}, actionSettings{}, `input batch-size must be a positive whole number, not "all"`},
		{"section input", map[string]string{"INPUT_SECTION": "prod", "AKAMAI_EDGERC_SECTION": "other"}, with(func(s *actionSettings) { s.Section, s.SectionSet = "prod", true }), ""},
		{"AKAMAI_EDGERC and its section", map[string]string{"AKAMAI_EDGERC": "/e", "AKAMAI_EDGERC_SECTION": "other"},
			with(func(s *actionSettings) { s.Edgerc, s.EdgercSet, s.Section, s.SectionSet = "/e", true, "other", true }), ""},
		{"dry-run not a boolean", map[string]string{"INPUT_DRY-RUN": "yes"}, actionSettings{}, `input dry-run must be true or false, not "yes"`},
		{"wait not a boolean", map[string]string{"INPUT_WAIT": "later"}, actionSettings{}, `input wait must be true or false, not "later"`},
		{"delay not a duration", map[string]string{"INPUT_DELAY": "x"}, actionSettings{}, `input delay must be a duration such as 30s or 2m, not "x"`},
		{"negative delay", map[string]string{"INPUT_DELAY": "-1s"}, actionSettings{}, `input delay must be a duration such as 30s or 2m, not "-1s"`},
		{"the first bad input is named", map[string]string{"INPUT_DELAY": "x", "INPUT_WAIT": "later"}, actionSettings{}, `input wait must be true or false, not "later"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := map[string]string{"GITHUB_WORKSPACE": "/ws"}
			for k, v := range tc.vars {
				vars[k] = v
			}
			e := &env{getenv: func(k string) string { return vars[k] }, stdout: io.Discard}
			o := &options.Options{}
			fs := e.actionFlagSet(o)
			err := action.SetFlags(fs, func(name string) string { return vars["INPUT_"+strings.ToUpper(name)] })
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			options.Named(fs, o)
			got := actionSettings{o.Repo, o.Config, o.From, o.To, o.State, o.Report, o.JUnit, o.Section, o.Edgerc,
				o.SectionSet, o.EdgercSet, o.DryRun, o.Wait, o.Verbose, o.Quiet, o.Delay, o.Timeout, o.Concurrency, o.BatchSize, o.Overrides, o.Verify}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("settings (-want +got):\n%s", d)
			}
		})
	}
}

// TestActionInputsAreFlags: every input the Action sets as a flag is one
// purge defines, and no input is both a flag's and the Action's own.
func TestActionInputsAreFlags(t *testing.T) {
	t.Parallel()
	fs := options.Purge(func(string) string { return "" }, &options.Options{})
	own := map[string]bool{}
	for _, name := range append(action.Own, action.Credentials...) {
		own[name] = true
	}
	for _, name := range action.Flags {
		if fs.Lookup(name) == nil {
			t.Errorf("input %s sets --%s, which purge does not define", name, name)
		}
		if own[name] {
			t.Errorf("input %s is both a flag's and the Action's own", name)
		}
	}
	for name := range action.Defaults {
		if fs.Lookup(name) == nil {
			t.Errorf("the Action's default for --%s names no purge flag", name)
		}
	}
}

// TestEveryPurgeFlagHasAnInput: each of purge's flags is set by an Action
// input of its name, or listed in action.NoInput with the reason, so a new
// flag cannot be forgotten in the Action.
func TestEveryPurgeFlagHasAnInput(t *testing.T) {
	t.Parallel()
	fs := options.Purge(func(string) string { return "" }, &options.Options{})
	fs.VisitAll(func(f *flag.Flag) {
		_, exempt := action.NoInput[f.Name]
		switch has := slices.Contains(action.Flags, f.Name); {
		case !has && !exempt:
			t.Errorf("purge's --%s has no Action input: add it to action.Flags and action.yml, or to action.NoInput with the reason", f.Name)
		case has && exempt:
			t.Errorf("--%s has an Action input and is in action.NoInput: remove it from NoInput", f.Name)
		}
	})
	for name, why := range action.NoInput {
		if fs.Lookup(name) == nil || why == "" {
			t.Errorf("action.NoInput lists %s (%q): name a purge flag, with the reason it has no input", name, why)
		}
	}
}

// TestActionMasksDebugKey: the debug-key input is a secret: masked before
// the log prints anything else, and in no output after.
func TestActionMasksDebugKey(t *testing.T) {
	const key = "0123456789abcdef0123456789abcdef"
	g := hardGHA(t)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "wait": "false", "debug-key": key})
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	masksFirst(t, out, []string{key})
	if strings.Count(out, key) != 1 {
		t.Errorf("the debug key shows %d times in the log, want once (its ::add-mask::):\n%s", strings.Count(out, key), out)
	}
	for _, f := range []string{g.summary, g.output} {
		if strings.Contains(g.file(f), key) {
			t.Errorf("%s holds the debug key", f)
		}
	}
}
