package diff_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// needGit returns the git binary, or skips: the repository shapes are made
// by git itself, and git's own diff is the reference.
func needGit(t testing.TB) string {
	t.Helper()
	bin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary not installed: this test builds repository shapes with git and compares with git diff")
	}
	return bin
}

// git runs git in dir with no user or system config and fixed dates.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command(needGit(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t.invalid",
		"GIT_TERMINAL_PROMPT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out.String()
}

// shapes builds gitfixture.Shapes as a bare repository in a temp folder.
func shapes(t testing.TB) (string, []string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shapes.git")
	shas, err := gitfixture.Build(dir, true, gitfixture.Shapes())
	if err != nil {
		t.Fatal(err)
	}
	return dir, shas
}

// gitPaths is the set of paths `git diff --name-status --no-renames -z`
// reports, byte for byte.
func gitPaths(t testing.TB, dir, from, to string) []string {
	t.Helper()
	out := git(t, dir, "diff", "--name-status", "--no-renames", "-z", from, to)
	fields := strings.Split(strings.TrimSuffix(out, "\x00"), "\x00")
	var paths []string
	for i := 0; i+1 < len(fields); i += 2 {
		paths = append(paths, fields[i+1])
	}
	sort.Strings(paths)
	return paths
}

// paths is the sorted set of paths a change set touches.
func paths(changes []diff.Change) []string {
	var out []string
	for _, c := range changes {
		out = append(out, c.Paths()...)
	}
	sort.Strings(out)
	return out
}

func open(t testing.TB, dir string) *diff.Repo {
	t.Helper()
	r, err := diff.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}
