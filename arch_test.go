package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the arrows of docs/architecture.md: the API
// client links neither go-git, YAML nor the planner, and the simulator
// (the other side of the protocol) nothing of the client.
func TestImportRules(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is absent")
	}
	const mod = "github.com/ccu-purge/ccu-purge/internal/"
	for _, tc := range []struct {
		pkg    string
		banned []string
	}{
		{"ccu", []string{"github.com/go-git/", "gopkg.in/yaml.", mod + "plan", mod + "mapper", mod + "diff", mod + "cli"}},
		{"ccusim", []string{mod + "ccu", mod + "purge", mod + "verify", mod + "plan", mod + "mapper", mod + "diff", mod + "redact", mod + "cli"}},
		{"purge", []string{"github.com/go-git/", "gopkg.in/yaml.", mod + "ccu", mod + "plan"}},
		{"report", []string{mod + "cli", mod + "options"}},
		{"verify", []string{"github.com/go-git/", "gopkg.in/yaml.", mod + "cli", mod + "plan", mod + "mapper", mod + "diff", mod + "ccu", mod + "report", mod + "options", mod + "deployed"}},
		{"output", []string{"github.com/go-git/", "gopkg.in/yaml.", mod + "cli", mod + "plan", mod + "mapper", mod + "diff", mod + "ccu"}},
	} {
		out, err := exec.Command("go", "list", "-deps", "./internal/"+tc.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps ./internal/%s: %v", tc.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range tc.banned {
				if bannedDep(dep, b) {
					t.Errorf("internal/%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}

// bannedDep reports whether dep is b: a prefix when b ends in "/" or "."
// (a module's packages, yaml.v3), else the package or one below it.
func bannedDep(dep, b string) bool {
	if strings.HasSuffix(b, "/") || strings.HasSuffix(b, ".") {
		return strings.HasPrefix(dep, b)
	}
	return dep == b || strings.HasPrefix(dep, b+"/")
}
