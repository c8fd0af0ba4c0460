package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// TestEmptyAkamaiVariableNeverFallsBack: AKAMAI_CCU_* variables of which
// one is "" (a CI secret that is missing expands to the empty string)
// never make the run fall back to ~/.edgerc, which may hold another
// account's client: nothing is sent, exit 2, naming the empty variable
// and never a value.
//
// A real process, so the environment is the process's, as in CI.
func TestEmptyAkamaiVariableNeverFallsBack(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	home := t.TempDir()
	edgerc, ca, err := sim.WriteFiles(home)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(edgerc, filepath.Join(home, ".edgerc")); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "purge", "--repo", dir, "--from", "v1", "--timeout", "3s")
	cmd.Env = append(os.Environ(), "CCU_PURGE_RUN_MAIN=1", "SSL_CERT_FILE="+ca, "HOME="+home,
		"AKAMAI_EDGERC=", "AKAMAI_EDGERC_SECTION=",
		"AKAMAI_CCU_HOST=127.0.0.1:1", "AKAMAI_CCU_CLIENT_TOKEN=akab-other-client",
		"AKAMAI_CCU_CLIENT_SECRET=", "AKAMAI_CCU_ACCESS_TOKEN=akab-other-access")
	out, err := cmd.CombinedOutput()
	if n := len(sim.Purges()); n != 0 {
		t.Errorf("the purge went to ~/.edgerc's host (%d purge(s)) although AKAMAI_CCU_* are set:\n%s", n, out)
	}
	want := "AKAMAI_CCU_CLIENT_SECRET empty or unset while the other AKAMAI_CCU variables are set"
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitUsage || !strings.Contains(string(out), want) {
		t.Errorf("want exit %d saying %q, got %v:\n%s", ExitUsage, want, err, out)
	}
	for _, v := range []string{"akab-other-client", "akab-other-access"} {
		if strings.Contains(string(out), v) {
			t.Errorf("the output shows the credential %q:\n%s", v, out)
		}
	}
}
