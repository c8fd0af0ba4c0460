package diff

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"path"
	"runtime"
	"sync"
	"unicode/utf8"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// The file-type bits of a tree entry's mode, as git stores them.
const (
	typeMask    = 0o170000
	typeDir     = 0o040000
	typeFile    = 0o100000
	typeSymlink = 0o120000
	typeGitlink = 0o160000
)

// entry is one tree entry; name points into the tree's raw bytes, so
// walking a tree allocates nothing per unchanged entry.
type entry struct {
	name []byte
	mode uint32
	hash plumbing.Hash
}

func (e entry) isDir() bool { return e.mode&typeMask == typeDir }

// kind is "" for a regular file (any permission), else its Change.Kind.
func (e entry) kind() string {
	switch e.mode & typeMask {
	case typeSymlink:
		return KindSymlink
	case typeGitlink:
		return KindGitlink
	case typeFile:
		return ""
	}
	return fmt.Sprintf("mode %o", e.mode)
}

// side is an added or deleted file, kept for exact-rename pairing.
type side struct {
	path string
	e    entry
}

// walker compares two trees the way git's diff-tree does: entries in git
// order, equal hashes skipped without reading them, so the cost grows with
// the changed folders, not with the repository. It reads only tree objects;
// blobs are never opened. With a pool, sub-folders may be compared on other
// goroutines (see sub); without one, it walks sequentially.
type walker struct {
	ctx context.Context
	rd  *reader
	out *part
	par *pool
}

// part is the output of one walker: the changes it found in walk order,
// and the sub-walks it handed to other goroutines, each with where its
// output belongs among this part's own.
type part struct {
	changes []Change
	added   []side
	deleted []side
	kids    []*kid
	err     error // this walker's own error, which stopped it after its last kid
}

// kid is a sub-walk on another goroutine; at holds the lengths of the
// parent's changes, added and deleted when it started.
type kid struct {
	at [3]int
	part
}

// pool lends readers to sub-walks. A reader is free only while no
// goroutine uses it, so there are at most len(readers) extra goroutines.
type pool struct {
	readers chan *reader
	wg      sync.WaitGroup
}

// newWalker returns a walker that spreads the work over GOMAXPROCS
// goroutines. Most of a large diff is inflating tree objects, which is
// independent per folder, so the folders can be read side by side.
func newWalker(ctx context.Context, o *objects, rd *reader) *walker {
	w := &walker{ctx: ctx, rd: rd, out: &part{}}
	if n := runtime.GOMAXPROCS(0) - 1; n > 0 {
		w.par = &pool{readers: make(chan *reader, n+1)}
		rd.limit = maxBaseCache / (n + 1)
		for range n {
			r := o.reader()
			r.limit = rd.limit
			w.par.readers <- r
		}
	}
	return w
}

// sub compares the sub-folders a and b under prefix: on another goroutine
// when a reader is free, else here. Both trees are read by the same reader,
// since one is usually stored as a delta of the other.
func (w *walker) sub(prefix string, a, b plumbing.Hash) error {
	if w.par == nil {
		return w.diff(prefix, a, b)
	}
	var rd *reader
	select {
	case rd = <-w.par.readers:
	default:
		return w.diff(prefix, a, b)
	}
	k := &kid{at: [3]int{len(w.out.changes), len(w.out.added), len(w.out.deleted)}}
	w.out.kids = append(w.out.kids, k)
	w.par.wg.Go(func() {
		kw := &walker{ctx: w.ctx, rd: rd, out: &k.part, par: w.par}
		k.err = kw.diff(prefix, a, b)
		w.par.readers <- rd
	})
	return nil
}

// wait waits for every sub-walk and returns the whole output in the order
// a sequential walk gives, with the error it would have stopped at: the
// first in walk order.
func (w *walker) wait(err error) (*part, error) {
	w.out.err = err
	if w.par != nil {
		// This goroutine is done walking: its reader may serve the
		// sub-walks still running, so that they keep every core busy.
		w.par.readers <- w.rd
		w.par.wg.Wait()
	}
	all := &part{}
	return all, w.out.flatten(all)
}

func (p *part) flatten(all *part) error {
	var at [3]int
	for _, k := range p.kids {
		all.changes = append(all.changes, p.changes[at[0]:k.at[0]]...)
		all.added = append(all.added, p.added[at[1]:k.at[1]]...)
		all.deleted = append(all.deleted, p.deleted[at[2]:k.at[2]]...)
		at = k.at
		if err := k.flatten(all); err != nil {
			return err
		}
	}
	all.changes = append(all.changes, p.changes[at[0]:]...)
	all.added = append(all.added, p.added[at[1]:]...)
	all.deleted = append(all.deleted, p.deleted[at[2]:]...)
	return p.err
}

// diff compares the trees a and b (zero hash: absent) under prefix.
func (w *walker) diff(prefix string, a, b plumbing.Hash) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	ea, err := w.entries(a)
	if err != nil {
		return err
	}
	eb, err := w.entries(b)
	if err != nil {
		return err
	}
	for len(ea) > 0 || len(eb) > 0 {
		c := 1 // only b is left
		if len(eb) == 0 {
			c = -1
		} else if len(ea) > 0 {
			c = compare(ea[0], eb[0])
		}
		var err error
		switch {
		case c < 0:
			err = w.gone(prefix, ea[0])
			ea = ea[1:]
		case c > 0:
			err = w.came(prefix, eb[0])
			eb = eb[1:]
		default:
			err = w.both(prefix, ea[0], eb[0])
			ea, eb = ea[1:], eb[1:]
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// gone records a deleted entry; a deleted folder deletes every file in it.
func (w *walker) gone(prefix string, e entry) error {
	p := prefix + string(e.name)
	if e.isDir() {
		return w.sub(p+"/", e.hash, plumbing.ZeroHash)
	}
	w.out.deleted = append(w.out.deleted, side{p, e})
	return nil
}

// came records an added entry; an added folder adds every file in it.
func (w *walker) came(prefix string, e entry) error {
	p := prefix + string(e.name)
	if e.isDir() {
		return w.sub(p+"/", plumbing.ZeroHash, e.hash)
	}
	w.out.added = append(w.out.added, side{p, e})
	return nil
}

// both compares entries of the same name and the same folder-ness (a file
// replaced by a folder sorts apart, so it arrives as gone plus came).
func (w *walker) both(prefix string, a, b entry) error {
	if a.hash == b.hash && a.mode == b.mode {
		return nil
	}
	p := prefix + string(b.name)
	if a.isDir() {
		return w.sub(p+"/", a.hash, b.hash)
	}
	ch := Change{Status: Modified, Path: p, Kind: b.kind(), Submodule: gitlinkMove(a, b)}
	if a.kind() != b.kind() {
		ch.Status = TypeChanged
	} else if a.hash == b.hash {
		ch.ModeOnly = true
	}
	w.out.changes = append(w.out.changes, ch)
	return nil
}

// compare orders entries as git sorts a tree: by name, a folder compared
// as if its name ended in "/".
func compare(a, b entry) int {
	n := min(len(a.name), len(b.name))
	if c := bytes.Compare(a.name[:n], b.name[:n]); c != 0 {
		return c
	}
	ca, cb := next(a, n), next(b, n)
	switch {
	case ca < cb:
		return -1
	case ca > cb:
		return 1
	}
	return 0
}

func next(e entry, n int) byte {
	if n < len(e.name) {
		return e.name[n]
	}
	if e.isDir() {
		return '/'
	}
	return 0
}

// entries reads and parses tree h; the zero hash is an empty tree. A tree
// that is absent (treeless clone, shallow boundary) is ErrCommitMissing.
func (w *walker) entries(h plumbing.Hash) ([]entry, error) {
	if h.IsZero() {
		return nil, nil
	}
	raw, err := w.rd.read(plumbing.TreeObject, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) && w.rd.partial {
		return nil, fmt.Errorf("read tree %s: %w (the clone is partial: fetch the commit, or clone without --filter=tree:0)", h, ErrCommitMissing)
	}
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		// A shallow clone has the tree of every commit it has: in a
		// clone that is not partial, a missing tree is damage.
		return nil, fmt.Errorf("read tree %s: %w: it is not in the object store, and the clone is not partial (%s)", h, ErrDamaged, fsck)
	}
	if err != nil {
		return nil, fmt.Errorf("read tree %s: %w: %v%s", h, ErrDamaged, err, fsckHint(err))
	}
	return parseTree(raw, h)
}

// readObject returns the content of object h of type t.
func readObject(st storer.EncodedObjectStorer, t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	o, err := st.EncodedObject(t, h)
	if err != nil {
		return nil, err
	}
	rd, err := o.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	// The size comes from a file that may be damaged: readExact allocates
	// as the content arrives, not what the header says.
	buf, err := readExact(rd, o.Size())
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", h, err)
	}
	return buf, nil
}

// parseTree splits a raw tree: "MODE NAME\0HASH" repeated, with MODE in
// octal and HASH 20 raw bytes. It refuses what git's tree reader refuses
// (an empty name) and a folder entry with the zero hash, which names no
// tree (git fails to read it; here it would pass for an empty folder).
func parseTree(raw []byte, h plumbing.Hash) ([]entry, error) {
	out := make([]entry, 0, bytes.Count(raw, []byte{0}))
	for len(raw) > 0 {
		sp := bytes.IndexByte(raw, ' ')
		nul := bytes.IndexByte(raw, 0)
		if sp < 0 || nul < sp || len(raw) < nul+21 {
			return nil, fmt.Errorf("%w: tree %s is truncated after %d entries (%s)", ErrDamaged, h, len(out), fsck)
		}
		mode, ok := parseMode(raw[:sp])
		if !ok {
			return nil, fmt.Errorf("%w: tree %s: bad mode %q (%s)", ErrDamaged, h, raw[:sp], fsck)
		}
		e := entry{name: raw[sp+1 : nul], mode: canonMode(mode)}
		copy(e.hash[:], raw[nul+1:nul+21])
		if err := e.check(h, len(out)); err != nil {
			return nil, err
		}
		out = append(out, e)
		raw = raw[nul+21:]
	}
	return out, nil
}

// check refuses an entry that git refuses to read.
func (e entry) check(tree plumbing.Hash, i int) error {
	switch {
	case len(e.name) == 0:
		return fmt.Errorf("%w: tree %s: entry %d has an empty name (%s)", ErrDamaged, tree, i+1, fsck)
	case e.isDir() && e.hash.IsZero():
		return fmt.Errorf("%w: tree %s: folder %q names the zero hash, not a tree (%s)", ErrDamaged, tree, e.name, fsck)
	}
	return nil
}

// canonMode is git's canon_mode, which its tree reader applies to every
// entry: a regular file is 100644 or 100755 by its owner-execute bit
// (older gits wrote 100664 and the like), and a type git does not know
// is a gitlink. Without it, 100664 → 100644 would be a change git does
// not see.
func canonMode(m uint32) uint32 {
	switch m & typeMask {
	case typeFile:
		if m&0o100 != 0 {
			return typeFile | 0o755
		}
		return typeFile | 0o644
	case typeDir, typeSymlink:
		return m & typeMask
	}
	return typeGitlink
}

// parseMode reads an octal mode as strconv.ParseUint(s, 8, 32) does,
// without its string conversion: it ran once per entry of every tree read.
func parseMode(b []byte) (uint32, bool) {
	if len(b) == 0 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '7' {
			return 0, false
		}
		v = v<<3 | uint64(c-'0')
		if v > math.MaxUint32 {
			return 0, false
		}
	}
	return uint32(v), true
}

// result pairs deleted and added files with the same blob and kind into
// renames (exact renames: hashes only, no blob is read), and returns the
// changes, unsorted.
func (p *part) result() []Change {
	gone := map[[2]string][]int{}
	for i, d := range p.deleted {
		if d.e.kind() != KindGitlink {
			k := [2]string{string(d.e.hash[:]), d.e.kind()}
			gone[k] = append(gone[k], i)
		}
	}
	paired := make([]bool, len(p.deleted))
	out := p.changes
	for _, a := range p.added {
		ch := Change{Status: Added, Path: a.path, Kind: a.e.kind(), Submodule: gitlinkMove(entry{}, a.e)}
		if i, ok := pick(gone, [2]string{string(a.e.hash[:]), a.e.kind()}, a.path, p.deleted); ok {
			paired[i] = true
			ch.Status, ch.OldPath = Renamed, p.deleted[i].path
		}
		out = append(out, ch)
	}
	for i, d := range p.deleted {
		if !paired[i] {
			out = append(out, Change{Status: Deleted, Path: d.path, Kind: d.e.kind(), Submodule: gitlinkMove(d.e, entry{})})
		}
	}
	for i := range out {
		out[i].keepBytes()
	}
	return out
}

// keepBytes sets PathBytes and OldPathBytes for names JSON cannot carry.
func (c *Change) keepBytes() {
	if !utf8.ValidString(c.Path) {
		c.PathBytes = []byte(c.Path)
	}
	if !utf8.ValidString(c.OldPath) {
		c.OldPathBytes = []byte(c.OldPath)
	}
}

// pick takes a deleted file for key from gone, preferring one with the
// same base name (a moved file), else the first in path order.
func pick(gone map[[2]string][]int, key [2]string, p string, deleted []side) (int, bool) {
	list := gone[key]
	if len(list) == 0 {
		return 0, false
	}
	at := 0
	for j, i := range list {
		if path.Base(deleted[i].path) == path.Base(p) {
			at = j
			break
		}
	}
	i := list[at]
	gone[key] = append(list[:at:at], list[at+1:]...)
	return i, true
}

// errNoFile is returned by lookup for a path that is not a file.
var errNoFile = errors.New("no such file in the commit")

// lookup finds the file entry at name (slash-separated) under tree h.
func (w *walker) lookup(h plumbing.Hash, name string) (entry, error) {
	dir, rest, more := bytes.Cut([]byte(name), []byte("/"))
	es, err := w.entries(h)
	if err != nil {
		return entry{}, err
	}
	for _, e := range es {
		if !bytes.Equal(e.name, dir) {
			continue
		}
		if more && e.isDir() {
			return w.lookup(e.hash, string(rest))
		}
		if !more && e.kind() == "" {
			return e, nil
		}
	}
	return entry{}, errNoFile
}
