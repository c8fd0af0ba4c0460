package options

import (
	"strings"
	"testing"
)

// A zero given on the command line is not "unset": --verify-timeout 0s
// would otherwise run the 60 s default, and --verify-concurrency 0 the
// default 8, while the help promises 1 to 64.
func TestVerifyZeroGiven(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		err  string
	}{
		{"zero budget", []string{"--verify-timeout", "0s"}, "--verify-timeout 0s: give a time budget above zero, such as 60s"},
		{"zero concurrency", []string{"--verify-concurrency", "0"}, "--verify-concurrency 0 is out of range: give 1 to 64"},
	} {
		for _, cmd := range []string{"verify", "purge"} {
			t.Run(cmd+" "+tc.name, func(t *testing.T) {
				t.Parallel()
				o := &Options{}
				fs := FlagSet(cmd, func(string) string { return "" }, o)
				err := Parse(fs, append([]string{"--url", "https://www.example.com/"}, tc.args...), o)
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one with %q", err, tc.err)
				}
			})
		}
	}
}
