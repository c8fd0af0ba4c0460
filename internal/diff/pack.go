package diff

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Pack object types, as stored in a pack entry's header.
const (
	packCommit   = 1
	packTree     = 2
	packBlob     = 3
	packTag      = 4
	packOfsDelta = 6
	packRefDelta = 7
)

// pack is one packfile with its version-2 index. go-git v5 turns every
// index into a map and an offset→hash map before its first read, a fixed
// cost that grows with the repository (gogit-notes §2.1) and is larger
// than a small diff; git instead maps the index file and binary-searches
// it, and so does this reader (see mapFile).
type pack struct {
	name      string   // the .pack file, for messages
	f         *os.File // read with ReadAt when data is nil (no mmap)
	data      []byte   // the whole .pack, mapped, or nil
	idx       []byte
	idxMapped bool
	fanout    [256]uint32
	n         int
}

// objects reads commits and trees: from the packs directly, and through
// go-git for anything else (loose objects, alternates, other index
// versions), so that every repository go-git reads still works.
type objects struct {
	packs    []*pack
	fallback storer.EncodedObjectStorer
	// fallbackMu serialises the fallback: the walk reads folders on
	// several goroutines, and go-git's storage fills its caches lazily
	// without locks. Objects outside the packs are few, so this costs
	// little.
	fallbackMu sync.Mutex
	skipped    bool // a pack whose index this reader cannot use
}

// openPacks opens the packs under commonDir whose index it can read.
func openPacks(commonDir string, fallback storer.EncodedObjectStorer) *objects {
	o := &objects{fallback: fallback}
	idxs, _ := filepath.Glob(filepath.Join(commonDir, "objects", "pack", "pack-*.idx"))
	for _, name := range idxs {
		if p, err := openPack(name); err == nil {
			o.packs = append(o.packs, p)
		} else {
			o.skipped = true
		}
	}
	return o
}

func openPack(idxName string) (*pack, error) {
	p := &pack{name: strings.TrimSuffix(idxName, ".idx") + ".pack"}
	var err error
	if p.idx, p.idxMapped, err = readMapped(idxName); err != nil {
		return nil, err
	}
	if err := p.parseIndex(); err != nil {
		p.close()
		return nil, err
	}
	if p.f, err = os.Open(p.name); err != nil {
		p.close()
		return nil, err
	}
	if p.data, err = mapFile(p.f); err == nil && p.data != nil {
		p.f.Close()
		p.f = nil
	}
	return p, nil
}

// readMapped maps the file, or reads it where it cannot be mapped.
func readMapped(name string) ([]byte, bool, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	if b, err := mapFile(f); err == nil && b != nil {
		return b, true, nil
	}
	b, err := io.ReadAll(f)
	return b, false, err
}

func (p *pack) parseIndex() error {
	idx := p.idx
	if len(idx) < 8+256*4 || !bytes.Equal(idx[:8], []byte{0xff, 't', 'O', 'c', 0, 0, 0, 2}) {
		return errors.New("not a version 2 pack index")
	}
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(idx[8+4*i:])
	}
	p.n = int(p.fanout[255])
	if len(idx) < 8+256*4+p.n*28+40 {
		return errors.New("truncated pack index")
	}
	return nil
}

// close releases the files. The mappings are gone afterwards: reads must
// have finished (Repo.Close and Fetch, which call it, say so).
func (p *pack) close() {
	if p.f != nil {
		p.f.Close()
	}
	if p.idxMapped {
		unmapFile(p.idx)
	}
	unmapFile(p.data)
	p.f, p.data, p.idx, p.idxMapped, p.n = nil, nil, nil, false, 0
	p.fanout = [256]uint32{}
}

func (o *objects) close() {
	for _, p := range o.packs {
		p.close()
	}
}

// find returns the offset of h in p, or -1.
func (p *pack) find(h plumbing.Hash) int64 {
	lo := 0
	if h[0] > 0 {
		lo = int(p.fanout[h[0]-1])
	}
	hi := int(p.fanout[h[0]])
	const names = 8 + 256*4
	for lo < hi {
		mid := (lo + hi) / 2
		c := bytes.Compare(p.idx[names+mid*20:names+mid*20+20], h[:])
		if c == 0 {
			return p.offset(mid)
		}
		if c < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return -1
}

func (p *pack) offset(i int) int64 {
	offs := 8 + 256*4 + p.n*24
	v := binary.BigEndian.Uint32(p.idx[offs+i*4:])
	if v&0x80000000 == 0 {
		return int64(v)
	}
	big := offs + p.n*4 + int(v&0x7fffffff)*8
	if big+8 > len(p.idx) {
		return -1
	}
	return int64(binary.BigEndian.Uint64(p.idx[big:]))
}

// reader reads objects for one diff; it caches delta bases, so a chain of
// tree deltas is inflated once.
type reader struct {
	*objects
	bases map[baseKey]packed
	size  int
	limit int           // of size; maxBaseCache shared by the readers of one diff
	mem   bytes.Reader  // the mapped pack, at the object being inflated
	buf   *bufio.Reader // the pack file, where it is not mapped
	z     io.ReadCloser // reused: a new zlib reader per object costs a quarter of a diff
}

type baseKey struct {
	p   *pack
	off int64
}

type packed struct {
	typ  int
	data []byte
}

// maxBaseCache bounds the delta-base caches of one diff.
const maxBaseCache = 64 << 20

func (o *objects) reader() *reader {
	return &reader{objects: o, bases: map[baseKey]packed{}, limit: maxBaseCache}
}

// read returns the content of object h, which must be of type t.
func (r *reader) read(t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	for _, p := range r.packs {
		if off := p.find(h); off >= 0 {
			obj, err := r.at(p, off, 0)
			if err != nil {
				return nil, fmt.Errorf("read %s from %s: %w", h, filepath.Base(p.name), err)
			}
			if obj.typ != int(t) {
				return nil, fmt.Errorf("object %s is a %s, not a %s: %w", h, plumbing.ObjectType(obj.typ), t, plumbing.ErrObjectNotFound)
			}
			return obj.data, nil
		}
	}
	r.fallbackMu.Lock()
	defer r.fallbackMu.Unlock()
	return readObject(r.fallback, t, h)
}

// at reads the object at off in p, resolving deltas.
func (r *reader) at(p *pack, off int64, depth int) (packed, error) {
	if obj, ok := r.bases[baseKey{p, off}]; ok {
		return obj, nil
	}
	if depth > 10000 {
		return packed{}, errors.New("delta chain too deep (run 'git fsck')")
	}
	var hdr [32]byte
	n, err := p.readAt(hdr[:], off)
	if n == 0 {
		return packed{}, fmt.Errorf("read pack at %d: %w", off, err)
	}
	typ, size, used, err := parseHeader(hdr[:n])
	if err != nil {
		return packed{}, err
	}
	var base packed
	switch typ {
	case packOfsDelta:
		rel, k, err := parseOfs(hdr[used:n])
		if err != nil || rel > off {
			return packed{}, errors.New("bad delta offset (run 'git fsck')")
		}
		used += k
		base, err = r.base(p, off-rel, depth)
		if err != nil {
			return packed{}, err
		}
	case packRefDelta:
		if n < used+20 {
			return packed{}, errors.New("truncated delta (run 'git fsck')")
		}
		base, err = r.refBase(plumbing.Hash(hdr[used:used+20]), depth)
		if err != nil {
			return packed{}, err
		}
		used += 20
	case packCommit, packTree, packBlob, packTag:
	default:
		return packed{}, fmt.Errorf("unknown pack object type %d (run 'git fsck')", typ)
	}
	data, err := r.inflate(p, off+int64(used), size)
	if err != nil {
		return packed{}, err
	}
	if typ < packOfsDelta {
		return packed{typ, data}, nil
	}
	out, err := applyDelta(base.data, data)
	return packed{base.typ, out}, err
}

// base reads a delta base and keeps it for the next delta of the chain.
func (r *reader) base(p *pack, off int64, depth int) (packed, error) {
	obj, err := r.at(p, off, depth+1)
	if err != nil {
		return packed{}, err
	}
	if r.size+len(obj.data) > r.limit {
		clear(r.bases)
		r.size = 0
	}
	r.bases[baseKey{p, off}] = obj
	r.size += len(obj.data)
	return obj, nil
}

// refBase finds a REF_DELTA's base by hash, in any pack.
func (r *reader) refBase(h plumbing.Hash, depth int) (packed, error) {
	for _, p := range r.packs {
		if off := p.find(h); off >= 0 {
			return r.base(p, off, depth)
		}
	}
	return packed{}, fmt.Errorf("delta base %s: %w", h, plumbing.ErrObjectNotFound)
}

// parseHeader decodes a pack entry header: type and inflated size.
func parseHeader(b []byte) (typ int, size int64, used int, err error) {
	c := b[0]
	typ, size = int(c>>4&7), int64(c&15)
	shift := 4
	for used = 1; c&0x80 != 0; used++ {
		if used >= len(b) || shift > 56 {
			return 0, 0, 0, errors.New("bad pack entry header (run 'git fsck')")
		}
		c = b[used]
		size |= int64(c&0x7f) << shift
		shift += 7
	}
	return typ, size, used, nil
}

// parseOfs decodes an OFS_DELTA's distance back to its base.
func parseOfs(b []byte) (int64, int, error) {
	if len(b) == 0 {
		return 0, 0, errors.New("truncated delta offset")
	}
	c := b[0]
	v := int64(c & 0x7f)
	i := 1
	for ; c&0x80 != 0; i++ {
		if i >= len(b) || i > 9 {
			return 0, 0, errors.New("bad delta offset")
		}
		c = b[i]
		v = (v+1)<<7 | int64(c&0x7f)
	}
	return v, i, nil
}

// readAt reads the pack at off, like io.ReaderAt.
func (p *pack) readAt(b []byte, off int64) (int, error) {
	if p.data == nil {
		if p.f == nil {
			return 0, os.ErrClosed
		}
		return p.f.ReadAt(b, off)
	}
	if off < 0 || off >= int64(len(p.data)) {
		return 0, io.EOF
	}
	return copy(b, p.data[off:]), nil
}

func (r *reader) inflate(p *pack, off, size int64) ([]byte, error) {
	// flate reads byte by byte from an io.ByteReader: a bytes.Reader
	// on the mapped pack when there is one, else a buffered ReadAt.
	var src flate.Reader
	if p.data != nil {
		if off < 0 || off > int64(len(p.data)) {
			return nil, fmt.Errorf("inflate object at %d: %w", off, io.ErrUnexpectedEOF)
		}
		r.mem.Reset(p.data[off:])
		src = &r.mem
	} else {
		if p.f == nil {
			return nil, fmt.Errorf("inflate object at %d: %w", off, os.ErrClosed)
		}
		sr := io.NewSectionReader(p.f, off, 1<<62)
		if r.buf == nil {
			r.buf = bufio.NewReaderSize(sr, 8192)
		} else {
			r.buf.Reset(sr)
		}
		src = r.buf
	}
	var err error
	if r.z == nil {
		r.z, err = zlib.NewReader(src)
	} else {
		err = r.z.(zlib.Resetter).Reset(src, nil)
	}
	if err != nil {
		r.z = nil
		return nil, fmt.Errorf("inflate object at %d: %w", off, err)
	}
	out := make([]byte, size)
	if _, err := io.ReadFull(r.z, out); err != nil {
		return nil, fmt.Errorf("inflate object at %d: %w", off, err)
	}
	return out, nil
}

var errBadDelta = errors.New("corrupt delta (run 'git fsck')")

// applyDelta rebuilds an object from its base and a git delta: two sizes,
// then copy-from-base and insert instructions.
func applyDelta(base, d []byte) ([]byte, error) {
	src, d, ok := deltaSize(d)
	if !ok || src != len(base) {
		return nil, errBadDelta
	}
	dst, d, ok := deltaSize(d)
	if !ok {
		return nil, errBadDelta
	}
	out := make([]byte, 0, dst)
	for len(d) > 0 {
		op := d[0]
		d = d[1:]
		switch {
		case op&0x80 != 0:
			var off, n int
			if off, d, ok = deltaArg(d, op, 0, 4); !ok {
				return nil, errBadDelta
			}
			if n, d, ok = deltaArg(d, op>>4, 0, 3); !ok {
				return nil, errBadDelta
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > len(base) {
				return nil, errBadDelta
			}
			out = append(out, base[off:off+n]...)
		case op != 0 && int(op) <= len(d):
			out = append(out, d[:op]...)
			d = d[op:]
		default:
			return nil, errBadDelta
		}
	}
	if len(out) != dst {
		return nil, errBadDelta
	}
	return out, nil
}

// deltaArg reads the little-endian bytes of a copy instruction that the
// low bits of op select.
func deltaArg(d []byte, op byte, v, bytes int) (int, []byte, bool) {
	for i := range bytes {
		if op&(1<<i) != 0 {
			if len(d) == 0 {
				return 0, nil, false
			}
			v |= int(d[0]) << (8 * i)
			d = d[1:]
		}
	}
	return v, d, true
}

func deltaSize(d []byte) (int, []byte, bool) {
	v, shift := 0, 0
	for i, c := range d {
		v |= int(c&0x7f) << shift
		shift += 7
		if c&0x80 == 0 {
			return v, d[i+1:], true
		}
		if shift > 56 {
			break
		}
	}
	return 0, nil, false
}
