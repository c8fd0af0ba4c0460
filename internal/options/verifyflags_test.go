package options

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// The verify command and purge --verify parse their flags into Verify,
// and refuse what they cannot run, naming the flag, before anything is
// sent.
func TestParseVerify(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cmd  string
		args []string
		env  map[string]string
		want Verify
		err  string // a fragment of the error; "" = none
	}{
		{name: "a report", cmd: "verify", args: []string{"--report", "r.json"}},
		{name: "urls", cmd: "verify", args: []string{"--url", "https://a/", "--url", "https://b/"}},
		{name: "a range is one source", cmd: "verify", args: []string{"--from", "v1", "--to", "v2"}},
		{name: "a state file", cmd: "verify", args: []string{"--state", "s.json"}},
		{name: "every knob", cmd: "verify", args: []string{"--report", "r.json", "--sample", "10%", "--seed", "0", "--site-dir", "public",
			"--connect-to", "a:b", "--connect-to", "c:[::1]:8443", "--verify-timeout", "2m", "--verify-concurrency", "64",
			"--origin", "https://o.example.com/", "--debug", "pragma", "--on-stale", "fail"},
			want: Verify{Sample: "10%", SeedSet: true, SiteDir: "public", ConnectTo: []string{"a:b", "c:[::1]:8443"},
				Timeout: 2 * time.Minute, Concurrency: 64, Origin: "https://o.example.com/", Debug: "pragma", OnStale: "fail"}},
		{name: "purge --verify", cmd: "purge", args: []string{"--from", "v1", "--verify", "--sample", "all"}, want: Verify{Enabled: true, Sample: "all"}},
		{name: "purge takes the knobs without --verify", cmd: "purge", args: []string{"--dry-run", "--sample", "3"}, want: Verify{Sample: "3"}},
		{name: "CCU_PURGE_STATE is no source", cmd: "verify", env: map[string]string{"CCU_PURGE_STATE": "s.json"},
			err: "verify needs the URLs to check: give --report FILE"},
		{name: "no source", cmd: "verify", err: "verify needs the URLs to check: give --report FILE (a purge's report), --url URL, or a plan's range"},
		{name: "report and url", cmd: "verify", args: []string{"--url", "https://a/", "--report", "r.json"},
			err: "--report and --url both name the URLs to check"},
		{name: "url and a range", cmd: "verify", args: []string{"--url", "https://a/", "--to", "v2"}, err: "--url and --to both name the URLs to check"},
		{name: "verify with a dry run", cmd: "purge", args: []string{"--verify", "--dry-run"}, err: "--verify and --dry-run: a dry run purges nothing"},
		{name: "bad sample", cmd: "verify", args: []string{"--url", "https://u/", "--sample", "0"}, err: `--sample "0": give all, a count`},
		{name: "bad share", cmd: "purge", args: []string{"--sample", "150%"}, err: `--sample "150%": a share is more than 0%`},
		{name: "bad seed", cmd: "verify", args: []string{"--url", "https://u/", "--seed", "x"}, err: `invalid value "x" for --seed: give a whole number`},
		{name: "bad debug", cmd: "verify", args: []string{"--url", "https://u/", "--debug", "on"}, err: `--debug "on": use auto, pragma, enhanced or off`},
		{name: "bad on-stale", cmd: "verify", args: []string{"--url", "https://u/", "--on-stale", "fial"}, err: `--on-stale "fial": use fail (exit 1) or warn (exit 0); did you mean "fail"?`},
		{name: "origin with a path", cmd: "verify", args: []string{"--url", "https://u/", "--origin", "https://o/x"}, err: `--origin "https://o/x": give the origin's scheme and host only`},
		{name: "origin without a scheme", cmd: "purge", args: []string{"--origin", "o.example.com"}, err: `--origin "o.example.com"`},
		{name: "bad connect-to", cmd: "verify", args: []string{"--url", "https://u/", "--connect-to", "a:b", "--connect-to", "a:b:99999"},
			err: `--connect-to #2: "a:b:99999": port "99999" is not a number`},
		{name: "negative budget", cmd: "verify", args: []string{"--url", "https://u/", "--verify-timeout", "-1s"}, err: "--verify-timeout -1s is negative"},
		{name: "concurrency too high", cmd: "purge", args: []string{"--verify-concurrency", "65"}, err: "--verify-concurrency 65 is out of range: give 1 to 64"},
		{name: "negative concurrency", cmd: "purge", args: []string{"--verify-concurrency", "-1"}, err: "--verify-concurrency -1 is out of range"},
		{name: "no key flag", cmd: "verify", args: []string{"--url", "https://u/", "--debug-key", "00"}, err: "unknown flag --debug-key for verify"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			o := &Options{}
			fs := FlagSet(tc.cmd, func(k string) string { return tc.env[k] }, o)
			err := Parse(fs, tc.args, o)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, o.Verify); d != "" {
				t.Errorf("verify flags (-want +got):\n%s", d)
			}
		})
	}
}

// A bad --connect-to rule's error keeps ParseConnectTo's underneath it.
func TestConnectToErrorUnwraps(t *testing.T) {
	t.Parallel()
	_, err := connectTo([]string{"nocolon"})
	_, want := verify.ParseConnectTo("nocolon")
	var re *ruleError
	if !errors.As(err, &re) || re.n != 1 || errors.Unwrap(err).Error() != want.Error() {
		t.Errorf("connectTo error %v, want rule #1 wrapping %v", err, want)
	}
}
