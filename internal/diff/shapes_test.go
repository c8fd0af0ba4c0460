package diff_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

func sorted(cs []diff.Change) []diff.Change {
	sort.Slice(cs, func(i, j int) bool { return cs[i].Path < cs[j].Path })
	return cs
}

// TestChangeShapes pins the status, kind and mode flag of every shape of
// change in gitfixture.Shapes; it needs no git binary.
func TestChangeShapes(t *testing.T) {
	// The commits gitfixture.Shapes records in its gitlinks: each change
	// of a gitlink carries them, so the plan can say which submodule moved.
	const theme1, theme2 = "1111111111111111111111111111111111111111", "2222222222222222222222222222222222222222"
	bare, shas := shapes(t)
	r := open(t, bare)
	every := []diff.Change{
		{Status: diff.Modified, Path: "public/bin.png"},
		{Status: diff.Added, Path: "public/copy-dst.html"}, // a copy is an addition
		{Status: diff.Renamed, Path: "public/css/site.css", OldPath: "public/old.css"},
		{Status: diff.Deleted, Path: "public/dir-or-file"}, // file → folder
		{Status: diff.Added, Path: "public/dir-or-file/index.html"},
		{Status: diff.Modified, Path: "public/empty.txt"},
		{Status: diff.Added, Path: "public/folder"}, // folder → file
		{Status: diff.Deleted, Path: "public/folder/a.html"},
		{Status: diff.Deleted, Path: "public/folder/b.html"},
		{Status: diff.Deleted, Path: "public/gone.js"},
		{Status: diff.Modified, Path: "public/index.html"},
		{Status: diff.Modified, Path: "public/lfs.bin"},
		{Status: diff.TypeChanged, Path: "public/link"}, // symlink → file
		{Status: diff.Added, Path: "public/new-empty.txt"},
		{Status: diff.Renamed, Path: "public/readme.md", OldPath: "public/README.md"}, // case only
		{Status: diff.Modified, Path: "public/run.sh", ModeOnly: true},
		{Status: diff.TypeChanged, Path: "public/tolink.html", Kind: diff.KindSymlink},
		{Status: diff.TypeChanged, Path: "public/tosub", Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{To: theme1}},
		{Status: diff.Modified, Path: "vendor/theme", Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{From: theme1, To: theme2}}, // submodule bump
	}
	for _, p := range gitfixture.OddNames {
		every = append(every, diff.Change{Status: diff.Added, Path: p})
	}
	for _, tc := range []struct {
		name     string
		from, to string
		want     []diff.Change
	}{
		{"every shape", shas[0], shas[1], every},
		{"kinds back", shas[4], shas[5], []diff.Change{
			{Status: diff.Added, Path: "public/empty-a.txt"},
			{Status: diff.Added, Path: "public/moved/new-empty-b.txt"},
			{Status: diff.Modified, Path: "public/run.sh"}, // 755 → 644 with new content
			{Status: diff.Modified, Path: "public/tolink.html", Kind: diff.KindSymlink},
			{Status: diff.TypeChanged, Path: "public/tosub", Submodule: &diff.SubmoduleMove{From: theme1}}, // submodule → file
			{Status: diff.Deleted, Path: "vendor/theme", Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{From: theme2}},
		}},
		{"merge, both sides", shas[1], shas[4], []diff.Change{
			{Status: diff.Modified, Path: "public/index.html"},
			{Status: diff.Deleted, Path: "public/new-empty.txt"},
			{Status: diff.Added, Path: "public/side.html"},
			{Status: diff.Modified, Path: "public/style.css"},
		}},
		{"same commit", shas[2], shas[2], []diff.Change{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Changes(context.Background(), tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(sorted(tc.want), got); d != "" {
				t.Errorf("Changes (-want +got):\n%s", d)
			}
		})
	}
}

// TestEmptyFromListsEverything diffs against git's empty tree, which lists
// every file of the commit as added.
func TestEmptyFromListsEverything(t *testing.T) {
	bare, shas := shapes(t)
	r := open(t, bare)
	got, err := r.Changes(context.Background(), "4b825dc642cb6eb9a060e54bf8d69288fbee4904", shas[0])
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p := range gitfixture.Shapes()[0].Write {
		want = append(want, p)
	}
	sort.Strings(want)
	if d := cmp.Diff(want, paths(got)); d != "" {
		t.Errorf("paths (-want +got):\n%s", d)
	}
	for _, c := range got {
		if c.Status != diff.Added {
			t.Errorf("%q: status %s, want A", c.Path, c.Status)
		}
	}
}

// shape makes one repository layout from the bare Shapes fixture and
// returns the folder to open, checking that the layout really is what its
// name says, so a git change cannot quietly make the test trivial.
type shape struct {
	name string
	make func(t *testing.T, bare, tmp string) string
}

var shapesOfRepo = []shape{
	{"bare", func(t *testing.T, bare, tmp string) string { return bare }},
	{"clone", clone},
	{"sub-folder", func(t *testing.T, bare, tmp string) string {
		return filepath.Join(clone(t, bare, tmp), "public", "css")
	}},
	{"linked worktree", worktree},
	{"linked worktree sub-folder", func(t *testing.T, bare, tmp string) string { return filepath.Join(worktree(t, bare, tmp), "public") }},
	{"index v4", func(t *testing.T, bare, tmp string) string {
		dir := clone(t, bare, tmp)
		git(t, dir, "update-index", "--index-version", "4")
		if b, _ := os.ReadFile(filepath.Join(dir, ".git", "index")); len(b) < 8 || b[7] != 4 {
			t.Fatal("index is not version 4")
		}
		return dir
	}},
	{"split index", func(t *testing.T, bare, tmp string) string {
		dir := clone(t, bare, tmp)
		git(t, dir, "update-index", "--split-index")
		mustGlob(t, filepath.Join(dir, ".git", "sharedindex.*"))
		return dir
	}},
	{"garbage index", func(t *testing.T, bare, tmp string) string {
		// Proof that a tree diff never reads the index: it is not one.
		dir := clone(t, bare, tmp)
		if err := os.WriteFile(filepath.Join(dir, ".git", "index"), []byte("not an index"), 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}},
	{"alternates", func(t *testing.T, bare, tmp string) string {
		dir := filepath.Join(tmp, "shared")
		git(t, tmp, "clone", "-q", "--shared", bare, dir)
		mustGlob(t, filepath.Join(dir, ".git", "objects", "info", "alternates"))
		return dir
	}},
	{"multi-pack index", multiPack},
	{"sparse checkout", sparse},
	{"sparse checkout, format 1", func(t *testing.T, bare, tmp string) string {
		dir := sparse(t, bare, tmp)
		git(t, dir, "config", "core.repositoryformatversion", "1")
		return dir
	}},
	{"blobless partial clone", blobless},
}

func clone(t *testing.T, bare, tmp string) string {
	dir := filepath.Join(tmp, "clone")
	git(t, tmp, "clone", "-q", bare, dir)
	return dir
}

func worktree(t *testing.T, bare, tmp string) string {
	main := clone(t, bare, tmp)
	dir := filepath.Join(tmp, "wt")
	git(t, main, "worktree", "add", "-q", "--detach", dir, "c3")
	mustGlob(t, filepath.Join(main, ".git", "worktrees", "wt", "commondir"))
	return dir
}

func multiPack(t *testing.T, bare, tmp string) string {
	dir := filepath.Join(tmp, "multi.git")
	git(t, tmp, "init", "-q", "--bare", dir)
	// Two fetches kept as two packs, then a multi-pack index and a
	// commit-graph over them, as GitHub-style maintenance leaves.
	git(t, dir, "-c", "fetch.unpackLimit=1", "fetch", "-q", bare, "c1:refs/heads/old")
	git(t, dir, "-c", "fetch.unpackLimit=1", "fetch", "-q", bare, "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*")
	git(t, dir, "multi-pack-index", "write")
	git(t, dir, "commit-graph", "write", "--reachable")
	if packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.pack")); len(packs) < 2 {
		t.Fatalf("want 2 packs, have %d", len(packs))
	}
	mustGlob(t, filepath.Join(dir, "objects", "pack", "multi-pack-index"))
	return dir
}

func sparse(t *testing.T, bare, tmp string) string {
	dir := clone(t, bare, tmp)
	git(t, dir, "sparse-checkout", "set", "public/css")
	mustContain(t, git(t, dir, "config", "--list", "--local"), "extensions.worktreeconfig=true")
	return dir
}

func blobless(t *testing.T, bare, tmp string) string {
	git(t, bare, "config", "uploadpack.allowFilter", "true")
	dir := filepath.Join(tmp, "blobless.git")
	git(t, tmp, "clone", "-q", "--bare", "--filter=blob:none", "file://"+bare, dir)
	types := git(t, dir, "cat-file", "--batch-all-objects", "--batch-check=%(objecttype)")
	if strings.Contains(types, "blob") || !strings.Contains(types, "tree") {
		t.Fatalf("clone is not blobless; object types:\n%s", types)
	}
	return dir
}

func mustGlob(t *testing.T, pattern string) {
	t.Helper()
	if m, _ := filepath.Glob(pattern); len(m) == 0 {
		t.Fatalf("no %s: git did not make the layout this test is about", pattern)
	}
}

func mustContain(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Fatalf("%q not in:\n%s", sub, s)
	}
}

// ranges is every ordered pair of Shapes commits, and the empty tree to
// the last one, as from→to SHAs.
func ranges(shas []string) [][2]string {
	out := [][2]string{{"4b825dc642cb6eb9a060e54bf8d69288fbee4904", shas[len(shas)-1]}}
	for _, a := range shas {
		for _, b := range shas {
			if a != b {
				out = append(out, [2]string{a, b})
			}
		}
	}
	return out
}

// TestShapesMatchGit opens every repository layout and checks, for every
// range, that the paths equal git diff --no-renames on the original,
// byte for byte, and that the changes equal those of the bare repository.
func TestShapesMatchGit(t *testing.T) {
	bare, shas := shapes(t)
	want := map[[2]string][]string{}
	ref := map[[2]string][]diff.Change{}
	rb := open(t, bare)
	for _, rg := range ranges(shas) {
		want[rg] = gitPaths(t, bare, rg[0], rg[1])
		var err error
		if ref[rg], err = rb.Changes(context.Background(), rg[0], rg[1]); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range shapesOfRepo {
		t.Run(s.name, func(t *testing.T) {
			r := open(t, s.make(t, bare, t.TempDir()))
			for _, rg := range ranges(shas) {
				name := fmt.Sprintf("%.7s..%.7s", rg[0], rg[1])
				got, err := r.Changes(context.Background(), rg[0], rg[1])
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if d := cmp.Diff(want[rg], paths(got)); d != "" {
					t.Errorf("%s: paths (-git +go-git):\n%s", name, d)
				}
				if d := cmp.Diff(ref[rg], got); d != "" {
					t.Errorf("%s: changes differ from the bare repository's (-bare +%s):\n%s", name, s.name, d)
				}
			}
		})
	}
}
