// Package diff lists what changed between two commits of a git repository,
// using go-git only (no git binary), as the purge plan's input.
package diff

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/utils/merkletrie"
)

// Status is the kind of a change, with git's one-letter names.
type Status string

// The statuses a Change can have.
const (
	Added    Status = "A"
	Modified Status = "M"
	Deleted  Status = "D"
	Renamed  Status = "R"
)

// Change is one changed path between two commits. Paths are exactly as
// stored in git: bytes are never quoted, normalised or re-encoded.
type Change struct {
	Status  Status `json:"status"`
	Path    string `json:"path"`
	OldPath string `json:"oldPath,omitempty"`
}

// Paths returns every path the change touches: both sides of a rename,
// because the old URL is cached too and must go.
func (c Change) Paths() []string {
	if c.Status == Renamed {
		return []string{c.OldPath, c.Path}
	}
	return []string{c.Path}
}

// ErrRevisionNotFound is wrapped by Resolve when a revision names nothing.
var ErrRevisionNotFound = errors.New("revision not found")

// ErrNotRepository is wrapped by Open when no repository is found.
var ErrNotRepository = errors.New("not a git repository")

// Repo is an opened repository.
type Repo struct {
	repo *git.Repository
	root string // the worktree's top folder, "" for a bare repository
}

// Open opens the repository at path or at one of its parents, the way git
// does when run from a sub-folder. Linked worktrees share the main
// repository's objects through commondir, which go-git reads only when asked.
func Open(path string) (*Repo, error) {
	// A bare repository is found only without DetectDotGit, a sub-folder
	// only with it: try the exact folder first, then its parents.
	r, err := git.PlainOpenWithOptions(path, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		r, err = git.PlainOpenWithOptions(path, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	}
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return nil, fmt.Errorf("open %q: %w (run inside a clone or pass --repo DIR)", path, ErrNotRepository)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository %q: %w", path, err)
	}
	out := &Repo{repo: r}
	if wt, err := r.Worktree(); err == nil {
		out.root = wt.Filesystem.Root()
	}
	return out, nil
}

// Root returns the worktree's top folder, or "" for a bare repository.
func (r *Repo) Root() string { return r.root }

// Resolve turns a revision (full or short SHA, branch, tag, HEAD~N) into a
// full commit SHA.
func (r *Repo) Resolve(rev string) (string, error) {
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("resolve %q: %w: %v (check the name with 'git log --oneline', and fetch it if the clone is shallow)", rev, ErrRevisionNotFound, err)
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		// Annotated tags resolve to the tag object in some go-git paths.
		if tag, terr := r.repo.TagObject(*h); terr == nil {
			if c, err = tag.Commit(); err == nil {
				return c.Hash.String(), nil
			}
		}
		return "", fmt.Errorf("resolve %q: %w: %v", rev, ErrRevisionNotFound, err)
	}
	return c.Hash.String(), nil
}

// Changes lists the changes from commit from to commit to (full SHAs),
// sorted by path. It compares the two trees only, so merges in between
// count with both sides, and history need not be complete.
func (r *Repo) Changes(ctx context.Context, from, to string) ([]Change, error) {
	a, err := r.tree(from)
	if err != nil {
		return nil, err
	}
	b, err := r.tree(to)
	if err != nil {
		return nil, err
	}
	// Exact renames only: pairing by blob hash is cheap and needs no blob
	// contents (blobless clones work); similarity renames cost seconds and
	// change nothing for a purge, since both paths are purged either way.
	opts := &object.DiffTreeOptions{DetectRenames: true, OnlyExactRenames: true}
	changes, err := object.DiffTreeWithOptions(ctx, a, b, opts)
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", short(from), short(to), err)
	}
	out := make([]Change, 0, len(changes))
	for _, c := range changes {
		ch, err := convert(c)
		if err != nil {
			return nil, err
		}
		out = append(out, ch...)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

func (r *Repo) tree(sha string) (*object.Tree, error) {
	c, err := r.repo.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", short(sha), err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("read tree of commit %s: %w", short(sha), err)
	}
	return t, nil
}

// ReadFile returns the content of path in commit sha; it serves bare
// repositories, which have no worktree to read a config file from.
func (r *Repo) ReadFile(sha, path string) ([]byte, error) {
	t, err := r.tree(sha)
	if err != nil {
		return nil, err
	}
	f, err := t.File(path)
	if err != nil {
		return nil, fmt.Errorf("read %q at %s: %w", path, short(sha), err)
	}
	rd, err := f.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}

// convert maps go-git's Insert/Delete/Modify onto git's statuses. A Modify
// whose names differ is an exact rename. A change of entry kind (file to
// gitlink, say) is reported as a modification of the path.
func convert(c *object.Change) ([]Change, error) {
	action, err := c.Action()
	if err != nil {
		return nil, err
	}
	switch action {
	case merkletrie.Insert:
		return []Change{{Status: Added, Path: c.To.Name}}, nil
	case merkletrie.Delete:
		return []Change{{Status: Deleted, Path: c.From.Name}}, nil
	}
	if c.From.Name != c.To.Name {
		return []Change{{Status: Renamed, Path: c.To.Name, OldPath: c.From.Name}}, nil
	}
	return []Change{{Status: Modified, Path: c.To.Name}}, nil
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}
