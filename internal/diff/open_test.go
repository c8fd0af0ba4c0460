package diff_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// TestOpenUnsupported checks that formats go-git v5 cannot read fail at
// Open with ErrUnsupportedRepo, the format's name and the way out.
func TestOpenUnsupported(t *testing.T) {
	for _, tc := range []struct {
		name string
		make func(t *testing.T, bare, tmp string) string
		want []string
	}{
		{"sha256", func(t *testing.T, _, tmp string) string {
			dir := filepath.Join(tmp, "sha256")
			git(t, tmp, "init", "-q", "--object-format=sha256", dir)
			git(t, dir, "commit", "-q", "--allow-empty", "-m", "one")
			return dir
		}, []string{"SHA-256", "SHA-1 repository"}},
		{"reftable", func(t *testing.T, bare, tmp string) string {
			dir := clone(t, bare, tmp)
			git(t, dir, "config", "core.repositoryformatversion", "1")
			git(t, dir, "config", "extensions.refStorage", "reftable")
			return dir
		}, []string{"reftable", "git refs migrate --ref-format=files"}},
		{"treeless partial clone", func(t *testing.T, bare, tmp string) string {
			git(t, bare, "config", "uploadpack.allowFilter", "true")
			dir := filepath.Join(tmp, "treeless.git")
			git(t, tmp, "clone", "-q", "--bare", "--filter=tree:0", "file://"+bare, dir)
			return dir
		}, []string{"treeless partial clone", "--filter=tree:0", "blob:none"}},
		{"unknown extension", func(t *testing.T, bare, tmp string) string {
			dir := clone(t, bare, tmp)
			git(t, dir, "config", "core.repositoryformatversion", "1")
			git(t, dir, "config", "extensions.fancyThing", "true")
			return dir
		}, []string{`"fancything"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bare, _ := shapes(t)
			_, err := diff.Open(tc.make(t, bare, t.TempDir()))
			if !errors.Is(err, diff.ErrUnsupportedRepo) {
				t.Fatalf("Open error = %v, want ErrUnsupportedRepo", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// TestOpenSparseWithoutChanges checks that a sparse checkout, which plain
// go-git refuses, opens, and that opening and diffing leave its config
// byte for byte as it was.
func TestOpenSparseWithoutChanges(t *testing.T) {
	bare, shas := shapes(t)
	dir := sparse(t, bare, t.TempDir())
	if _, err := gogit.PlainOpen(dir); err == nil {
		t.Fatal("go-git's PlainOpen accepts the sparse checkout: this test no longer tests anything")
	}
	before, err := os.ReadFile(filepath.Join(dir, ".git", "config"))
	if err != nil {
		t.Fatal(err)
	}
	r := open(t, dir)
	if r.Root() != dir {
		t.Errorf("Root() = %q, want %q", r.Root(), dir)
	}
	if _, err := r.Changes(context.Background(), shas[0], shas[5]); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, ".git", "config"))
	if !bytes.Equal(before, after) {
		t.Errorf("config changed:\n%s\n->\n%s", before, after)
	}
}

// TestRoot checks the worktree top for each layout, "" when bare.
func TestRoot(t *testing.T) {
	bare, _ := shapes(t)
	tmp := t.TempDir()
	wt := worktree(t, bare, tmp)
	for _, tc := range []struct{ open, want string }{
		{bare, ""},
		{filepath.Join(tmp, "clone", "public", "css"), filepath.Join(tmp, "clone")},
		{filepath.Join(wt, "public"), wt},
	} {
		if got := open(t, tc.open).Root(); got != tc.want {
			t.Errorf("Open(%q).Root() = %q, want %q", tc.open, got, tc.want)
		}
	}
}

// TestExactRenames checks how deleted and added files with the same blob
// pair up: same kind only, never gitlinks, a moved base name first.
func TestExactRenames(t *testing.T) {
	const sub = "3333333333333333333333333333333333333333"
	for _, tc := range []struct {
		name   string
		first  gitfixture.Commit
		second gitfixture.Commit
		want   []diff.Change
	}{
		{"same base name wins",
			gitfixture.Commit{Write: map[string]string{"a/one.txt": "S", "a/two.txt": "S"}},
			gitfixture.Commit{Rename: map[string]string{"a/two.txt": "b/two.txt"}},
			[]diff.Change{{Status: diff.Renamed, Path: "b/two.txt", OldPath: "a/two.txt"}}},
		{"both of two equal files",
			gitfixture.Commit{Write: map[string]string{"a/one.txt": "S", "a/two.txt": "S"}},
			gitfixture.Commit{Rename: map[string]string{"a/one.txt": "b/one.txt", "a/two.txt": "b/two.txt"}},
			[]diff.Change{{Status: diff.Renamed, Path: "b/one.txt", OldPath: "a/one.txt"}, {Status: diff.Renamed, Path: "b/two.txt", OldPath: "a/two.txt"}}},
		{"file to symlink is no rename",
			gitfixture.Commit{Write: map[string]string{"f": "target"}},
			gitfixture.Commit{Delete: []string{"f"}, Write: map[string]string{"l": "target"}, Mode: map[string]filemode.FileMode{"l": filemode.Symlink}},
			[]diff.Change{{Status: diff.Deleted, Path: "f"}, {Status: diff.Added, Path: "l", Kind: diff.KindSymlink}}},
		{"gitlinks never pair",
			gitfixture.Commit{Write: map[string]string{"s": sub}, Mode: map[string]filemode.FileMode{"s": filemode.Submodule}},
			gitfixture.Commit{Rename: map[string]string{"s": "t"}},
			[]diff.Change{{Status: diff.Deleted, Path: "s", Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{From: sub}}, {Status: diff.Added, Path: "t", Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{To: sub}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			shas, err := gitfixture.Build(dir, true, []gitfixture.Commit{tc.first, tc.second})
			if err != nil {
				t.Fatal(err)
			}
			got, err := open(t, dir).Changes(context.Background(), shas[0], shas[1])
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Changes (-want +got):\n%s", d)
			}
		})
	}
}

// TestReadFileOddNames reads files whose names go-git's own path lookup
// rejects (newline, go-git#2339) straight from a bare repository.
func TestReadFileOddNames(t *testing.T) {
	bare, shas := shapes(t)
	r := open(t, bare)
	for _, p := range gitfixture.OddNames {
		got, err := r.ReadFile(shas[1], p)
		if err != nil {
			t.Errorf("ReadFile(%q): %v", p, err)
			continue
		}
		if string(got) != "odd "+p {
			t.Errorf("ReadFile(%q) = %q", p, got)
		}
	}
	for _, p := range []string{"public", "public/link", "vendor/theme", "public/nope.html", "public/index.html/x"} {
		if _, err := r.ReadFile(shas[0], p); err == nil {
			t.Errorf("ReadFile(%q) succeeded, want an error: not a regular file", p)
		}
	}
}
