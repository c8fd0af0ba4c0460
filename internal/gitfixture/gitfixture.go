// Package gitfixture builds small git repositories deterministically with
// go-git: fixed author, fixed times, so the same commits always get the same
// SHAs. Tests, the demo and the committed fixtures under testdata/repos use it.
package gitfixture

import (
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage"
)

// Commit describes one commit as edits to its parent's files.
type Commit struct {
	Message string
	Write   map[string]string // path → content (added or modified)
	Delete  []string
	Rename  map[string]string // old path → new path, content kept
	Tag     string            // optional lightweight tag on this commit
}

// Epoch is the time of the first commit; each later commit is one hour on.
var Epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Build creates a repository in dir (bare when bare is true) with the
// commits on branch main, and returns their SHAs in order.
func Build(dir string, bare bool, commits []Commit) ([]string, error) {
	r, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		Bare:        bare,
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		return nil, fmt.Errorf("init %q: %w", dir, err)
	}
	files := map[string]plumbing.Hash{}
	var parent plumbing.Hash
	var shas []string
	for i, c := range commits {
		if err := apply(r.Storer, files, c); err != nil {
			return nil, fmt.Errorf("commit %d: %w", i+1, err)
		}
		tree, err := writeTree(r.Storer, files, "")
		if err != nil {
			return nil, err
		}
		h, err := writeCommit(r.Storer, tree, parent, c.Message, Epoch.Add(time.Duration(i)*time.Hour))
		if err != nil {
			return nil, err
		}
		if c.Tag != "" {
			if err := r.Storer.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(c.Tag), h)); err != nil {
				return nil, err
			}
		}
		parent = h
		shas = append(shas, h.String())
	}
	if err := r.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), parent)); err != nil {
		return nil, err
	}
	if err := setHead(r); err != nil {
		return nil, err
	}
	if !bare {
		// Check the last commit out so the worktree holds the files, as in a clone.
		wt, err := r.Worktree()
		if err != nil {
			return nil, err
		}
		if err := wt.Reset(&git.ResetOptions{Mode: git.HardReset, Commit: parent}); err != nil {
			return nil, fmt.Errorf("check out %s: %w", parent, err)
		}
	}
	return shas, nil
}

func setHead(r *git.Repository) error {
	cfg, err := r.Config()
	if err != nil {
		return err
	}
	cfg.Init.DefaultBranch = "main"
	if err := r.Storer.SetConfig(cfg); err != nil {
		return err
	}
	return r.Storer.SetReference(plumbing.NewSymbolicReference(plumbing.HEAD, plumbing.NewBranchReferenceName("main")))
}

func apply(s storage.Storer, files map[string]plumbing.Hash, c Commit) error {
	for _, p := range c.Delete {
		if _, ok := files[p]; !ok {
			return fmt.Errorf("delete %q: no such file", p)
		}
		delete(files, p)
	}
	for old, nw := range c.Rename {
		h, ok := files[old]
		if !ok {
			return fmt.Errorf("rename %q: no such file", old)
		}
		delete(files, old)
		files[nw] = h
	}
	for p, content := range c.Write {
		h, err := writeBlob(s, content)
		if err != nil {
			return err
		}
		files[p] = h
	}
	return nil
}

func writeBlob(s storage.Storer, content string) (plumbing.Hash, error) {
	o := s.NewEncodedObject()
	o.SetType(plumbing.BlobObject)
	w, err := o.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write([]byte(content)); err != nil {
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}

// writeTree writes the tree for the folder prefix (""= root) and its
// sub-trees, entries in git's order (a folder sorts as if named "name/").
func writeTree(s storage.Storer, files map[string]plumbing.Hash, prefix string) (plumbing.Hash, error) {
	blobs := map[string]plumbing.Hash{}
	dirs := map[string]bool{}
	for p, h := range files {
		if !strings.HasPrefix(p, prefix) {
			continue
		}
		rest := p[len(prefix):]
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			dirs[rest[:i]] = true
		} else {
			blobs[rest] = h
		}
	}
	var entries []object.TreeEntry
	for name, h := range blobs {
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: h})
	}
	for name := range dirs {
		h, err := writeTree(s, files, path.Join(prefix, name)+"/")
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	sort.Slice(entries, func(i, j int) bool { return sortKey(entries[i]) < sortKey(entries[j]) })
	o := s.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}

func sortKey(e object.TreeEntry) string {
	if e.Mode == filemode.Dir {
		return e.Name + "/"
	}
	return e.Name
}

func writeCommit(s storage.Storer, tree, parent plumbing.Hash, msg string, when time.Time) (plumbing.Hash, error) {
	sig := object.Signature{Name: "ccu-purge fixtures", Email: "fixtures@ccu-purge.invalid", When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: tree}
	if !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	o := s.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}
