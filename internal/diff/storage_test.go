package diff_test

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// site is a work tree of two commits, HEAD~1 and HEAD, packed when pack.
func site(t *testing.T, pack bool) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	git(t, t.TempDir(), "init", "-q", "-b", "main", dir)
	for i, files := range []map[string]string{
		{"public/a.html": "a", "public/css/s.css": "s", "README": "r"},
		{"public/a.html": "a2", "public/b.html": "b", "public/css/s.css": "s2"},
	} {
		for name, body := range files {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		git(t, dir, "add", "-A")
		git(t, dir, "commit", "-qm", fmt.Sprint("c", i))
	}
	if pack {
		git(t, dir, "repack", "-adq")
	}
	return dir
}

// sameAsGit resolves HEAD~1 and HEAD in dir, as the CLI does, and checks
// that Changes lists the paths git diff lists.
func sameAsGit(t *testing.T, dir string) {
	t.Helper()
	r := open(t, dir)
	from, err := r.Resolve("HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	to, err := r.Resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Changes(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(gitPaths(t, dir, "HEAD~1", "HEAD"), paths(got)); d != "" {
		t.Errorf("Changes differ from git diff (-git +ours):\n%s", d)
	}
}

// TestStorageGitReads checks layouts git reads and go-git v5 does not:
// each diffs as git does (go-git alone said "object not found").
func TestStorageGitReads(t *testing.T) {
	setAlternates := func(t *testing.T, dir string, lines ...string) {
		t.Helper()
		name := filepath.Join(dir, ".git", "objects", "info", "alternates")
		os.MkdirAll(filepath.Dir(name), 0o755)
		if err := os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shared := func(t *testing.T, src string) string {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "shared")
		git(t, t.TempDir(), "clone", "-q", "--shared", src, dir)
		return dir
	}
	for _, tc := range []struct {
		name  string
		build func(t *testing.T) string
	}{
		{"pack index version 1", func(t *testing.T) string {
			dir := site(t, true)
			packs, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack"))
			idx := strings.TrimSuffix(packs[0], ".pack") + ".idx"
			os.Remove(idx)
			git(t, dir, "index-pack", "--index-version=1", "-o", idx, packs[0])
			return dir
		}},
		{"relative alternates", func(t *testing.T) string {
			src := site(t, true)
			dir := shared(t, src)
			rel, err := filepath.Rel(filepath.Join(dir, ".git", "objects"), filepath.Join(src, ".git", "objects"))
			if err != nil {
				t.Fatal(err)
			}
			setAlternates(t, dir, "# a comment", rel)
			return dir
		}},
		{"chained alternates", func(t *testing.T) string {
			return shared(t, shared(t, site(t, false)))
		}},
		{"alternate folder not named objects", func(t *testing.T) string {
			src := site(t, true)
			head := strings.TrimSpace(git(t, src, "rev-parse", "HEAD"))
			store := filepath.Join(t.TempDir(), "store")
			if err := os.Rename(filepath.Join(src, ".git", "objects"), store); err != nil {
				t.Fatal(err)
			}
			os.Mkdir(filepath.Join(src, ".git", "objects"), 0o755)
			dir := t.TempDir()
			git(t, dir, "init", "-q", "-b", "main")
			setAlternates(t, dir, store)
			git(t, dir, "update-ref", "refs/heads/main", head) // every object is in the store
			return dir
		}},
		{"loose objects", func(t *testing.T) string { return site(t, false) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sameAsGit(t, tc.build(t))
		})
	}
}

// TestStorageBrokenAlternate checks that an alternate that is not there
// is named, instead of the objects behind it being called absent (the
// shallow-clone hint: "fetch it").
func TestStorageBrokenAlternate(t *testing.T) {
	src := site(t, false)
	dir := filepath.Join(t.TempDir(), "shared")
	git(t, t.TempDir(), "clone", "-q", "--shared", "--no-checkout", src, dir)
	head := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD"))
	from := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD~1"))
	if err := os.RemoveAll(filepath.Join(src, ".git", "objects")); err != nil {
		t.Fatal(err)
	}
	_, err := open(t, dir).Changes(context.Background(), from, head)
	if !errors.Is(err, diff.ErrDamaged) {
		t.Fatalf("Changes error = %v, want ErrDamaged", err)
	}
	for _, w := range []string{"alternate object folder " + filepath.Join(src, ".git", "objects"), "info/alternates", "is not a folder"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
}

// TestStoragePartialFilters checks the partial-clone filters: one that
// leaves trees out is refused at Open, as tree:0 is, instead of failing
// in the middle of a diff; one that only leaves blobs out diffs as git.
func TestStoragePartialFilters(t *testing.T) {
	src := site(t, false)
	git(t, src, "config", "uploadpack.allowFilter", "true")
	for _, tc := range []struct {
		filter string
		refuse bool
	}{
		{"combine:blob:none+tree:0", true},
		{"combine:tree:1+blob:limit=1", true},
		{"combine:blob:none+blob:limit=1", false},
		{"blob:none", false},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "partial")
			git(t, t.TempDir(), "clone", "-q", "--no-checkout", "--filter="+tc.filter, "file://"+src, dir)
			if !tc.refuse {
				sameAsGit(t, dir)
				return
			}
			_, err := diff.Open(dir)
			if !errors.Is(err, diff.ErrUnsupportedRepo) || !strings.Contains(err.Error(), "--filter="+tc.filter) {
				t.Fatalf("Open error = %v, want ErrUnsupportedRepo naming the filter", err)
			}
		})
	}
}

// literalTree writes a tree object as given, which git's own commands
// would refuse to write, and returns its name.
func literalTree(t *testing.T, dir, raw string) string {
	t.Helper()
	cmd := exec.Command(needGit(t), "hash-object", "-t", "tree", "-w", "--literally", "--stdin")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(out))
}

// treeCommits makes a root commit of each tree and returns their names.
func treeCommits(t *testing.T, dir string, trees ...string) []string {
	var out []string
	for _, tr := range trees {
		out = append(out, strings.TrimSpace(git(t, dir, "commit-tree", "-m", "t", tr)))
	}
	return out
}

// blobRaw is the raw name of a new blob holding body.
func blobRaw(t *testing.T, dir, body string) string {
	cmd := exec.Command(needGit(t), "hash-object", "-w", "--stdin")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := hex.DecodeString(strings.TrimSpace(string(out)))
	if err != nil || len(raw) != 20 {
		t.Fatalf("hash-object printed %q", out)
	}
	return string(raw)
}

// TestNonCanonicalModes checks that modes older gits wrote (100664,
// 100775) read as git reads them, 100644 and 100755: no change where git
// sees none, and a mode change where git sees one.
func TestNonCanonicalModes(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--bare")
	a, b := blobRaw(t, dir, "a"), blobRaw(t, dir, "b")
	tree := func(mode, blob string) string { return literalTree(t, dir, mode+" f\x00"+blob) }
	for _, tc := range []struct {
		name     string
		from, to string
		want     []diff.Change
	}{
		{"100664 is 100644", tree("100644", a), tree("100664", a), []diff.Change{}},
		{"100775 is 100755", tree("100755", a), tree("100775", a), []diff.Change{}},
		{"100664 to 100755 is a mode change", tree("100664", a), tree("100755", a), []diff.Change{{Status: diff.Modified, Path: "f", ModeOnly: true}}},
		{"100664 to 100644 with new content", tree("100664", a), tree("100644", b), []diff.Change{{Status: diff.Modified, Path: "f"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := treeCommits(t, dir, tc.from, tc.to)
			got, err := open(t, dir).Changes(context.Background(), c[0], c[1])
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Changes (-want +got):\n%s", d)
			}
			if d := cmp.Diff(gitPaths(t, dir, c[0], c[1]), paths(got)); d != "" {
				t.Errorf("Changes differ from git diff (-git +ours):\n%s", d)
			}
		})
	}
}

// TestRefusedTrees checks that trees git refuses to read are refused,
// naming the tree and the entry, instead of diffed.
func TestRefusedTrees(t *testing.T) {
	dir := t.TempDir()
	git(t, dir, "init", "-q", "--bare")
	a := blobRaw(t, dir, "a")
	good := literalTree(t, dir, "100644 f\x00"+a)
	for _, tc := range []struct {
		name, raw string
		want      []string
	}{
		{"an empty entry name", "100644 \x00" + a + "100644 f\x00" + a, []string{"entry 1 has an empty name"}},
		{"a folder naming the zero hash", "40000 d\x00" + strings.Repeat("\x00", 20) + "100644 f\x00" + a, []string{`folder "d" names the zero hash`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := literalTree(t, dir, tc.raw)
			c := treeCommits(t, dir, good, bad)
			cmd := exec.Command(needGit(t), "diff-tree", "-r", c[0], c[1])
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err == nil {
				t.Fatalf("git diff-tree accepts the tree (%s): this test tests nothing", out)
			}
			_, err := open(t, dir).Changes(context.Background(), c[0], c[1])
			if !errors.Is(err, diff.ErrDamaged) {
				t.Fatalf("Changes error = %v, want ErrDamaged", err)
			}
			for _, w := range append(tc.want, "tree "+bad, "git fsck") {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
