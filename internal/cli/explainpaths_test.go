package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// explain run from a folder of the worktree takes paths relative to that
// folder, and absolute paths inside the worktree; a path outside it is a
// usage error naming it. It changes the process's folder, so it is not
// parallel.
func TestExplainRelativeToFolder(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	t.Chdir(filepath.Join(dir, "public"))
	cfg := filepath.Join(dir, ".ccu-purge.yml")
	r := run(t, "explain", "index.html", filepath.Join(dir, "public", "new.html"), "../docs/notes.txt")
	for _, want := range []string{
		`"public/index.html": matched by rule 1 at ` + cfg + ":5:5",
		"url    https://www.example.com/index.html",
		`"public/new.html": matched by rule 1`,
		"url    https://www.example.com/new.html",
		`"docs/notes.txt": unmatched`,
		"no rule matches it (unmatched: warn); the nearest is rule 1 (public/**) at " + cfg + ":5:5: add a rule",
	} {
		if r.code != 0 || !strings.Contains(r.stdout, want) {
			t.Errorf("exit %d, want %q in:\n%s%s", r.code, want, r.stdout, r.stderr)
		}
	}
	outside := filepath.Join(t.TempDir(), "x.html")
	r = run(t, "explain", outside)
	if want := "ccu-purge: " + outside + " is outside the repository " + dir + ": name a file inside it, or relative to its root\n"; r.code != ExitUsage || r.stderr != want || r.stdout != "" {
		t.Errorf("exit %d, stderr %q, want 2 and %q; stdout:\n%s", r.code, r.stderr, want, r.stdout)
	}
}
