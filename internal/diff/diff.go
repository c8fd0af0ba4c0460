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
	// Submodule is set when either side is a gitlink: the submodule's
	// files changed with it, but they live in another repository, so no
	// path of theirs is in this diff.
	Submodule *SubmoduleMove `json:"submodule,omitempty"`
	// Signal says what found the change when a plan has two: "output"
	// (the build output's hashes) or "git" (the diff); "" for a plan of
	// the git diff alone.
	Signal string `json:"signal,omitempty"`
}

// SubmoduleMove is a gitlink's commit on each side of a change. A side
// is empty when it held no gitlink: the submodule was added or removed,
// or replaced a file or was replaced by one.
type SubmoduleMove struct {
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
}

// gitlinkMove is the move of a change from entry a to entry b (a zero
// entry for a side that does not exist), or nil when neither is a gitlink.
func gitlinkMove(a, b entry) *SubmoduleMove {
	var m SubmoduleMove
	if a.kind() == KindGitlink {
		m.From = a.hash.String()
	}
	if b.kind() == KindGitlink {
		m.To = b.hash.String()
	}
	if m == (SubmoduleMove{}) {
		return nil
	}
	return &m
}

// Paths returns every path the change touches: both sides of a rename,
// because the old URL is cached too and must go.
func (c Change) Paths() []string {
	if c.Status == Renamed {
		return []string{c.OldPath, c.Path}
	}
	return []string{c.Path}
}

// AllPaths are every path the changes touch (both sides of renames), in
// order: what the rules map.
func AllPaths(changes []Change) []string {
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	return paths
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

// Resolve turns a revision into a full commit SHA, exactly as
// `git rev-parse --verify REV^{commit}` does: a full or short SHA (a short
// one of at least 4 digits, refused when ambiguous), a ref in git's DWIM
// order (HEAD and the other per-worktree refs from the worktree's own git
// folder), "@", describe output, and ~N, ^N, ^{}, ^{commit}, ^{tag},
// ^{object} after any of them. The empty tree's SHA, or a ref naming it,
// resolves to EmptyTree. Other forms (reflogs, @{upstream}, searches,
// paths, ranges) wrap ErrUnsupportedRevision; a repository with replace
// refs or grafts, which change git's answer, wraps ErrUnsupportedRepo.
// Pass full SHAs from CI where possible: HEAD~N walks history, which a
// shallow clone does not have.
func (r *Repo) Resolve(rev string) (string, error) {
	rs := &refs{l: r.layout}
	if err := rs.rewrites(); err != nil {
		return "", fmt.Errorf("resolve %q: %w", rev, err)
	}
	if form := unsupportedForm(rev); form != "" {
		return "", fmt.Errorf("resolve %q: %w: %s", rev, ErrUnsupportedRevision, form)
	}
	s := &resolver{r: r, rd: r.objs.reader(), refs: rs, rev: rev}
	h, err := s.eval()
	if err != nil {
		return "", fmt.Errorf("resolve %q: %w", rev, err)
	}
	return h.String(), nil
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
