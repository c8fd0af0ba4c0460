package diff

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// TestQuickResolveMatchesGoGit resolves every form quickResolve handles,
// and many it must leave alone, both ways: whenever it answers, the answer
// is go-git's, and it does answer for the common forms once the objects
// are packed.
func TestQuickResolveMatchesGoGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary not installed: this test packs and tags with git")
	}
	dir := filepath.Join(t.TempDir(), "shapes.git")
	shas, err := gitfixture.Build(dir, true, gitfixture.Shapes())
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		cmd := exec.Command(gitBin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t.invalid", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
			"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t.invalid", "GIT_AUTHOR_DATE=2026-01-02T03:04:05Z")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	run("tag", "-a", "-m", "annotated", "ann", shas[2])
	run("tag", "-a", "-m", "tag of a tag", "ann2", "ann")
	run("tag", "blobtag", run("rev-parse", shas[1]+":"+firstFile(t, run("ls-tree", "-r", "--name-only", shas[1]))))
	run("repack", "-a", "-d", "-q")
	tree := run("rev-parse", shas[1]+"^{tree}")
	// A loose object, so that short names also search the loose folders.
	loose := run("commit-tree", "-m", "loose", tree)
	run("update-ref", "refs/heads/loose", loose)

	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	revs := []string{"HEAD", "HEAD~1", "main~2", "main", "refs/heads/main", "heads/main", "loose", "loose~1", "ann", "ann~1", "ann^0",
		"ann2", "blobtag", "nosuch", "nosuch~1", "HEAD~", "HEAD~~", "HEAD^", "HEAD^^", "HEAD^0", "HEAD^1", "HEAD^2",
		"HEAD^3", "HEAD~0", "HEAD~1^1~1", "HEAD~100", "HEAD@{1}", "HEAD:x", "HEAD^{commit}", "HEAD~1x", "-", "a..b",
		"main.lock", "tags/c1", "c1~1", "", strings.ToUpper(shas[1][:8]), tree, tree[:8], loose[:9], loose + "~1"}
	for i, sha := range shas {
		revs = append(revs, sha, sha+"~1", sha+"^", sha[:4], sha[:5], sha[:7], sha[:12], sha[:3], "c"+string(rune('0'+i)))
		revs = append(revs, "c"+string(rune('0'+i))+"~1", "c"+string(rune('0'+i))+"^2")
	}
	answered := map[string]bool{}
	for _, rev := range revs {
		got, ok := r.quickResolve(rev)
		if !ok {
			continue
		}
		answered[rev] = true
		h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			t.Errorf("%q: quickResolve gave %s, go-git fails: %v", rev, got, err)
			continue
		}
		c, err := r.repo.CommitObject(*h)
		if err != nil {
			t.Errorf("%q: quickResolve gave %s, go-git's %s is no commit: %v", rev, got, h, err)
			continue
		}
		if c.Hash != got {
			t.Errorf("%q: quickResolve gave %s, go-git %s", rev, got, c.Hash)
		}
	}
	for _, rev := range []string{"HEAD", "HEAD~1", "main~2", "ann", "ann~1", "tags/c1", shas[2][:7], shas[3] + "~1", "loose", loose[:9]} {
		if !answered[rev] {
			t.Errorf("%q: quickResolve left it to go-git", rev)
		}
	}
}

func firstFile(t *testing.T, list string) string {
	name, _, _ := strings.Cut(list, "\n")
	if name == "" {
		t.Fatal("no files in the commit")
	}
	return name
}
