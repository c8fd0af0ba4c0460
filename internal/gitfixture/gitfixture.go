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

// Commit describes one commit as edits to its first parent's files.
type Commit struct {
	Message string
	Write   map[string]string // path → content (added or modified)
	Delete  []string
	Rename  map[string]string // old path → new path, content and mode kept
	Tag     string            // optional lightweight tag on this commit
	// Mode sets the mode of a path written here or kept from the parent
	// (default filemode.Regular). For filemode.Symlink the content is the
	// link target; for filemode.Submodule it is the commit SHA recorded
	// (a gitlink), and no blob is written.
	Mode map[string]filemode.FileMode
	// Parents are indexes into the commit list; nil means the previous
	// commit (none for the first). Two or more make a merge, whose files
	// start from the first parent's.
	Parents []int
}

// file is one tree entry being built.
type file struct {
	hash plumbing.Hash
	mode filemode.FileMode
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
	parent, shas, err := writeCommits(r.Storer, commits)
	if err != nil {
		return nil, err
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

// writeCommits writes the commits and their tags, and returns the last
// commit and every SHA in order.
func writeCommits(s storage.Storer, commits []Commit) (plumbing.Hash, []string, error) {
	var hashes []plumbing.Hash
	var states []map[string]file
	var shas []string
	for i, c := range commits {
		parents, err := parentsOf(i, c.Parents)
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
		files := map[string]file{}
		if len(parents) > 0 {
			for p, f := range states[parents[0]] {
				files[p] = f
			}
		}
		if err := apply(s, files, c); err != nil {
			return plumbing.ZeroHash, nil, fmt.Errorf("commit %d: %w", i+1, err)
		}
		tree, err := writeTree(s, files, "")
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
		var ph []plumbing.Hash
		for _, p := range parents {
			ph = append(ph, hashes[p])
		}
		h, err := writeCommit(s, tree, ph, c.Message, Epoch.Add(time.Duration(i)*time.Hour))
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
		if c.Tag != "" {
			if err := s.SetReference(plumbing.NewHashReference(plumbing.NewTagReferenceName(c.Tag), h)); err != nil {
				return plumbing.ZeroHash, nil, err
			}
		}
		hashes, states, shas = append(hashes, h), append(states, files), append(shas, h.String())
	}
	if len(hashes) == 0 {
		return plumbing.ZeroHash, nil, fmt.Errorf("no commits")
	}
	return hashes[len(hashes)-1], shas, nil
}

// parentsOf checks the parents of commit i: earlier commits only.
func parentsOf(i int, parents []int) ([]int, error) {
	if parents == nil && i > 0 {
		return []int{i - 1}, nil
	}
	for _, p := range parents {
		if p < 0 || p >= i {
			return nil, fmt.Errorf("commit %d: parent %d is not an earlier commit", i+1, p)
		}
	}
	return parents, nil
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

func apply(s storage.Storer, files map[string]file, c Commit) error {
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
		f := file{mode: filemode.Regular}
		if m, ok := c.Mode[p]; ok {
			f.mode = m
		}
		if f.mode == filemode.Submodule {
			f.hash = plumbing.NewHash(content)
		} else {
			h, err := writeBlob(s, content)
			if err != nil {
				return err
			}
			f.hash = h
		}
		files[p] = f
	}
	for p, m := range c.Mode {
		f, ok := files[p]
		if !ok {
			return fmt.Errorf("mode of %q: no such file", p)
		}
		f.mode = m
		files[p] = f
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
func writeTree(s storage.Storer, files map[string]file, prefix string) (plumbing.Hash, error) {
	blobs := map[string]file{}
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
	for name, f := range blobs {
		entries = append(entries, object.TreeEntry{Name: name, Mode: f.mode, Hash: f.hash})
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

func writeCommit(s storage.Storer, tree plumbing.Hash, parents []plumbing.Hash, msg string, when time.Time) (plumbing.Hash, error) {
	sig := object.Signature{Name: "ccu-purge fixtures", Email: "fixtures@ccu-purge.invalid", When: when}
	c := &object.Commit{Author: sig, Committer: sig, Message: msg + "\n", TreeHash: tree, ParentHashes: parents}
	o := s.NewEncodedObject()
	if err := c.Encode(o); err != nil {
		return plumbing.ZeroHash, err
	}
	return s.SetEncodedObject(o)
}
