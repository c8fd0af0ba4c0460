package cli

import (
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// purge --verify of CP codes only has no URL to GET: it says so and
// neither waits the purges' estimatedSeconds nor starts a verification.
func TestVerifyNoURLsDoesNotWait(t *testing.T) {
	t.Parallel()
	_, flags := simulator(t, ccusim.Options{V3Seconds: 20})
	r := run(t, append([]string{"purge", "--repo", t.TempDir(), "--cpcode", "424242", "--verify"}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "name no URL to check") {
		t.Errorf("stdout does not say the CP code names no URL:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "Waiting") || strings.Contains(r.stdout, "Verifying 0") {
		t.Errorf("a verification of no URL waits or runs:\n%s", r.stdout)
	}
}
