package diff_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// Expectations of the resolver table: git answers and Resolve gives the
// same commit; git refuses and so does Resolve; or Resolve refuses the
// form with ErrUnsupportedRevision, whatever git says (a form listed by
// name, so that none drifts into another commit).
const (
	same   = "same"
	fails  = "fails"
	refuse = "refuse"
)

// gitTry runs git in dir like git, but reports failure instead of failing.
func gitTry(t *testing.T, dir, stdin string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(needGit(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"GIT_AUTHOR_DATE=2026-01-02T03:04:05Z", "GIT_COMMITTER_DATE=2026-01-02T03:04:05Z",
		"GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t.invalid", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t.invalid")
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout = &out
	err := cmd.Run()
	return strings.TrimSpace(out.String()), err == nil
}

// commitFile writes name=body in worktree dir and commits it as msg.
func commitFile(t *testing.T, dir, name, body, msg string) string {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", name)
	git(t, dir, "commit", "-q", "-m", msg)
	return strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
}

// fillerImport is a fast-import stream of n commits on refs/heads/filler,
// each with its own blob and tree: 3n objects, enough for 4-digit SHA
// prefixes shared by two commits, by a commit and a blob, and by two
// non-commits.
func fillerImport(n int) string {
	var b strings.Builder
	for i := range n {
		msg, body := fmt.Sprintf("filler %d\n", i), fmt.Sprintf("content %d\n", i)
		fmt.Fprintf(&b, "commit refs/heads/filler\nmark :%d\ncommitter t <t@t.invalid> 1767323045 +0000\ndata %d\n%s", i+1, len(msg), msg)
		if i > 0 {
			fmt.Fprintf(&b, "from :%d\n", i)
		}
		fmt.Fprintf(&b, "M 644 inline f.txt\ndata %d\n%s\n", len(body), body)
	}
	return b.String()
}

// prefixes finds 4-digit prefixes shared by exactly two objects: one by a
// commit and a blob or tree, one by two commits, one by two non-commits.
func prefixes(t *testing.T, dir string) (commitAndOther, twoCommits, twoOthers string) {
	out := git(t, dir, "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)")
	types := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		sha, typ, _ := strings.Cut(line, " ")
		types[sha[:4]] = append(types[sha[:4]], typ)
	}
	keys := make([]string, 0, len(types))
	for k := range types {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, p := range keys {
		ts := types[p]
		if len(ts) != 2 || ts[0] == "tag" || ts[1] == "tag" {
			continue
		}
		commits := strings.Count(strings.Join(ts, " "), "commit")
		switch {
		case commits == 1 && commitAndOther == "":
			commitAndOther = p
		case commits == 2 && twoCommits == "":
			twoCommits = p
		case commits == 0 && twoOthers == "":
			twoOthers = p
		}
	}
	if commitAndOther == "" || twoCommits == "" || twoOthers == "" {
		t.Fatalf("no shared prefixes of every kind among the filler objects: %q %q %q", commitAndOther, twoCommits, twoOthers)
	}
	return commitAndOther, twoCommits, twoOthers
}

type revCase struct{ rev, want string }

// revRepo builds the table's repository: a history with a merge and an
// octopus, branches, lightweight and annotated tags (of a tag, a tree, a
// blob), tags whose names look like SHAs, packed and loose refs, a
// dangling symref, remote-tracking refs with a HEAD, a reflog, a previous
// branch, FETCH_HEAD and ORIG_HEAD, and a linked worktree with its own
// HEAD, refs/worktree/ and refs/bisect/ refs. It returns the main
// worktree, the linked one, and the cases to compare.
func revRepo(t *testing.T) (string, string, []revCase, []revCase) {
	root := t.TempDir()
	dir := filepath.Join(root, "repo")
	git(t, root, "init", "-q", "-b", "main", dir)
	c0 := commitFile(t, dir, "a.txt", "0", "first")
	c1 := commitFile(t, dir, "a.txt", "1", "second")
	git(t, dir, "checkout", "-q", "-b", "side")
	commitFile(t, dir, "side.txt", "s", "on side")
	git(t, dir, "checkout", "-q", "main")
	commitFile(t, dir, "a.txt", "2", "third")
	git(t, dir, "merge", "-q", "--no-ff", "-m", "merge side", "side")
	for _, b := range []string{"o1", "o2", "o3"} {
		git(t, dir, "checkout", "-q", "-b", b, "main")
		commitFile(t, dir, b+".txt", b, "on "+b)
	}
	git(t, dir, "checkout", "-q", "main")
	git(t, dir, "merge", "-q", "--no-ff", "-m", "octopus", "o1", "o2", "o3")
	c3 := commitFile(t, dir, "a.txt", "3", "fourth")
	gitTry(t, dir, fillerImport(1000), "fast-import", "--quiet")
	mixed, twoCommits, twoOthers := prefixes(t, dir)

	git(t, dir, "tag", "-a", "-m", "annotated", "ann", c1)
	git(t, dir, "tag", "-a", "-m", "tag of a tag", "ann2", "ann")
	git(t, dir, "tag", "-a", "-m", "tag of a tree", "treetag", c1+"^{tree}")
	blob := strings.TrimSpace(git(t, dir, "rev-parse", c1+":a.txt"))
	git(t, dir, "tag", "blobtag", blob)
	git(t, dir, "tag", "-a", "-m", "tag of a blob", "annblob", blob)
	git(t, dir, "tag", "2024", c0)
	git(t, dir, "tag", "c2", c1)
	git(t, dir, "tag", "700d", "main~1")
	git(t, dir, "tag", "deadbeef", "main~2")
	// A tag named like another commit's SHA prefix: git takes the tag.
	hexName := c1[:7]
	git(t, dir, "tag", hexName, c3)
	git(t, dir, "tag", "side", c0)                 // refs/tags/ comes before refs/heads/
	git(t, dir, "update-ref", "refs/tags/"+c0, c3) // a full SHA wins over a ref
	git(t, dir, "update-ref", "refs/remotes/origin/main", c1)
	git(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	git(t, dir, "symbolic-ref", "refs/heads/dangling", "refs/heads/nowhere")
	git(t, dir, "update-ref", "refs/tags/emptytree", diff.EmptyTree)
	// git reads any name as a file of the git folder first, before the
	// branch o3. A name in capitals is the worktree's own: MY_HEAD is
	// absent in the linked one; o3 is shared.
	for name, sha := range map[string]string{"o3": c0, "MY_HEAD": c1} {
		if err := os.WriteFile(filepath.Join(dir, ".git", name), []byte(sha+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Symbolic refs: git follows at most 5 names (SYMREF_MAXDEPTH).
	for i := 1; i <= 6; i++ {
		git(t, dir, "symbolic-ref", fmt.Sprintf("refs/heads/chain%d", i), fmt.Sprintf("refs/heads/chain%d", i+1))
	}
	git(t, dir, "update-ref", "refs/heads/chain7", c1)
	git(t, dir, "pack-refs", "--all")
	git(t, dir, "update-ref", "refs/tags/c2", c0) // loose, over the packed one
	git(t, dir, "checkout", "-q", "side")
	git(t, dir, "checkout", "-q", "main") // @{-1} is side
	git(t, dir, "fetch", "-q", ".", "side")
	describe := strings.TrimSpace(git(t, dir, "describe", "--tags", "--long", "--match", "ann", "main~1"))

	wt := filepath.Join(root, "wt")
	git(t, dir, "worktree", "add", "-q", wt, "o2")
	git(t, wt, "update-ref", "refs/worktree/mine", c1)
	git(t, wt, "update-ref", "refs/bisect/bad", c0)

	cases := []revCase{
		{"HEAD", same}, {"@", same}, {"@~1", same}, {"@^", same}, {"HEAD~", same}, {"HEAD~~", same},
		{"HEAD~0", same}, {"HEAD^0", same}, {"HEAD^", same}, {"HEAD^^", same}, {"HEAD~2", same},
		{"HEAD~1^1~1", same}, {"HEAD~100", fails}, {"HEAD^2", fails},
		{"main", same}, {"heads/main", same}, {"refs/heads/main", same}, {"main~3", same},
		{"side", same}, {"heads/side", same}, {"o1", same}, {"origin", same}, {"origin/main", same},
		{"remotes/origin/HEAD", same}, {"dangling", fails}, {"FETCH_HEAD", same}, {"ORIG_HEAD", same},
		{"ann", same}, {"ann2", same}, {"tags/ann2", same}, {"refs/tags/ann", same}, {"ann^{}", same},
		{"ann2^{}", same}, {"ann^{tag}", same}, {"ann2^{tag}", same}, {"ann^{commit}", same},
		{"ann^0", same}, {"ann~1", same}, {"ann2~1", same}, {"ann^{object}", same},
		{"ann2^{}^{commit}~1", same}, {"HEAD^{tag}", fails}, {"HEAD^{}", same},
		{"HEAD^{commit}", same}, {"HEAD^{commit}~1", same}, {"HEAD^{object}", same},
		{"blobtag", fails}, {"blobtag^{}", fails}, {"treetag", fails}, {"annblob", fails}, {"annblob^{tag}", fails},
		{"2024", same}, {"c2", same}, {"700d", same}, {"deadbeef", same}, {hexName, same}, {c1[:6], same},
		{"HEAD~2^2", same}, {"HEAD~1^1", same}, {"HEAD~1^2", same}, {"HEAD~1^3", same}, {"HEAD~1^4", same},
		{"HEAD~1^5", fails}, {"HEAD~1^3~1", same}, {"HEAD~1^4^", same},
		{c0, same}, {c3, same}, {c1[:7], same}, {strings.ToUpper(c3[:8]), same}, {strings.ToUpper(c3), same},
		{c3[:4], same}, {c3[:3], fails}, {c3[:2], fails}, {c3 + "~1", same}, {c1[:7] + "^0", same},
		{mixed, same}, {mixed + "~0", same}, {mixed + "^{}", fails}, {twoCommits, fails}, {twoOthers, fails},
		{describe, same}, {"v0-1-g" + mixed, same}, {"v0-1-g" + twoOthers, fails},
		{"nosuch", fails}, {"nosuch~1", fails}, {"", fails}, {"-", fails}, {"~1", fails}, {"HEAD~1x", fails},
		{"HEAD^{foo}", fails}, {"HEAD^{commit}x", fails}, {"ann^{}y~1", fails}, {"HEAD^{}}", same}, {"HEAD^{commit}junk}", same}, {"HEAD^{commitx}", fails}, {"HEAD^{commit}^{}~1^{}", same},
		{"HEAD~1^{}^3^{commit}^0~", same}, {"ann^{tag}^{tag}", same}, {"ann^{object}^{tag}^{}", same}, {"HEAD^{", fails}, {"main.lock", fails}, {"ma in", fails}, {"description", fails},
		{"config", fails}, {"refs", fails}, {"o3", same}, {"heads/o3", same}, {"MY_HEAD", same}, {"refs/bisect/bad", fails}, {"refs/worktree/mine", fails},
		{"chain1", fails}, {"chain2", fails}, {"chain3", same}, {"chain6", same}, {"chain7", same}, {"@@", fails}, {"HEAD~99999999999", fails},

		{"a..b", refuse}, {"main..HEAD", refuse}, {"main...HEAD", refuse}, {"^main", refuse},
		{"HEAD^@", refuse}, {"HEAD^!", refuse}, {"HEAD^-", refuse},
		{"HEAD@{0}", refuse}, {"HEAD@{1}", refuse}, {"main@{1}", refuse}, {"main@{2026-01-01}", refuse},
		{"HEAD@{5}", refuse}, {"main@{2026-01-01 10:00:00}", refuse}, {"HEAD@{1.day.ago}", refuse}, {"HEAD@{100}", refuse}, {"@{1}", refuse}, {"@{-1}", refuse}, {"@{-2}", refuse},
		{"@{u}", refuse}, {"@{upstream}", refuse}, {"main@{U}", refuse}, {"main@{push}", refuse},
		{"HEAD^{/second}", refuse}, {":/second", refuse}, {"HEAD:", refuse}, {"HEAD:a.txt", refuse},
		{":a.txt", refuse}, {":0:a.txt", refuse}, {"HEAD^{tree}", refuse}, {"HEAD^{blob}", refuse},
		{"main-worktree/HEAD", refuse},
	}
	wtCases := []revCase{
		{"HEAD", same}, {"@", same}, {"HEAD~1", same}, {"main", same}, {"refs/worktree/mine", same},
		{"worktree/mine", same}, {"o3", same}, {"MY_HEAD", fails}, {"refs/bisect/bad", same}, {"bisect/bad", same}, {"ORIG_HEAD", same}, {"FETCH_HEAD", fails},
	}
	return dir, wt, cases, wtCases
}

// TestResolveMatchesGit compares Resolve with `git rev-parse --verify
// REV^{commit}` over every form of gitrevisions(7): the same commit, or
// both refuse, or Resolve refuses a form it names as unsupported. It never
// gives another commit.
func TestResolveMatchesGit(t *testing.T) {
	dir, wt, cases, wtCases := revRepo(t)
	check := func(t *testing.T, dir string, cases []revCase) {
		r := open(t, dir)
		for _, tc := range cases {
			want, gitOK := gitTry(t, dir, "", "rev-parse", "--verify", "--quiet", "--end-of-options", tc.rev+"^{commit}")
			got, err := r.Resolve(tc.rev)
			unsupported := errors.Is(err, diff.ErrUnsupportedRevision)
			if err != nil {
				t.Logf("%q: %v", tc.rev, err)
			}
			switch {
			case err == nil && (!gitOK || got != want):
				t.Errorf("Resolve(%q) = %s, git rev-parse: %q (ok %v)", tc.rev, got, want, gitOK)
			case tc.want == refuse && !unsupported:
				t.Errorf("Resolve(%q): error %v, want ErrUnsupportedRevision", tc.rev, err)
			case tc.want == same && !gitOK:
				t.Errorf("%q: git rev-parse fails: the case should say %q", tc.rev, fails)
			case tc.want == same && err != nil:
				t.Errorf("Resolve(%q): %v, git gives %s", tc.rev, err, want)
			case tc.want == fails && gitOK:
				t.Errorf("%q: git rev-parse gives %s: the case should say %q", tc.rev, want, same)
			case tc.want == fails && unsupported:
				t.Errorf("Resolve(%q): %v; git refuses it too, so it should not be called unsupported", tc.rev, err)
			case err != nil && (strings.Contains(err.Error(), "context canceled") || !strings.HasPrefix(err.Error(), "resolve ")):
				t.Errorf("Resolve(%q): error %q does not name the revision", tc.rev, err)
			}
		}
	}
	if n := len(cases) + len(wtCases); n < 60 {
		t.Fatalf("only %d revisions compared", n)
	}
	t.Run("main worktree", func(t *testing.T) { check(t, dir, cases) })
	t.Run("linked worktree", func(t *testing.T) { check(t, wt, wtCases) })
}

// TestResolveRefusesRewrites: replace refs (loose or packed, from git
// replace or --graft) and info/grafts change git's answer, so Resolve
// refuses the repository and names them, instead of reading the stored
// commits.
func TestResolveRefusesRewrites(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		rewrite    func(t *testing.T, dir string)
	}{
		{"replace --graft", "refs/replace/", func(t *testing.T, dir string) {
			git(t, dir, "replace", "--graft", "HEAD", "HEAD~3")
		}},
		{"packed replace ref", "refs/replace/", func(t *testing.T, dir string) {
			git(t, dir, "replace", "HEAD", "HEAD~2")
			git(t, dir, "pack-refs", "--all")
		}},
		{"info/grafts", "grafts", func(t *testing.T, dir string) {
			line := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD", "HEAD~3"))
			if err := os.MkdirAll(filepath.Join(dir, "info"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "info", "grafts"), []byte(strings.ReplaceAll(line, "\n", " ")+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := shapes(t)
			before := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD~1"))
			tc.rewrite(t, dir)
			if after, _ := gitTry(t, dir, "", "rev-parse", "HEAD~1"); after == before {
				t.Fatalf("the rewrite does not change git's HEAD~1 (%s): the case tests nothing", before)
			}
			got, err := open(t, dir).Resolve("HEAD~1")
			if !errors.Is(err, diff.ErrUnsupportedRepo) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Resolve(HEAD~1) = %q, %v; want ErrUnsupportedRepo naming %s", got, err, tc.want)
			}
		})
	}
}

// TestResolveEmptyTree: the empty tree, documented as a --from that lists
// every file, resolves by SHA or by a ref naming it although it is not
// stored, and its range reads; steps after it are refused without a
// "fetch it" hint.
func TestResolveEmptyTree(t *testing.T) {
	dir, shas := shapes(t)
	if _, ok := gitTry(t, dir, "", "cat-file", "-e", diff.EmptyTree); !ok {
		t.Skip("git does not know the empty tree")
	}
	if out, _ := gitTry(t, dir, "", "count-objects", "-v"); strings.Contains(git(t, dir, "cat-file", "--batch-all-objects", "--batch-check"), diff.EmptyTree) {
		t.Fatalf("the empty tree is stored: the case tests nothing (%s)", out)
	}
	git(t, dir, "update-ref", "refs/tags/nothing", diff.EmptyTree)
	r := open(t, dir)
	for _, rev := range []string{diff.EmptyTree, strings.ToUpper(diff.EmptyTree), "nothing", "refs/tags/nothing"} {
		got, err := r.Resolve(rev)
		if err != nil || got != diff.EmptyTree {
			t.Errorf("Resolve(%q) = %q, %v; want the empty tree", rev, got, err)
		}
	}
	if err := r.CheckCommit(diff.EmptyTree); err != nil {
		t.Errorf("CheckCommit(empty tree): %v", err)
	}
	if ch, err := r.Changes(t.Context(), diff.EmptyTree, shas[0]); err != nil || len(ch) == 0 {
		t.Errorf("Changes(empty tree, first commit) = %d changes, %v", len(ch), err)
	}
	_, err := r.Resolve(diff.EmptyTree + "~1")
	if err == nil || strings.Contains(err.Error(), "fetch") || !strings.Contains(err.Error(), "empty tree") {
		t.Errorf("Resolve(empty tree~1): %v; want an error about the empty tree, without a fetch hint", err)
	}
}

// TestResolveShallowBoundary: a commit listed in .git/shallow has no
// parents for git even when they are present (fetched since), so HEAD~1
// is refused, as git refuses it, and never read as the fetched parent.
func TestResolveShallowBoundary(t *testing.T) {
	server, _ := shapes(t)
	git(t, server, "config", "uploadpack.allowAnySHA1InWant", "true")
	parent := strings.TrimSpace(git(t, server, "rev-parse", "HEAD~1"))
	dir := shallowClone(t, server)
	git(t, dir, "fetch", "-q", "--depth", "1", "origin", parent)
	if _, ok := gitTry(t, dir, "", "cat-file", "-e", parent); !ok {
		t.Fatal("the parent was not fetched: the case tests nothing")
	}
	if out, ok := gitTry(t, dir, "", "rev-parse", "--verify", "--quiet", "HEAD~1^{commit}"); ok {
		t.Fatalf("git resolves HEAD~1 to %s at the shallow boundary", out)
	}
	got, err := open(t, dir).Resolve("HEAD~1")
	if !errors.Is(err, diff.ErrCommitMissing) || !strings.Contains(err.Error(), "shallow boundary") {
		t.Errorf("Resolve(HEAD~1) = %q, %v; want ErrCommitMissing at the shallow boundary", got, err)
	}
	if got, err := open(t, dir).Resolve(parent[:10]); err != nil || got != parent {
		t.Errorf("Resolve(fetched parent's short SHA) = %q, %v; want %s", got, err, parent)
	}
}

// BenchmarkResolve resolves what plan resolves on the 100,000-file
// repository (a branch and a short SHA with a step), opening it each time
// as a run does: the pack reader answers without go-git's index maps.
func BenchmarkResolve(b *testing.B) {
	needGit(b)
	dir := benchRepo(b, "100k", wide)
	short := strings.TrimSpace(git(b, dir, "rev-parse", "--short=8", "main~1"))
	for b.Loop() {
		r, err := diff.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		for _, rev := range []string{"main", "main~1", short + "^0"} {
			if _, err := r.Resolve(rev); err != nil {
				b.Fatal(err)
			}
		}
		r.Close()
	}
}

// TestResolveShortSHAInAlternates: a clone made with --shared or
// --reference reads its objects from the alternates, which the reader
// opens; a short SHA (and describe output) is searched there too, as git
// does, instead of being refused. The fixture's objects are packed in
// the alternate, and the clone's own commit is loose.
func TestResolveShortSHAInAlternates(t *testing.T) {
	server, _ := shapes(t)
	git(t, server, "repack", "-adq")
	root := t.TempDir()
	mid := filepath.Join(root, "mid")
	git(t, root, "clone", "-q", "--bare", "--shared", server, mid) // a chained alternate
	dir := filepath.Join(root, "clone")
	git(t, root, "clone", "-q", "--shared", mid, dir)
	own := commitFile(t, dir, "own.txt", "own", "own")
	if out, _ := gitTry(t, dir, "", "count-objects", "-v"); !strings.Contains(out, "count: 3") {
		t.Fatalf("the clone's commit is not loose in its own folder:\n%s", out)
	}
	revs := []string{own[:7], own[:4] + "~1"}
	for _, rev := range []string{"HEAD~1", "HEAD~2", "HEAD~4"} {
		sha, _ := gitTry(t, dir, "", "rev-parse", rev)
		revs = append(revs, sha[:7], sha[:5]+"^0", "v0-3-g"+sha[:8])
	}
	r := open(t, dir)
	for _, rev := range revs {
		want, ok := gitTry(t, dir, "", "rev-parse", "--verify", "--quiet", rev+"^{commit}")
		if !ok {
			t.Fatalf("git does not resolve %q: the case tests nothing", rev)
		}
		if got, err := r.Resolve(rev); err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; git gives %s", rev, got, err, want)
		}
	}
}
