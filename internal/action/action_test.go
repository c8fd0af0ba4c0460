package action

import (
	"flag"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// given reads inputs from a map, as the runner's INPUT_* variables.
func given(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// settings are the flags SetFlags can set, as plain data.
type settings struct {
	Config, From, To, State, API, Network, Action, Queue, Report, Junit, Section string
	Threshold, Unmatched, OnUnknownBase, Fetch                                   string
	DryRun, Wait, Verbose, Quiet                                                 bool
	Delay, Timeout                                                               time.Duration
	BatchSize, Concurrency                                                       int
	// The verification's.
	Verify                           bool
	Sample, SiteDir, Origin, OnStale string
	ConnectTo                        []string
	VerifyTimeout                    time.Duration
}

// flags is a FlagSet with one flag of each input, of the type purge gives
// it, and the defaults purge has.
func flags(s *settings) *flag.FlagSet {
	fs := flag.NewFlagSet("purge", flag.ContinueOnError)
	for name, p := range map[string]*string{"config": &s.Config, "from": &s.From, "state": &s.State, "api": &s.API, "network": &s.Network,
		"action": &s.Action, "queue": &s.Queue, "report": &s.Report, "junit": &s.Junit,
		"threshold": &s.Threshold, "unmatched": &s.Unmatched, "on-unknown-base": &s.OnUnknownBase, "fetch": &s.Fetch} {
		fs.StringVar(p, name, "", "")
	}
	fs.StringVar(&s.To, "to", "HEAD", "")
	fs.StringVar(&s.Section, "section", "ccu", "")
	fs.BoolVar(&s.DryRun, "dry-run", false, "")
	fs.BoolVar(&s.Wait, "wait", false, "")
	fs.DurationVar(&s.Delay, "delay", 0, "")
	fs.DurationVar(&s.Timeout, "timeout", 10*time.Minute, "")
	fs.IntVar(&s.BatchSize, "batch-size", 500, "")
	fs.IntVar(&s.Concurrency, "concurrency", 8, "")
	fs.BoolVar(&s.Verbose, "verbose", false, "")
	fs.BoolVar(&s.Quiet, "quiet", false, "")
	fs.BoolVar(&s.Verify, "verify", false, "")
	for name, p := range map[string]*string{"sample": &s.Sample, "site-dir": &s.SiteDir, "origin": &s.Origin, "on-stale": &s.OnStale} {
		fs.StringVar(p, name, "", "")
	}
	fs.Func("connect-to", "", func(v string) error {
		s.ConnectTo = append(s.ConnectTo, v)
		return nil
	})
	fs.DurationVar(&s.VerifyTimeout, "verify-timeout", 0, "")
	return fs
}

func TestSetFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      map[string]string
		want    settings
		wantErr string
	}{
		{"none keeps the defaults", nil, settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8}, ""},
		{"strings", map[string]string{"config": "c.yml", "from": "v1", "to": "v2", "state": "s.json", "report": "r.json", "junit": "j.xml", "section": "prod"},
			settings{Config: "c.yml", From: "v1", To: "v2", State: "s.json", Report: "r.json", Junit: "j.xml", Section: "prod", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8}, ""},
		{"config keys", map[string]string{"api": "ccu-v2", "network": "staging", "action": "delete", "queue": "emergency"},
			settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8, API: "ccu-v2", Network: "staging", Action: "delete", Queue: "emergency"}, ""},
		{"booleans and a duration", map[string]string{"dry-run": "true", "wait": "0", "delay": "2m"}, settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8, DryRun: true, Delay: 2 * time.Minute}, ""},
		{"an input that is no flag's is not read", map[string]string{"fail-on": "never", "host": "h"}, settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8}, ""},
		{"settings", map[string]string{"threshold": "100", "unmatched": "error", "on-unknown-base": "cpcode", "fetch": "never"},
			settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8, Threshold: "100", Unmatched: "error", OnUnknownBase: "cpcode", Fetch: "never"}, ""},
		{"budget, sizes and output", map[string]string{"timeout": "2m", "batch-size": "50", "concurrency": "2", "verbose": "true", "quiet": "true"},
			settings{To: "HEAD", Section: "ccu", Timeout: 2 * time.Minute, BatchSize: 50, Concurrency: 2, Verbose: true, Quiet: true}, ""},
		{"verification", map[string]string{"verify": "true", "verify-sample": "10%", "site-dir": "public", "origin": "https://o", "on-stale": "fail", "verify-timeout": "2m",
			"connect-to": "www.example.com:www.example.com.edgekey-staging.net\r\n\n  static.example.com:192.0.2.1:8443  \n"},
			settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8, Verify: true, Sample: "10%", SiteDir: "public",
				Origin: "https://o", OnStale: "fail", VerifyTimeout: 2 * time.Minute,
				ConnectTo: []string{"www.example.com:www.example.com.edgekey-staging.net", "static.example.com:192.0.2.1:8443"}}, ""},
		{"the sample's input is verify-sample, not sample", map[string]string{"sample": "all"}, settings{To: "HEAD", Section: "ccu", Timeout: 10 * time.Minute, BatchSize: 500, Concurrency: 8}, ""},
		{"verify not a boolean", map[string]string{"verify": "please"}, settings{}, `input verify must be true or false, not "please"`},
		{"verify-timeout negative", map[string]string{"verify-timeout": "-5s"}, settings{}, `input verify-timeout must be a duration such as 30s or 2m, not "-5s"`},
		{"batch-size not a number", map[string]string{"batch-size": "many"}, settings{}, `input batch-size must be a positive whole number, not "many"`},
		{"batch-size zero", map[string]string{"batch-size": "0"}, settings{}, `input batch-size must be a positive whole number, not "0"`},
		{"concurrency negative", map[string]string{"concurrency": "-2"}, settings{}, `input concurrency must be a positive whole number, not "-2"`},
		{"timeout not a duration", map[string]string{"timeout": "10"}, settings{}, `input timeout must be a duration such as 30s or 2m, not "10"`},
		{"quiet not a boolean", map[string]string{"quiet": "very"}, settings{}, `input quiet must be true or false, not "very"`},
		{"dry-run not a boolean", map[string]string{"dry-run": "x"}, settings{}, `input dry-run must be true or false, not "x"`},
		{"wait not a boolean", map[string]string{"wait": "soon"}, settings{}, `input wait must be true or false, not "soon"`},
		{"delay not a duration", map[string]string{"delay": "x"}, settings{}, `input delay must be a duration such as 30s or 2m, not "x"`},
		{"negative delay", map[string]string{"delay": "-30s"}, settings{}, `input delay must be a duration such as 30s or 2m, not "-30s"`},
		{"dry-run is checked before delay", map[string]string{"delay": "x", "dry-run": "x"}, settings{}, `input dry-run must be true or false, not "x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got settings
			err := SetFlags(flags(&got), given(tc.in))
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("settings (-want +got):\n%s", d)
			}
		})
	}
}

func TestCheckFailOn(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, wantErr string }{
		{"", "error", ""},
		{"error", "error", ""},
		{"warning", "warning", ""},
		{"never", "never", ""},
		{"always", "", `unknown fail-on "always"; valid values are ["error" "warning" "never"]`},
	} {
		got, err := CheckFailOn(given(map[string]string{"fail-on": tc.in}))
		if got != tc.want || (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
			t.Errorf("fail-on %q: %q, %v; want %q, %q", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestCheckLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      map[string]string
		wantErr string
	}{
		{"one line each", map[string]string{"config": "c.yml", "host": "h", "fail-on": "never"}, ""},
		{"the edgerc input has many", map[string]string{"edgerc": "[ccu]\nhost = h\n"}, ""},
		{"a line break in a path", map[string]string{"report": "r.json\n::error::x"}, "input report holds a control character (a line break or tab): give it on one line"},
		{"a tab in a credential", map[string]string{"client-secret": "a\tb"}, "input client-secret holds a control character (a line break or tab): give it on one line"},
		{"fail-on is checked", map[string]string{"fail-on": "never\r"}, "input fail-on holds a control character (a line break or tab): give it on one line"},
		{"connect-to has a rule a line", map[string]string{"connect-to": "a:b\r\nc:d\n"}, ""},
		{"a tab in a connect-to rule", map[string]string{"connect-to": "a:b\nc:\td"}, "input connect-to holds a control character (a line break or tab): give it on one line"},
		{"a renamed input is checked", map[string]string{"verify-sample": "1\n::error::x"}, "input verify-sample holds a control character (a line break or tab): give it on one line"},
		{"the debug key is checked", map[string]string{"debug-key": "00\n11"}, "input debug-key holds a control character (a line break or tab): give it on one line"},
	} {
		err := CheckLines(given(tc.in))
		if (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestEdgerc(t *testing.T) {
	t.Parallel()
	four := map[string]string{"host": "akab-h.purge.akamaiapis.net", "client-token": "ct", "client-secret": "cs", "access-token": "at"}
	for _, tc := range []struct {
		name, section string
		in            map[string]string
		want, wantErr string
	}{
		{"none", "ccu", nil, "", ""},
		{"the edgerc input as it is", "ccu", map[string]string{"edgerc": "[default]\nhost = x\n"}, "[default]\nhost = x\n", ""},
		{"the four inputs, in the section", "prod", four, "[prod]\nhost = akab-h.purge.akamaiapis.net\nclient_token = ct\nclient_secret = cs\naccess_token = at\n", ""},
		{"both", "ccu", map[string]string{"edgerc": "[ccu]\n", "host": "h"}, "", "give either the edgerc input or the four credential inputs, not both"},
		{"some of the four", "ccu", map[string]string{"host": "h", "client-token": "ct"}, "", "credential inputs client-secret, access-token are missing (host, client-token, client-secret and access-token go together)"},
	} {
		got, err := Edgerc(given(tc.in), tc.section)
		if got != tc.want || (err == nil) != (tc.wantErr == "") || err != nil && err.Error() != tc.wantErr {
			t.Errorf("%s: %q, %v; want %q, %q", tc.name, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestMaskValues(t *testing.T) {
	t.Parallel()
	content := "[ccu]\n# a comment\n; another\n\n  client_secret = s3cr3t  \nhost: h.example\nbare-line\nempty =\n"
	want := []string{"client_secret = s3cr3t", "s3cr3t", "host: h.example", "h.example", "bare-line", "empty ="}
	if d := cmp.Diff(want, MaskValues(content)); d != "" {
		t.Errorf("masks (-want +got):\n%s", d)
	}
}

// TestAll: every input once, the inputs of Flags first, in their order.
func TestAll(t *testing.T) {
	t.Parallel()
	all := All()
	for i, f := range Flags {
		if all[i] != Input(f) {
			t.Errorf("All()[%d] = %q, want the input of --%s, %q", i, all[i], f, Input(f))
		}
	}
	for f, in := range Renamed {
		if !slices.Contains(Flags, f) || slices.Contains(all, f) || in == f {
			t.Errorf("Renamed %s → %s: the flag must be in Flags, and only its new name an input", f, in)
		}
	}
	if !slices.Contains(Secrets(), DebugKey) || !slices.Contains(Own, DebugKey) {
		t.Errorf("the debug-key input is not masked (Secrets %q) or not the Action's own (Own %q)", Secrets(), Own)
	}
	seen := map[string]bool{}
	for _, name := range all {
		if seen[name] {
			t.Errorf("input %s is listed twice", name)
		}
		seen[name] = true
	}
	for name := range Defaults {
		if !slices.Contains(Flags, name) {
			t.Errorf("Defaults names %s, which is no input's flag", name)
		}
	}
}

func TestWriteEdgerc(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path, err := WriteEdgerc(given(map[string]string{"edgerc": "[ccu]\nhost = h\n"}), dir, "ccu")
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the .edgerc at %s: %v, mode %v; want 0600", path, err, fi.Mode().Perm())
	}
	if path, err := WriteEdgerc(given(nil), dir, "ccu"); path != "" || err != nil {
		t.Errorf("no inputs: %q, %v; want none", path, err)
	}
	if _, err := WriteEdgerc(given(map[string]string{"edgerc": "x", "host": "h"}), dir, "ccu"); err == nil {
		t.Error("both the edgerc and a credential input: no error")
	}
}

// Getenv hands the debug-key input to the run as AKAMAI_DEBUG_KEY, over
// the runner's variable, and every other name to getenv.
func TestGetenv(t *testing.T) {
	t.Parallel()
	runner := given(map[string]string{"AKAMAI_DEBUG_KEY": "runner", "HOME": "/home/r"})
	for _, tc := range []struct {
		name        string
		in          map[string]string
		key, others string
	}{
		{"the input wins", map[string]string{"debug-key": "input"}, "input", "/home/r"},
		{"no input: the runner's", nil, "runner", "/home/r"},
	} {
		env := Getenv(runner, given(tc.in))
		if got := env("AKAMAI_DEBUG_KEY"); got != tc.key {
			t.Errorf("%s: AKAMAI_DEBUG_KEY = %q, want %q", tc.name, got, tc.key)
		}
		if got := env("HOME"); got != tc.others {
			t.Errorf("%s: HOME = %q, want %q", tc.name, got, tc.others)
		}
	}
}

func TestMasks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   []string
		want []string
	}{
		{"none", nil, nil},
		{"empty values", []string{"", ""}, nil},
		{"each once, in the first order", []string{"tok", "", "sec", "tok", "host", "sec"}, []string{"tok", "sec", "host"}},
	} {
		if d := cmp.Diff(tc.want, Masks(tc.in)); d != "" {
			t.Errorf("%s: Masks (-want +got):\n%s", tc.name, d)
		}
	}
}
