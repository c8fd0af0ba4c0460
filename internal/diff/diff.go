// Package diff lists what changed between two commits of a git repository,
// using go-git only (no git binary), as the purge plan's input.
package diff

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// Status is the kind of a change, with git's one-letter names.
type Status string

// The statuses a Change can have.
const (
	Added    Status = "A"
	Modified Status = "M"
	Deleted  Status = "D"
	Renamed  Status = "R"
	// TypeChanged is a path that changed kind: a file became a symlink or
	// a submodule (gitlink), or back. git shows it as T.
	TypeChanged Status = "T"
)

// The kinds of a non-regular entry, in Change.Kind.
const (
	KindSymlink = "symlink"
	KindGitlink = "gitlink" // a submodule: the path holds another repository's commit
)

// Change is one changed path between two commits. Paths are exactly as
// stored in git: bytes are never quoted, normalised or re-encoded.
type Change struct {
	Status  Status `json:"status"`
	Path    string `json:"path"`
	OldPath string `json:"oldPath,omitempty"`
	// PathBytes and OldPathBytes hold Path's and OldPath's bytes (base64
	// in JSON) when the name is not valid UTF-8, and are nil otherwise:
	// encoding/json writes U+FFFD for each invalid byte, so two files
	// whose names differ only there would print the same path.
	PathBytes    []byte `json:"pathBytes,omitempty"`
	OldPathBytes []byte `json:"oldPathBytes,omitempty"`
	// ModeOnly marks an M whose content is unchanged (chmod 644→755):
	// the served bytes are the same, so a purge may skip it.
	ModeOnly bool `json:"modeOnly,omitempty"`
	// Kind is "symlink" or "gitlink" when the entry (the new side, or the
	// old one for D) is not a regular file, since neither serves its blob
	// as a page. It is empty for regular files.
	Kind string `json:"kind,omitempty"`
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

// ErrCommitMissing is wrapped by Resolve and Changes when a commit or one
// of its trees is not in the local object store: the usual case is the base
// of a shallow CI clone. Fetch gets it; HasCommit tests for it.
var ErrCommitMissing = errors.New("commit not in the local repository")

// ErrDamaged is wrapped when the repository itself is broken: a reference
// names an object that is missing from a full clone, an object or pack is
// unreadable, or a file of the git folder has the wrong type. git fsck says
// more; re-cloning fixes it.
var ErrDamaged = errors.New("the repository is damaged")

// fsck is the hint every ErrDamaged carries.
const fsck = "run 'git fsck', or clone the repository again"

// fsckHint is the fsck hint for a wrapped err, unless err already has one.
func fsckHint(err error) string {
	if strings.Contains(err.Error(), "git fsck") {
		return ""
	}
	return " (" + fsck + ")"
}

// Repo is an opened repository. Close it to release its pack files. Reads
// may run concurrently; Fetch must not run beside them.
type Repo struct {
	repo *git.Repository
	st   *filesystem.Storage
	objs *objects
	layout
}

// Root returns the worktree's top folder, or "" for a bare repository.
func (r *Repo) Root() string { return r.root }

// Close releases the pack files, which stay open between reads because
// reopening them on every object read costs more than the diff itself.
func (r *Repo) Close() error {
	r.objs.close()
	return r.st.Close()
}

// Resolve turns a revision (full or short SHA, branch, tag, HEAD~N) into a
// full commit SHA. Pass full SHAs from CI where possible: HEAD~N walks
// history, which a shallow clone does not have.
func (r *Repo) Resolve(rev string) (string, error) {
	if plumbing.IsHash(rev) {
		// The CI case; read without go-git, whose first object read
		// loads every pack index (see pack).
		c, err := r.peel(r.objs.reader(), plumbing.NewHash(rev))
		if err == nil {
			return c.String(), nil
		}
		if isMissing(err) {
			return "", fmt.Errorf("resolve %q: %w: %w (fetch it, or check out with fetch-depth: 0)", rev, ErrRevisionNotFound, ErrCommitMissing)
		}
		return "", fmt.Errorf("resolve %q: %w: %v%s", rev, ErrDamaged, err, fsckHint(err))
	}
	if h, ok := r.quickResolve(rev); ok {
		return h.String(), nil
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		if why := r.diagnose(rev); why != nil {
			return "", why
		}
		if isMissing(err) {
			return "", fmt.Errorf("resolve %q: %w: %w (the clone is shallow or partial: fetch it, or check out with fetch-depth: 0)", rev, ErrRevisionNotFound, ErrCommitMissing)
		}
		return "", fmt.Errorf("resolve %q: %w: %v (check the name with 'git log --oneline', and fetch it if the clone is shallow)", rev, ErrRevisionNotFound, err)
	}
	c, err := r.repo.CommitObject(*h)
	if err == nil {
		return c.Hash.String(), nil
	}
	// Annotated tags resolve to the tag object in some go-git paths.
	if tag, terr := r.repo.TagObject(*h); terr == nil {
		if c, err = tag.Commit(); err == nil {
			return c.Hash.String(), nil
		}
	}
	if why := r.diagnose(rev); why != nil {
		return "", why
	}
	if isMissing(err) {
		return "", fmt.Errorf("resolve %q: %w: %w (fetch it with Fetch, or check out with fetch-depth: 0)", rev, ErrRevisionNotFound, ErrCommitMissing)
	}
	return "", fmt.Errorf("resolve %q: %w: %v", rev, ErrRevisionNotFound, err)
}

// diagnose says why rev did not resolve when "not found" would mislead:
// HEAD on a branch without commits (an empty repository), or a reference
// that exists but names an object that is absent or unreadable. It returns
// nil when the name itself is unknown (or fine, and a ~N walk failed).
func (r *Repo) diagnose(rev string) error {
	name := rev
	if i := strings.IndexAny(name, "~^@:"); i >= 0 {
		name = name[:i]
	}
	if name == "" {
		name = "HEAD"
	}
	if name == "HEAD" {
		if head, err := r.repo.Storer.Reference(plumbing.HEAD); err == nil && head.Type() == plumbing.SymbolicReference {
			if _, err := r.repo.Reference(head.Target(), true); errors.Is(err, plumbing.ErrReferenceNotFound) {
				return fmt.Errorf("resolve %q: %w: HEAD is on branch %q, which has no commits yet (an empty repository, or a new branch): commit first, or name a revision", rev, ErrRevisionNotFound, head.Target().Short())
			}
		}
	}
	for _, rule := range plumbing.RefRevParseRules {
		ref, err := r.repo.Reference(plumbing.ReferenceName(fmt.Sprintf(rule, name)), true)
		if err != nil {
			continue
		}
		_, err = r.peel(r.objs.reader(), ref.Hash())
		switch {
		case err == nil:
			return nil
		case isMissing(err) && r.IsShallow():
			return fmt.Errorf("resolve %q: %w: %w: %s names %s (the clone is shallow: fetch it, or check out with fetch-depth: 0)", rev, ErrRevisionNotFound, ErrCommitMissing, ref.Name().Short(), short(ref.Hash().String()))
		case isMissing(err):
			return fmt.Errorf("resolve %q: %w: %s names commit %s, which is not in the object store (%s)", rev, ErrDamaged, ref.Name().Short(), short(ref.Hash().String()), fsck)
		default:
			return fmt.Errorf("resolve %q: %w: %s names %s, which cannot be read: %v%s", rev, ErrDamaged, ref.Name().Short(), short(ref.Hash().String()), err, fsckHint(err))
		}
	}
	return nil
}

// Changes lists the changes from commit from to commit to (full SHAs),
// sorted by path. It reads the two commits and the sub-trees whose hashes
// differ, nothing else: merges in between count with both sides, history
// need not be present (shallow clones), and blobs need not be either
// (blobless clones). Renames are exact only (same blob, by hash), because
// similarity renames cost seconds and change nothing for a purge.
func (r *Repo) Changes(ctx context.Context, from, to string) ([]Change, error) {
	rd := r.objs.reader()
	a, err := r.rootTree(rd, from)
	if err != nil {
		return nil, err
	}
	b, err := r.rootTree(rd, to)
	if err != nil {
		return nil, err
	}
	w := newWalker(ctx, r.objs, rd)
	all, err := w.wait(w.diff("", a, b))
	if err != nil {
		return nil, fmt.Errorf("diff %s..%s: %w", short(from), short(to), err)
	}
	out := all.result()
	if out == nil {
		out = []Change{} // JSON "[]", not null, when nothing changed
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// EmptyTree is git's well-known empty tree, accepted as a "from" to list
// every file of a commit.
const EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"

// rootTree returns the tree hash of commit sha without reading any other
// commit: parents may be absent at a shallow boundary (go-git#2409).
func (r *Repo) rootTree(rd *reader, sha string) (plumbing.Hash, error) {
	if sha == EmptyTree {
		return plumbing.ZeroHash, nil
	}
	if !plumbing.IsHash(sha) {
		return plumbing.ZeroHash, fmt.Errorf("read commit %q: %w: want a full 40-hex SHA (use Resolve)", sha, ErrRevisionNotFound)
	}
	raw, err := rd.read(plumbing.CommitObject, plumbing.NewHash(sha))
	if isMissing(err) {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w (the clone is shallow or partial: fetch it, or check out with fetch-depth: 0)", short(sha), ErrCommitMissing)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w: %v%s", short(sha), ErrDamaged, err, fsckHint(err))
	}
	h, err := header(raw, "tree")
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read commit %s: %w: %v", short(sha), ErrDamaged, err)
	}
	return h, nil
}

// header returns the hash on the first line "NAME HEX" of a commit or tag.
func header(raw []byte, name string) (plumbing.Hash, error) {
	line, _, _ := strings.Cut(string(raw[:min(len(raw), 100)]), "\n")
	hex, ok := strings.CutPrefix(line, name+" ")
	if !ok || !plumbing.IsHash(hex) {
		return plumbing.ZeroHash, fmt.Errorf("object has no %s line (run 'git fsck')", name)
	}
	return plumbing.NewHash(hex), nil
}

// peel returns the commit h names: h itself, or the target of the
// annotated tag(s) h names.
func (r *Repo) peel(rd *reader, h plumbing.Hash) (plumbing.Hash, error) {
	for range 10 {
		if _, err := rd.read(plumbing.CommitObject, h); err == nil {
			return h, nil
		}
		raw, err := rd.read(plumbing.TagObject, h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if h, err = header(raw, "object"); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return plumbing.ZeroHash, errors.New("tag chain too long")
}

func isMissing(err error) bool {
	return errors.Is(err, plumbing.ErrObjectNotFound)
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	return sha
}

// ReadFile returns the content of path in commit sha; it serves bare
// repositories, which have no worktree to read a config file from. It
// looks the path up entry by entry, so any name git stores can be read.
func (r *Repo) ReadFile(sha, name string) ([]byte, error) {
	rd := r.objs.reader()
	h, err := r.rootTree(rd, sha)
	if err != nil {
		return nil, err
	}
	w := &walker{ctx: context.Background(), rd: rd}
	e, err := w.lookup(h, name)
	if err != nil {
		return nil, fmt.Errorf("read %q at %s: %w", name, short(sha), err)
	}
	return rd.read(plumbing.BlobObject, e.hash)
}
