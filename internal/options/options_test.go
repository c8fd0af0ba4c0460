package options

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func noEnv(string) string { return "" }

// Parse fills the options with the flags' defaults and values, and says
// what to fix for a bad one.
func TestParsePurge(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
		want Options
		err  string // the whole error; "" = none
	}{
		{name: "defaults", want: Options{Repo: ".", Edgerc: "~/.edgerc", Section: "ccu", To: "HEAD", BatchSize: 500,
			Timeout: 10 * time.Minute, Concurrency: 8, Overrides: map[string]string{}}},
		{name: "AKAMAI_EDGERC names the file and section", env: map[string]string{"AKAMAI_EDGERC": "/e", "AKAMAI_EDGERC_SECTION": "s", "CCU_PURGE_STATE": "st.json"},
			want: Options{Repo: ".", Edgerc: "/e", Section: "s", EdgercSet: true, SectionSet: true, To: "HEAD", State: "st.json", BatchSize: 500,
				Timeout: 10 * time.Minute, Concurrency: 8, Overrides: map[string]string{}}},
		{name: "flags", args: []string{"--from", "v1", "--section", "x", "--network", "staging", "--on-unknown-base", "all", "--dry-run", "--wait",
			"--delay", "30s", "--batch-size", "7", "--report", "r.json", "--junit", "j.xml", "--dotenv", "d.env"},
			want: Options{Repo: ".", Edgerc: "~/.edgerc", Section: "x", SectionSet: true, From: "v1", To: "HEAD", BatchSize: 7,
				DryRun: true, Wait: true, Delay: 30 * time.Second, Report: "r.json", JUnit: "j.xml", Dotenv: "d.env",
				Timeout: 10 * time.Minute, Concurrency: 8, Overrides: map[string]string{"network": "staging", "on_unknown_base": "all"}}},
		{name: "batch size 0", args: []string{"--batch-size", "0"}, err: "--batch-size 0 is out of range: give 1 to 500 objects per request"},
		{name: "batch size 501", args: []string{"--batch-size", "501"}, err: "--batch-size 501 is out of range: give 1 to 500 objects per request"},
		{name: "unknown flag", args: []string{"--form", "v1"}, err: "unknown flag --form for purge; did you mean --from? (see 'ccu-purge help purge')"},
		{name: "an argument", args: []string{"v1"}, err: `unexpected argument "v1": flags start with --`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := &Options{}
			fs := Purge(func(k string) string { return tc.env[k] }, o)
			err := Parse(fs, tc.args, o)
			if got := errText(err); got != tc.err {
				t.Fatalf("error %q, want %q", got, tc.err)
			}
			if tc.err == "" {
				if d := cmp.Diff(tc.want, *o); d != "" {
					t.Errorf("options (-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	t.Parallel()
	o := &Options{}
	if err := Parse(Common("validate", noEnv, o), []string{"-h"}, o); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("Parse(-h) = %v, want flag.ErrHelp", err)
	}
}

func TestOutputFlag(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ value, err string }{
		{"json", ""}, {"text", ""}, {"yaml", `unknown --output "yaml"; valid values are "text" and "json"`},
	} {
		o := &Options{}
		fs := Common("plan", noEnv, o)
		Output(fs, o)
		if got := errText(Parse(fs, []string{"--output", tc.value}, o)); got != tc.err {
			t.Errorf("--output %s: error %q, want %q", tc.value, got, tc.err)
		}
	}
}

func TestChecks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		got  error
		want string
	}{
		{"purge defaults", CheckPurge(&Options{Timeout: time.Minute, Concurrency: 8}), ""},
		{"no timeout", CheckPurge(&Options{Concurrency: 8}), "--timeout and --concurrency must be positive"},
		{"no concurrency", CheckPurge(&Options{Timeout: time.Minute}), "--timeout and --concurrency must be positive"},
		{"negative delay", CheckPurge(&Options{Timeout: time.Minute, Concurrency: 1, Delay: -time.Second}), "--delay -1s is negative: give a duration such as 30s, or 0 for none"},
		{"query", CheckQuery(&Options{Timeout: time.Second}), ""},
		{"query without time", CheckQuery(&Options{}), "--timeout must be positive"},
	} {
		if got := errText(tc.got); got != tc.want {
			t.Errorf("%s: error %q, want %q", tc.name, got, tc.want)
		}
	}
}

// Flags may follow the arguments; "--" ends them; a value is taken with
// its flag, a boolean flag takes none.
func TestSplitArgs(t *testing.T) {
	t.Parallel()
	o := &Options{}
	fs := Common("explain", noEnv, o)
	Output(fs, o)
	for _, tc := range []struct {
		args, flags, rest []string
	}{
		{[]string{"a.html", "--output", "json", "b.html"}, []string{"--output", "json"}, []string{"a.html", "b.html"}},
		{[]string{"--verbose", "a.html"}, []string{"--verbose"}, []string{"a.html"}},
		{[]string{"--output=json", "a"}, []string{"--output=json"}, []string{"a"}},
		{[]string{"a", "--", "--output"}, nil, []string{"a", "--output"}},
		{[]string{"--nope", "a"}, []string{"--nope"}, []string{"a"}},
		{[]string{"-", "--output"}, []string{"--output"}, []string{"-"}},
	} {
		flags, rest := SplitArgs(fs, tc.args)
		if d := cmp.Diff([2][]string{tc.flags, tc.rest}, [2][]string{flags, rest}); d != "" {
			t.Errorf("SplitArgs(%q) (-want +got):\n%s", tc.args, d)
		}
	}
}

// A purge's outputs may not be the files it reads, nor one another.
func TestCheckOutputs(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	repo := t.TempDir()
	if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := func(k string) string { return map[string]string{"HOME": home, "USERPROFILE": home}[k] }
	edgerc := filepath.Join(home, ".edgerc")
	for _, tc := range []struct {
		name string
		o    Options
		want string
	}{
		{"distinct files", Options{Repo: repo, Report: "r.json", Dotenv: "d.env", JUnit: "j.xml"}, ""},
		{"report over the state", Options{Repo: repo, State: "s.json", Report: "s.json"},
			"--report s.json is the state file (--state) s.json: writing it would destroy that file; give --report another path"},
		{"dotenv over the config", Options{Repo: repo, Dotenv: filepath.Join(repo, ".ccu-purge.yml")},
			"--dotenv " + filepath.Join(repo, ".ccu-purge.yml") + " is the config file " + filepath.Join(repo, ".ccu-purge.yml") + ": writing it would destroy that file; give --dotenv another path"},
		{"junit over ~/.edgerc", Options{Repo: repo, Edgerc: "~/.edgerc", JUnit: edgerc},
			"--junit " + edgerc + " is the credentials file (--edgerc) " + edgerc + ": writing it would destroy that file; give --junit another path"},
		{"report over the CA", Options{Repo: repo, CACert: "ca.pem", Report: "./ca.pem"},
			"--report ./ca.pem is the CA certificate (--ca-cert) ca.pem: writing it would destroy that file; give --report another path"},
		{"two outputs in one file", Options{Repo: repo, Report: "x", JUnit: "x"}, "--report and --junit name one file, x: give each its own path"},
		{"two outputs on a device", Options{Repo: repo, Report: os.DevNull, Dotenv: os.DevNull}, ""},
	} {
		if got := errText(CheckOutputs(&tc.o, env)); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestAkamaiGlobals(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args, rest []string
		vars       map[string]string
		err        string
	}{
		{[]string{"purge", "--edgerc", "x"}, []string{"purge", "--edgerc", "x"}, map[string]string{}, ""},
		{[]string{"--edgerc", "/e", "--section=s", "purge"}, []string{"purge"}, map[string]string{"AKAMAI_EDGERC": "/e", "AKAMAI_EDGERC_SECTION": "s"}, ""},
		{[]string{"--verbose", "plan"}, []string{"--verbose", "plan"}, map[string]string{}, ""},
		{[]string{"--section"}, nil, nil, "--section before the command needs a value"},
		{[]string{"--accountkey", "K", "purge"}, nil, nil, "--accountkey (AKAMAI_EDGERC_ACCOUNT_KEY) is not supported: put account_key = KEY in the .edgerc section instead"},
	} {
		rest, vars, err := AkamaiGlobals(tc.args)
		if got := errText(err); got != tc.err {
			t.Errorf("AkamaiGlobals(%q): error %q, want %q", tc.args, got, tc.err)
			continue
		}
		if d := cmp.Diff([]any{tc.rest, tc.vars}, []any{rest, vars}); d != "" {
			t.Errorf("AkamaiGlobals(%q) (-want +got):\n%s", tc.args, d)
		}
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return strings.TrimSpace(err.Error())
}
