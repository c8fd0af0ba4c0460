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
	"math"
	"os"
	"path/filepath"
	"slices"
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

// pack is one packfile with its index. go-git v5 turns every index into a
// map and an offset→hash map before its first read, a fixed cost that grows
// with the repository (measured in docs/benchmarks.md) and is larger than a small diff;
// git instead maps the index file and binary-searches it, and so does this
// reader (see mapFile). Every size, offset and table read from either file
// is checked against the files' real lengths before it is used: a damaged
// pack must give an error, never an allocation it cannot hold.
type pack struct {
	name      string   // the .pack file, for messages
	f         *os.File // read with ReadAt when data is nil (no mmap)
	data      []byte   // the whole .pack, mapped, or nil
	size      int64    // of the .pack file
	idx       []byte   // in the version 2 layout (see parseIndex)
	idxMapped bool
	fanout    [256]uint32
	n         int
}

// The fixed parts of pack and index files.
const (
	packHeaderLen  = 12 // "PACK", version, object count
	packTrailerLen = 20 // SHA-1 of the pack
	fanoutLen      = 256 * 4
	idxV2Header    = 8                       // magic and version
	idxTrailerLen  = 40                      // SHA-1 of the pack, then of the index
	idxNames       = idxV2Header + fanoutLen // the sorted names in the version 2 layout
)

var idxMagic = []byte{0xff, 't', 'O', 'c'}

// objects reads commits and trees from the repository's object folder and
// its alternates (see objectDirs), packed and loose, and through go-git
// for anything else, so that every repository go-git reads still works.
type objects struct {
	packs    []*pack
	dirs     []string // object folders: the repository's, then its alternates
	fallback storer.EncodedObjectStorer
	// fallbackMu serialises the fallback: the walk reads folders on
	// several goroutines, and go-git's storage fills its caches lazily
	// without locks. Objects outside the packs are few, so this costs
	// little.
	fallbackMu sync.Mutex
	skipped    bool    // a pack whose index this reader cannot use
	broken     []error // why, naming each such pack or alternate
	partial    bool    // a partial clone, whose missing objects are expected
}

// openPacks opens the object folders of commonDir, and the packs in them
// whose index it can read.
func openPacks(commonDir string, fallback storer.EncodedObjectStorer) *objects {
	o := &objects{fallback: fallback}
	o.dirs, o.broken = objectDirs(filepath.Join(commonDir, "objects"))
	o.partial = isPartial(commonDir, o.dirs)
	var idxs []string
	for _, dir := range o.dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
		idxs = append(idxs, names...)
	}
	for _, name := range idxs {
		if p, err := openPack(name); err == nil {
			o.packs = append(o.packs, p)
		} else {
			o.skipped = true
			o.broken = append(o.broken, err)
		}
	}
	return o
}

// openPack opens a pack and its index; an error names the file at fault.
func openPack(idxName string) (*pack, error) {
	p := &pack{name: strings.TrimSuffix(idxName, ".idx") + ".pack"}
	var err error
	if p.idx, p.idxMapped, err = readMapped(idxName); err != nil {
		return nil, err
	}
	if err := p.parseIndex(); err != nil {
		p.close()
		return nil, fmt.Errorf("pack index %s: %w", idxName, err)
	}
	if err := p.openData(); err != nil {
		p.close()
		return nil, fmt.Errorf("pack %s: %w", p.name, err)
	}
	return p, nil
}

// openData opens the .pack, mapped where it can be, and checks its header
// against the index, as git does before it reads a pack.
func (p *pack) openData() error {
	var err error
	if p.f, err = os.Open(p.name); err != nil {
		return err
	}
	fi, err := p.f.Stat()
	if err != nil {
		return err
	}
	p.size = fi.Size()
	if p.data, err = mapFile(p.f); err == nil && p.data != nil {
		p.f.Close()
		p.f = nil
	}
	var hdr [packHeaderLen]byte
	if p.size < packHeaderLen+packTrailerLen {
		return fmt.Errorf("truncated: %d bytes", p.size)
	}
	if _, err := p.readAt(hdr[:], 0); err != nil {
		return err
	}
	if v := binary.BigEndian.Uint32(hdr[4:]); string(hdr[:4]) != "PACK" || v != 2 && v != 3 {
		return errors.New("not a git pack (bad header)")
	}
	if c := binary.BigEndian.Uint32(hdr[8:]); int64(c) != int64(p.n) {
		return fmt.Errorf("holds %d objects where its index lists %d", c, p.n)
	}
	return nil
}

// end is the offset of the pack's trailer: no object lies at or past it.
func (p *pack) end() int64 { return p.size - packTrailerLen }

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

// parseIndex checks the index's tables against its length, as git does.
// A version 1 index (git reads them; `git index-pack --index-version=1`
// writes them) is converted once to the version 2 layout, which find,
// offset and withPrefix read: version 1 is rare, and one layout keeps the
// lookups that run per object free of a version switch.
func (p *pack) parseIndex() error {
	if len(p.idx) < 8 || !bytes.Equal(p.idx[:4], idxMagic) {
		return p.fromV1()
	}
	if v := binary.BigEndian.Uint32(p.idx[4:]); v != 2 {
		return fmt.Errorf("index version %d, which git does not read either (run 'git index-pack' on the pack to rewrite it)", v)
	}
	if len(p.idx) < idxNames+idxTrailerLen {
		return fmt.Errorf("truncated: %d bytes", len(p.idx))
	}
	if err := p.readFanout(p.idx[idxV2Header:]); err != nil {
		return err
	}
	// 20-byte names, CRCs and 4-byte offsets, then up to n-1 64-bit ones.
	least := int64(idxNames+idxTrailerLen) + int64(p.n)*28
	most := least + int64(max(p.n-1, 0))*8
	if l := int64(len(p.idx)); l < least || l > most {
		return fmt.Errorf("%d bytes, where %d objects need %d to %d (%s)", l, p.n, least, most, fsck)
	}
	return nil
}

// readFanout reads the fan-out table, whose counts never decrease.
func (p *pack) readFanout(t []byte) error {
	var prev uint32
	for i := range p.fanout {
		v := binary.BigEndian.Uint32(t[4*i:])
		if v < prev {
			return fmt.Errorf("fan-out table decreases at entry %d (%s)", i, fsck)
		}
		p.fanout[i], prev = v, v
	}
	p.n = int(prev)
	return nil
}

// fromV1 rewrites a version 1 index (fan-out, then 4-byte offset and name
// per object, then the trailer) in the version 2 layout.
func (p *pack) fromV1() error {
	v1 := p.idx
	if len(v1) < fanoutLen+idxTrailerLen {
		return fmt.Errorf("truncated: %d bytes", len(v1))
	}
	if err := p.readFanout(v1); err != nil {
		return err
	}
	if want := int64(fanoutLen+idxTrailerLen) + int64(p.n)*24; int64(len(v1)) != want {
		return fmt.Errorf("%d bytes, where a version 1 index of %d objects has %d (%s)", len(v1), p.n, want, fsck)
	}
	offs := idxNames + p.n*24
	v2 := make([]byte, offs+p.n*4, offs+p.n*4+idxTrailerLen)
	copy(v2, idxMagic)
	v2[7] = 2
	copy(v2[idxV2Header:], v1[:fanoutLen])
	for i := range p.n {
		e := v1[fanoutLen+i*24:]
		copy(v2[idxNames+i*20:], e[4:24])
		if off := binary.BigEndian.Uint32(e); off&0x80000000 == 0 {
			binary.BigEndian.PutUint32(v2[offs+i*4:], off)
		} else { // past 2 GiB: the version 2 layout keeps it in the 64-bit table
			binary.BigEndian.PutUint32(v2[offs+i*4:], 0x80000000|uint32((len(v2)-offs-p.n*4)/8))
			v2 = binary.BigEndian.AppendUint64(v2, uint64(off))
		}
	}
	v2 = append(v2, v1[len(v1)-idxTrailerLen:]...)
	if p.idxMapped {
		unmapFile(p.idx)
	}
	p.idx, p.idxMapped = v2, false
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
	for lo < hi {
		mid := (lo + hi) / 2
		c := bytes.Compare(p.idx[idxNames+mid*20:idxNames+mid*20+20], h[:])
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

// offset returns the pack offset of the i-th object. One the index cannot
// hold is returned as MaxInt64, which reader.at refuses as outside the pack.
func (p *pack) offset(i int) int64 {
	offs := idxNames + p.n*24
	v := binary.BigEndian.Uint32(p.idx[offs+i*4:])
	if v&0x80000000 == 0 {
		return int64(v)
	}
	big := offs + p.n*4 + int(v&0x7fffffff)*8
	if big+8 > len(p.idx)-idxTrailerLen {
		return math.MaxInt64
	}
	if o := binary.BigEndian.Uint64(p.idx[big:]); o <= math.MaxInt64 {
		return int64(o)
	}
	return math.MaxInt64
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

// read returns the content of object h, which must be of type t: from
// the packs, else a loose object, else through go-git.
func (r *reader) read(t plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	typ, data, err := r.packed(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		typ, data, err = r.loose(h)
	}
	switch {
	case err == nil && typ != t:
		return nil, fmt.Errorf("object %s is a %s, not a %s: %w", h, typ, t, plumbing.ErrObjectNotFound)
	case !errors.Is(err, plumbing.ErrObjectNotFound):
		return data, err
	case len(r.broken) > 0:
		// The object may be in a pack or alternate that could not be
		// opened (go-git fails on it too, without naming it): say which
		// and why, rather than call the object absent, as in a shallow
		// clone.
		return nil, fmt.Errorf("object %s is not in the object store, and %w", h, errors.Join(r.broken...))
	case r.fallback == nil:
		return nil, err
	}
	r.fallbackMu.Lock()
	defer r.fallbackMu.Unlock()
	return readObject(r.fallback, t, h)
}

// packed reads object h from the packs.
func (r *reader) packed(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	for _, p := range r.packs {
		if off := p.find(h); off >= 0 {
			obj, err := r.at(p, off, 0)
			if err != nil {
				return 0, nil, fmt.Errorf("read %s from %s: %w", h, p.name, err)
			}
			return plumbing.ObjectType(obj.typ), obj.data, nil
		}
	}
	return 0, nil, plumbing.ErrObjectNotFound
}

// maxDepth bounds a delta chain; git's own chains are 50 deep by default.
const maxDepth = 10000

// at reads the object at off in p, resolving deltas.
func (r *reader) at(p *pack, off int64, depth int) (packed, error) {
	if obj, ok := r.bases[baseKey{p, off}]; ok {
		return obj, nil
	}
	if depth > maxDepth {
		return packed{}, fmt.Errorf("delta chain more than %d deep at offset %d", maxDepth, off)
	}
	if off < packHeaderLen || off >= p.end() {
		return packed{}, fmt.Errorf("offset %d is outside the pack's %d bytes of objects", off, p.end())
	}
	var hdr [32]byte
	n, err := p.readAt(hdr[:min(int64(len(hdr)), p.end()-off)], off)
	if n == 0 {
		return packed{}, fmt.Errorf("read pack at %d: %w", off, err)
	}
	typ, size, used, err := parseHeader(hdr[:n])
	if err != nil {
		return packed{}, fmt.Errorf("object at offset %d: %w", off, err)
	}
	base, used, err := r.deltaBase(p, off, typ, hdr[:n], used, depth)
	if err != nil {
		return packed{}, err
	}
	data, err := r.inflate(p, off+int64(used), size)
	if err != nil {
		return packed{}, err
	}
	if typ < packOfsDelta {
		return packed{typ, data}, nil
	}
	out, err := applyDelta(base.data, data)
	if err != nil {
		return packed{}, fmt.Errorf("delta at offset %d: %w", off, err)
	}
	return packed{base.typ, out}, nil
}

// deltaBase reads the base of the delta whose header hdr (used bytes of
// it so far) is at off, and returns how much of hdr the entry uses; an
// entry that is not a delta has no base.
func (r *reader) deltaBase(p *pack, off int64, typ int, hdr []byte, used, depth int) (packed, int, error) {
	switch typ {
	case packCommit, packTree, packBlob, packTag:
		return packed{}, used, nil
	case packOfsDelta:
		rel, k, err := parseOfs(hdr[used:])
		if err != nil || rel <= 0 || rel > off-packHeaderLen {
			return packed{}, 0, fmt.Errorf("delta at offset %d: its base offset is outside the pack", off)
		}
		base, err := r.base(p, off-rel, depth)
		return base, used + k, err
	case packRefDelta:
		if len(hdr) < used+20 {
			return packed{}, 0, fmt.Errorf("delta at offset %d: truncated base name", off)
		}
		base, err := r.refBase(plumbing.Hash(hdr[used:used+20]), depth)
		return base, used + 20, err
	}
	return packed{}, 0, fmt.Errorf("object at offset %d has unknown type %d", off, typ)
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
	// Packs in a repository are never thin: a base in no pack is damage,
	// not an object still to fetch.
	return packed{}, fmt.Errorf("delta base %s is in no pack", h)
}

// parseHeader decodes a pack entry header: type and inflated size.
func parseHeader(b []byte) (typ int, size int64, used int, err error) {
	c := b[0]
	typ, size = int(c>>4&7), int64(c&15)
	shift := 4
	for used = 1; c&0x80 != 0; used++ {
		if used >= len(b) || shift > 56 {
			return 0, 0, 0, errors.New("bad entry header")
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
		if i >= len(b) || v >= math.MaxInt64>>7-1 {
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

// maxRatio is the most deflate can expand (zlib's FAQ gives 1032:1): a
// size beyond it times the bytes left in the pack cannot be true.
const maxRatio = 1032

func (r *reader) inflate(p *pack, off, size int64) ([]byte, error) {
	if left := p.end() - off; off > p.end() || size > left*maxRatio {
		return nil, fmt.Errorf("object at offset %d claims %d bytes, more than the %d bytes left in the pack can hold", off, size, max(left, 0))
	}
	// flate reads byte by byte from an io.ByteReader: a bytes.Reader
	// on the mapped pack when there is one, else a buffered ReadAt.
	var src flate.Reader
	if p.data != nil {
		r.mem.Reset(p.data[off:p.end()])
		src = &r.mem
	} else {
		if p.f == nil {
			return nil, fmt.Errorf("inflate object at %d: %w", off, os.ErrClosed)
		}
		sr := io.NewSectionReader(p.f, off, p.end()-off)
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
	out, err := readExact(r.z, size)
	if err != nil {
		return nil, fmt.Errorf("inflate object at %d: %w", off, err)
	}
	return out, nil
}

// firstAlloc bounds the buffer readExact starts with: past it, the buffer
// grows only as the stream yields bytes, so a header that lies about the
// size costs what the stream holds, not what the header says.
const firstAlloc = 1 << 20

// maxObject bounds every object this reader builds: the commits and
// trees a diff reads (and their delta bases), none of which comes near it
// (a tree of a million files is some 40 MiB). Without it, a pack of a few
// kilobytes still made the process die with "fatal error: out of memory",
// which no error handling can catch: a 16 MiB blob of zeros (16 KiB
// deflated) and a 16 KiB delta whose 4-byte copies of it add up to
// 64 GiB, every size in it true; or a deflate stream that really inflates
// 1032 times.
const maxObject = 1 << 30

// tooLarge is the error for an object of size bytes past maxObject.
func tooLarge(size int64) error {
	return fmt.Errorf("%d bytes, more than the %d this reader builds for a commit or a tree", size, maxObject)
}

// readExact reads a whole zlib stream that must inflate to exactly size
// bytes, as git's unpack_compressed_entry requires, checksum included.
func readExact(z io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		return nil, fmt.Errorf("negative size %d", size)
	}
	if size > maxObject {
		return nil, tooLarge(size)
	}
	out := make([]byte, 0, min(size, firstAlloc))
	for int64(len(out)) < size {
		if len(out) == cap(out) {
			out = slices.Grow(out, int(min(size-int64(len(out)), int64(len(out)))))
		}
		n, err := z.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if errors.Is(err, io.EOF) && int64(len(out)) < size {
			return nil, fmt.Errorf("inflates to %d bytes, not the %d its header says", len(out), size)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
	}
	var one [1]byte
	if n, err := io.ReadFull(z, one[:]); n > 0 {
		return nil, fmt.Errorf("inflates to more than the %d bytes its header says", size)
	} else if !errors.Is(err, io.EOF) {
		return nil, err
	}
	return out, nil
}

// applyDelta rebuilds an object from its base and a git delta: two sizes,
// then copy-from-base and insert instructions. The target is never grown
// past its declared size, and the declared size is checked against what
// the delta's instructions could produce before anything is allocated
// (go-git's PatchDelta bounds its allocation the same way).
func applyDelta(base, d []byte) ([]byte, error) {
	whole := len(d)
	if whole < 4 { // git's DELTA_SIZE_MIN
		return nil, fmt.Errorf("corrupt delta: %d bytes, fewer than the 4 of the smallest", whole)
	}
	src, d, ok := deltaSize(d)
	if !ok || src != len(base) {
		return nil, fmt.Errorf("corrupt delta: its base has %d bytes, the delta wants %d", len(base), src)
	}
	dst, d, ok := deltaSize(d)
	if !ok || dst > len(d)*max(0x7f, min(len(base), 0xffffff)) {
		return nil, fmt.Errorf("corrupt delta: a target of %d bytes cannot come from a delta of %d bytes", dst, whole)
	}
	if dst > maxObject {
		return nil, fmt.Errorf("delta's target: %w", tooLarge(int64(dst)))
	}
	out := make([]byte, 0, min(dst, len(base)+len(d)))
	for len(d) > 0 {
		var chunk []byte
		if chunk, d, ok = deltaOp(base, d); !ok || len(out)+len(chunk) > dst {
			return nil, fmt.Errorf("corrupt delta: bad instruction at %d bytes of %d", len(out), dst)
		}
		out = append(out, chunk...)
	}
	if len(out) != dst {
		return nil, fmt.Errorf("corrupt delta: it yields %d bytes, not the %d it declares", len(out), dst)
	}
	return out, nil
}

// deltaOp decodes the instruction at the start of d: the bytes it copies
// from base or inserts, and the rest of d.
func deltaOp(base, d []byte) ([]byte, []byte, bool) {
	op := d[0]
	d = d[1:]
	switch {
	case op&0x80 != 0:
		off, d, ok := deltaArg(d, op, 0, 4)
		if !ok {
			return nil, nil, false
		}
		n, d, ok := deltaArg(d, op>>4, 0, 3)
		if n == 0 {
			n = 0x10000
		}
		if !ok || off+n > len(base) {
			return nil, nil, false
		}
		return base[off : off+n], d, true
	case op != 0 && int(op) <= len(d):
		return d[:op], d[op:], true
	}
	return nil, nil, false
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
