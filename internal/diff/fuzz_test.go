package diff

import (
	"bytes"
	"encoding/binary"
	"os"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// The fuzz targets of the parsers that read bytes from disk: a pack index,
// pack entries (headers, OFS and REF deltas, zlib), delta instructions and
// tree entries. Their seeds run in every `go test`; `make fuzz` fuzzes
// each. Whatever the input, a parser must return an error, never panic or
// allocate past what its input can hold (the fuzzer's memory limit would
// end the run).

// seedPack writes a small pack of a blob, a tree and an OFS_DELTA of the
// blob, and returns the pack's and its index's bytes.
func seedPack(f testing.TB) (pack, idx []byte) {
	f.Helper()
	blob := gitfixture.Object(gitfixture.PackBlob, []byte("hello, world\n"))
	tree := gitfixture.Object(gitfixture.PackTree, append([]byte("100644 a\x00"), blob.Hash[:]...))
	edited := gitfixture.Object(gitfixture.PackBlob, []byte("hello, there\n"))
	d := []byte{13, 13, 0x90, 7, 6, 't', 'h', 'e', 'r', 'e', '\n'}
	ofs := gitfixture.PackEntry{Type: gitfixture.PackOfsDelta, Hash: edited.Hash, Data: d, Size: -1, Base: 0}
	ref := gitfixture.PackEntry{Type: gitfixture.PackRefDelta, Hash: [20]byte{0xee}, Data: d, Size: -1, RefBase: blob.Hash}
	dir := f.TempDir()
	name, err := gitfixture.WritePack(dir, []gitfixture.PackEntry{blob, tree, ofs, ref})
	if err != nil {
		f.Fatal(err)
	}
	if pack, err = os.ReadFile(name); err == nil {
		idx, err = os.ReadFile(name[:len(name)-len(".pack")] + ".idx")
	}
	if err != nil {
		f.Fatal(err)
	}
	return pack, idx
}

// v1Index is idx rewritten in the version 1 layout.
func v1Index(p *pack) []byte {
	out := append([]byte{}, p.idx[idxV2Header:idxNames]...)
	for i := range p.n {
		out = binary.BigEndian.AppendUint32(out, uint32(p.offset(i)))
		out = append(out, p.idx[idxNames+i*20:idxNames+i*20+20]...)
	}
	return append(out, p.idx[len(p.idx)-idxTrailerLen:]...)
}

func FuzzPackIndex(f *testing.F) {
	_, idx := seedPack(f)
	f.Add(idx)
	p := &pack{idx: idx}
	if err := p.parseIndex(); err != nil {
		f.Fatal(err)
	}
	f.Add(v1Index(p))
	f.Add(idx[:len(idx)-1])
	f.Fuzz(checkIndex)
}

// checkIndex parses idx and looks up every name it lists.
func checkIndex(t *testing.T, idx []byte) {
	p := &pack{idx: idx}
	if p.parseIndex() != nil {
		return
	}
	// Names need not be sorted (git does not check either), so find
	// may miss one; what it finds must be that name's offset.
	offsets := map[plumbing.Hash]map[int64]bool{}
	for i := range p.n {
		h := plumbing.Hash(p.idx[idxNames+i*20 : idxNames+i*20+20])
		if offsets[h] == nil {
			offsets[h] = map[int64]bool{}
		}
		offsets[h][p.offset(i)] = true
	}
	for h, offs := range offsets {
		if off := p.find(h); off >= 0 && !offs[off] {
			t.Fatalf("find(%s) = %d, the offset of no entry of that name", h, off)
		}
	}
	p.withPrefix([]byte{0xee}, func(plumbing.Hash) {})
}

// FuzzPackEntry reads the entries of a pack, whatever its bytes: entry
// headers, delta offsets and bases, zlib streams.
func FuzzPackEntry(f *testing.F) {
	seed, idx := seedPack(f)
	ip := &pack{idx: idx}
	if err := ip.parseIndex(); err != nil {
		f.Fatal(err)
	}
	rd := (&objects{packs: []*pack{{name: "seed.pack", data: seed, size: int64(len(seed)), idx: ip.idx, fanout: ip.fanout, n: ip.n}}}).reader()
	for i := range ip.n { // the seeds must read, or they test only the errors
		if _, err := rd.at(rd.packs[0], ip.offset(i), 0); err != nil {
			f.Fatalf("seed object %d: %v", i, err)
		}
	}
	f.Add(seed, uint16(0))
	f.Add(seed, uint16(3))
	f.Fuzz(func(t *testing.T, data []byte, at uint16) {
		ip := &pack{idx: idx}
		if ip.parseIndex() != nil {
			t.Fatal("the seed index does not parse")
		}
		p := &pack{name: "fuzz.pack", data: data, size: int64(len(data)), idx: ip.idx, fanout: ip.fanout, n: ip.n}
		rd := (&objects{packs: []*pack{p}}).reader()
		for _, off := range []int64{p.offset(int(at) % p.n), packHeaderLen, int64(at)} {
			obj, err := rd.at(p, off, 0)
			if err == nil && int64(len(obj.data)) > int64(len(data))*maxRatio*maxRatio {
				t.Fatalf("object of %d bytes from a pack of %d", len(obj.data), len(data))
			}
		}
	})
}

// FuzzApplyDelta applies deltas to bases and checks them against go-git's
// PatchDelta: what this reader accepts, go-git accepts, with the same
// result.
func FuzzApplyDelta(f *testing.F) {
	f.Add([]byte("hello, world\n"), []byte{13, 13, 0x90, 7, 6, 't', 'h', 'e', 'r', 'e', '\n'})
	f.Add([]byte("abc"), []byte{3, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01, 0x01}) // a huge target
	f.Add([]byte("abc"), []byte{3, 6, 0x90, 3, 0x90, 3})
	f.Fuzz(func(t *testing.T, base, d []byte) {
		got, err := applyDelta(base, d)
		if err != nil {
			return
		}
		if len(base) == 0 { // go-git refuses an empty base; git does not
			return
		}
		want, gerr := packfile.PatchDelta(base, d)
		if gerr != nil || !bytes.Equal(got, want) {
			t.Fatalf("applyDelta = %q, go-git's PatchDelta = %q, %v", got, want, gerr)
		}
	})
}

// FuzzParseTree parses tree objects: what it accepts has a name in every
// entry, git's canonical modes and no folder naming the zero hash.
func FuzzParseTree(f *testing.F) {
	h := bytes.Repeat([]byte{0xab}, 20)
	f.Add(append(append([]byte("100644 a\x00"), h...), append([]byte("40000 d\x00"), h...)...))
	f.Add(append([]byte("100664 a\x00"), h...))
	f.Add(append([]byte("100644 \x00"), h...))
	f.Add(append([]byte("40000 d\x00"), make([]byte, 20)...))
	f.Add([]byte("100644 a\x00short"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		es, err := parseTree(raw, plumbing.ZeroHash)
		if err != nil {
			return
		}
		for _, e := range es {
			switch {
			case len(e.name) == 0 || bytes.IndexByte(e.name, 0) >= 0:
				t.Fatalf("entry name %q", e.name)
			case canonMode(e.mode) != e.mode:
				t.Fatalf("mode %o is not canonical", e.mode)
			case e.isDir() && e.hash.IsZero():
				t.Fatal("folder with the zero hash")
			}
		}
	})
}
