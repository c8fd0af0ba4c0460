package gitfixture

import (
	"bytes"
	"compress/zlib"
	"crypto/sha1"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// Pack entry types, as a pack stores them.
const (
	PackCommit   = 1
	PackTree     = 2
	PackBlob     = 3
	PackTag      = 4
	PackOfsDelta = 6
	PackRefDelta = 7
)

// PackEntry is one object of a pack WritePack writes. Data is the object's
// content, or for a delta its delta instructions; the entry is written as
// given, so a test can store what git never would (a lying size, a
// delta that does not fit its base) under a name it chooses.
type PackEntry struct {
	Type int
	Hash [20]byte // the name the index gives it
	Data []byte
	// Size is the size the entry header declares; -1 means len(Data).
	Size int64
	// Base is the index of an earlier entry, for PackOfsDelta.
	Base int
	// RefBase is the base's name, for PackRefDelta.
	RefBase [20]byte
}

// Object returns the entry of an object stored whole, named by its hash.
func Object(typ int, data []byte) PackEntry {
	names := map[int]string{PackCommit: "commit", PackTree: "tree", PackBlob: "blob", PackTag: "tag"}
	h := sha1.New()
	fmt.Fprintf(h, "%s %d\x00", names[typ], len(data))
	h.Write(data)
	e := PackEntry{Type: typ, Data: data, Size: -1}
	copy(e.Hash[:], h.Sum(nil))
	return e
}

// WritePack writes the entries as objects/pack/pack-*.pack with a
// version 2 index under the git folder dir, and returns the pack's path.
// It writes what git's pack format allows, not only what git would write:
// it is how tests make damaged packs that git itself refuses to write.
func WritePack(dir string, entries []PackEntry) (string, error) {
	var pack bytes.Buffer
	pack.WriteString("PACK")
	binary.Write(&pack, binary.BigEndian, [2]uint32{2, uint32(len(entries))})
	offs := make([]int64, len(entries))
	crcs := make([]uint32, len(entries))
	for i, e := range entries {
		offs[i] = int64(pack.Len())
		if err := writeEntry(&pack, e, offs[i]-offs[e.Base]); err != nil {
			return "", fmt.Errorf("entry %d: %w", i, err)
		}
		crcs[i] = crc32.ChecksumIEEE(pack.Bytes()[offs[i]:])
	}
	sum := sha1.Sum(pack.Bytes())
	pack.Write(sum[:])
	name := filepath.Join(dir, "objects", "pack", "pack-"+hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(name+".pack", pack.Bytes(), 0o444); err != nil {
		return "", err
	}
	return name + ".pack", os.WriteFile(name+".idx", index(entries, offs, crcs, sum), 0o444)
}

// writeEntry writes one entry: header, delta base (rel bytes back, for an
// OFS_DELTA), deflated data.
func writeEntry(w *bytes.Buffer, e PackEntry, rel int64) error {
	size := e.Size
	if size < 0 {
		size = int64(len(e.Data))
	}
	c := byte(e.Type<<4) | byte(size&15)
	for size >>= 4; size > 0; size >>= 7 {
		w.WriteByte(c | 0x80)
		c = byte(size & 0x7f)
	}
	w.WriteByte(c)
	switch e.Type {
	case PackOfsDelta:
		w.Write(ofsBytes(rel))
	case PackRefDelta:
		w.Write(e.RefBase[:])
	}
	z := zlib.NewWriter(w)
	if _, err := z.Write(e.Data); err != nil {
		return err
	}
	return z.Close()
}

// ofsBytes encodes an OFS_DELTA distance, git's big-endian base-128 with
// an implicit +1 per continuation byte.
func ofsBytes(rel int64) []byte {
	b := []byte{byte(rel & 0x7f)}
	for rel >>= 7; rel > 0; rel >>= 7 {
		rel--
		b = append([]byte{byte(0x80 | rel&0x7f)}, b...)
	}
	return b
}

// index is the version 2 index of the entries.
func index(entries []PackEntry, offs []int64, crcs []uint32, packSum [20]byte) []byte {
	order := make([]int, len(entries))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		return bytes.Compare(entries[order[a]].Hash[:], entries[order[b]].Hash[:]) < 0
	})
	var idx bytes.Buffer
	idx.Write([]byte{0xff, 't', 'O', 'c', 0, 0, 0, 2})
	var fan [256]uint32
	for _, e := range entries {
		for b := int(e.Hash[0]); b < 256; b++ {
			fan[b]++
		}
	}
	binary.Write(&idx, binary.BigEndian, fan)
	for _, i := range order {
		idx.Write(entries[i].Hash[:])
	}
	for _, i := range order {
		binary.Write(&idx, binary.BigEndian, crcs[i])
	}
	for _, i := range order {
		binary.Write(&idx, binary.BigEndian, uint32(offs[i]))
	}
	idx.Write(packSum[:])
	sum := sha1.Sum(idx.Bytes())
	idx.Write(sum[:])
	return idx.Bytes()
}

// Repack replaces the objects of the repository whose git folder is dir
// (loose and packed) by one pack that WritePack writes, with the entries
// edit returns; edit gets every object stored whole, sorted by name, and
// may change, add or drop entries. It returns the pack's path.
func Repack(dir string, edit func([]PackEntry) []PackEntry) (string, error) {
	entries, err := allObjects(dir)
	if err != nil {
		return "", err
	}
	for _, sub := range []string{"objects/pack", "objects/[0-9a-f][0-9a-f]"} {
		olds, _ := filepath.Glob(filepath.Join(dir, sub))
		for _, old := range olds {
			if err := os.RemoveAll(old); err != nil {
				return "", err
			}
		}
	}
	return WritePack(dir, edit(entries))
}

// allObjects reads every object of the repository with go-git.
func allObjects(dir string) ([]PackEntry, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return nil, err
	}
	iter, err := r.Storer.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return nil, err
	}
	var out []PackEntry
	err = iter.ForEach(func(o plumbing.EncodedObject) error {
		rd, err := o.Reader()
		if err != nil {
			return err
		}
		defer rd.Close()
		data, err := io.ReadAll(rd)
		if err != nil {
			return err
		}
		out = append(out, Object(int(o.Type()), data))
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i].Hash[:], out[j].Hash[:]) < 0 })
	return out, err
}
