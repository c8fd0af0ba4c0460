package cli

import (
	"strings"
	"testing"
)

// Every subcommand's --help prints its own usage, the Action's too, which
// takes no other argument.
func TestActionHelpFlag(t *testing.T) {
	t.Parallel()
	for _, arg := range []string{"--help", "-h"} {
		r := run(t, "action", arg)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage: ccu-purge action") {
			t.Errorf("action %s: exit %d, stdout %q, stderr %q", arg, r.code, r.stdout, r.stderr)
		}
	}
}

// Did you mean for every value with a fixed set, as --network stagin
// has: --output jsn, queue emergncy, limits urll.
func TestDidYouMeanForEveryEnum(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"explain", "--output", "jsn", "x"},
		{"queue", "emergncy"},
		{"limits", "urll"},
	} {
		r := run(t, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "did you mean") {
			t.Errorf("%v: exit %d, no did you mean: %q", args, r.code, r.stderr)
		}
	}
}
