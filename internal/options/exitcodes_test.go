package options

import (
	"strings"
	"testing"
)

// The help of verify and purge says what exit 1 means for them: a URL
// that stayed stale fails the run only under --on-stale fail.
func TestExitCodesOfVerification(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"verify", "purge"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			h := Help(FlagSet(name, func(string) string { return "" }, &Options{}))
			_, exits, _ := strings.Cut(h, "\nExit codes:")
			exits = strings.Join(strings.Fields(exits), " ") // the text wraps anywhere
			if !strings.Contains(exits, "stale under --on-stale fail") {
				t.Errorf("%s's exit codes do not say when a stale URL exits 1:%s", name, exits)
			}
		})
	}
}
