package diff

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestAlternateDepthAsGit: a chain of alternates, each object folder
// listing the next, is read as deep as git reads it. git reads the
// alternates files of the folders 0 (the repository's) to 5 deep, so the
// sixth folder of the chain is used and only what it lists is ignored;
// the reader stopped one folder short, and said git refuses it too.
func TestAlternateDepthAsGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git is not installed")
	}
	root := t.TempDir()
	const n = 9
	dir := func(i int) string { return filepath.Join(root, fmt.Sprintf("r%d.git", i)) }
	hashes := make([]string, n)
	for i := range n {
		if out, err := exec.Command(gitBin, "init", "-q", "--bare", dir(i)).CombinedOutput(); err != nil {
			t.Fatalf("git init: %v\n%s", err, out)
		}
		cmd := exec.Command(gitBin, "--git-dir", dir(i), "hash-object", "-w", "--stdin")
		cmd.Stdin = strings.NewReader(fmt.Sprintf("blob %d\n", i))
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		hashes[i] = strings.TrimSpace(string(out))
		if i > 0 {
			// Relative, as clone --shared --relative writes them.
			alt := filepath.Join("..", "..", filepath.Base(dir(i)), "objects") + "\n"
			if err := os.WriteFile(filepath.Join(dir(i-1), "objects", "info", "alternates"), []byte(alt), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dirs, errs := objectDirs(filepath.Join(dir(0), "objects"))
	for i := range n {
		gitHas := exec.Command(gitBin, "--git-dir", dir(0), "cat-file", "-e", hashes[i]).Run() == nil
		if has := slices.Contains(dirs, filepath.Join(dir(i), "objects")); has != gitHas {
			t.Errorf("object folder %d of the chain: read %v, git reads it %v (errors: %v)", i, has, gitHas, errs)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0].Error(), "r7.git") {
		t.Errorf("errors %v, want one naming r7.git, the first folder git ignores", errs)
	}
}
