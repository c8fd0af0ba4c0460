package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOutputSkippedFilesWarned: a file the hash leaves out (a symlink
// out of the build folder) is never purged, so the plan says so instead
// of dropping it without a word.
func TestOutputSkippedFilesWarned(t *testing.T) {
	w := newHugoWorld(t, "")
	hugoBuild{pages: 3}.write(t, w.out)
	if err := os.Symlink(filepath.Join(w.dir, "elsewhere.html"), filepath.Join(w.out, "away.html")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	for _, format := range []string{"text", "json"} {
		r := runQuick(t, nil, "plan", "--repo", w.repo, "--site-dir", w.out, "--manifest", w.mf, "--output", format)
		if r.code != ExitOK {
			t.Fatalf("plan: exit %d: %s", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, `build output: away.html: symlink skipped`) {
			t.Errorf("the %s plan does not name the skipped symlink:\n%s", format, r.stdout)
		}
	}
}
