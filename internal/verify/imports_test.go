package verify

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsOnlyPurge keeps the verifier beside the pipeline, not in
// it: it knows HTTP and the edge, so it imports nothing of the project
// but the shared vocabulary (purge, and the suggest it brings), and
// neither git nor YAML.
func TestImportsOnlyPurge(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is absent")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	const mod = "github.com/ccu-purge/ccu-purge/internal/"
	allowed := map[string]bool{mod + "verify": true, mod + "purge": true, mod + "suggest": true}
	for _, dep := range strings.Fields(string(out)) {
		if (strings.HasPrefix(dep, mod) && !allowed[dep]) || strings.HasPrefix(dep, "github.com/go-git/") || strings.HasPrefix(dep, "gopkg.in/yaml.") {
			t.Errorf("internal/verify depends on %s", dep)
		}
	}
}
