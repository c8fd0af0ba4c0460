package diff_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// packSite is a repository of two commits, v1 and HEAD, whose objects are
// all in one pack that gitfixture.Repack writes after edit has changed
// them; edit gets the entries and the indexes of v1's and HEAD's root
// trees. It returns the work tree, the two commits and HEAD's root tree.
func packSite(t *testing.T, edit func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry) (dir, v1, head, tree string) {
	t.Helper()
	dir = t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	write := func(name, body string) {
		os.MkdirAll(filepath.Join(dir, filepath.Dir(name)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("public/a.html", "a")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "one")
	write("public/a.html", "a2")
	write("public/b.html", "b")
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-qm", "two")
	rev := func(r string) string { return strings.TrimSpace(git(t, dir, "rev-parse", r)) }
	v1, head, tree = rev("HEAD~1"), rev("HEAD"), rev("HEAD^{tree}")
	from, to := rev("HEAD~1^{tree}"), tree
	_, err := gitfixture.Repack(filepath.Join(dir, ".git"), func(es []gitfixture.PackEntry) []gitfixture.PackEntry {
		return edit(es, find(t, es, from), find(t, es, to))
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, v1, head, tree
}

func find(t *testing.T, es []gitfixture.PackEntry, hex string) int {
	for i, e := range es {
		if hex == plumbing.Hash(e.Hash).String() {
			return i
		}
	}
	t.Fatalf("object %s not among the entries", hex)
	return -1
}

// last moves entry i to the end, replaced by e, so that e may be a delta
// of any other entry (an OFS_DELTA's base comes first); it returns the
// entries and where base (an index before the move) now is.
func last(es []gitfixture.PackEntry, i int, e func(base int) gitfixture.PackEntry, base int) []gitfixture.PackEntry {
	if base > i {
		base--
	}
	return append(append(es[:i:i], es[i+1:]...), e(base))
}

// delta stores entry to as an OFS_DELTA of entry from with instructions d.
func delta(es []gitfixture.PackEntry, from, to int, d []byte) []gitfixture.PackEntry {
	h := es[to].Hash
	return last(es, to, func(base int) gitfixture.PackEntry {
		return gitfixture.PackEntry{Type: gitfixture.PackOfsDelta, Hash: h, Data: d, Size: -1, Base: base}
	}, from)
}

// varint is a delta header size.
func varint(n uint64) []byte {
	var b []byte
	for ; n >= 0x80; n >>= 7 {
		b = append(b, byte(n)|0x80)
	}
	return append(b, byte(n))
}

// TestDamagedPack reads packs damaged in every field the reader trusts
// from disk: each must give ErrDamaged naming the object or the file and
// git fsck, never a crash (a size from disk once went straight into make,
// and a 9-byte delta killed the process: "fatal error: out of memory"),
// and never a hint to fetch what a full clone cannot fetch.
func TestDamagedPack(t *testing.T) {
	type edit = func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry
	patchPack := func(t *testing.T, dir string, fn func(pack, idx []byte) ([]byte, []byte)) {
		t.Helper()
		names, _ := filepath.Glob(filepath.Join(dir, ".git/objects/pack/*.pack"))
		pack, err := os.ReadFile(names[0])
		if err != nil {
			t.Fatal(err)
		}
		idxName := strings.TrimSuffix(names[0], ".pack") + ".idx"
		idx, err := os.ReadFile(idxName)
		if err != nil {
			t.Fatal(err)
		}
		pack, idx = fn(pack, idx)
		replace(t, names[0], pack)
		replace(t, idxName, idx)
	}
	keep := func(es []gitfixture.PackEntry, _, _ int) []gitfixture.PackEntry { return es }
	for _, tc := range []struct {
		name  string
		edit  edit
		patch func(pack, idx []byte) ([]byte, []byte)
		want  []string
	}{
		{"a 9-byte delta whose target is 32 TiB", func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry {
			d := append(append(varint(uint64(len(es[from].Data))), varint(1<<45)...), 0x01)
			return delta(es, from, to, d)
		}, nil, []string{"corrupt delta", "cannot come from"}},
		{"a 16 KiB delta whose copies of a 16 MiB blob add up to 64 GiB", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			// Every size in it is true, so only a bound on what is built
			// stops it: the process died with "fatal error: out of memory".
			es = append([]gitfixture.PackEntry{gitfixture.Object(gitfixture.PackBlob, make([]byte, 0xffffff))}, es...)
			const copies = 4096
			d := append(varint(0xffffff), varint(copies*0xffffff)...)
			for range copies {
				d = append(d, 0xf0, 0xff, 0xff, 0xff) // copy 0xffffff bytes from offset 0
			}
			return delta(es, 0, to+1, d)
		}, nil, []string{"delta's target: 68719472640 bytes, more than the 1073741824"}},
		{"a tree whose header claims 32 TiB", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es[to].Size = 1 << 45
			return es
		}, nil, []string{"claims 35184372088832 bytes"}},
		{"a tree that inflates to more than its header says", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es[to].Size = int64(len(es[to].Data) - 1)
			return es
		}, nil, []string{"inflates to more than"}},
		{"a tree that inflates to less than its header says", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es[to].Size = int64(len(es[to].Data) + 1)
			return es
		}, nil, []string{"inflates to", "not the"}},
		{"a delta whose base size is not its base's", func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry {
			return delta(es, from, to, append(varint(uint64(len(es[from].Data)+1)), 0x01, 0x01, 'x'))
		}, nil, []string{"corrupt delta", "base has"}},
		{"a delta that copies past its base", func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry {
			n := len(es[to].Data)
			d := append(append(varint(uint64(len(es[from].Data))), varint(uint64(n))...), 0x91, 0x01, byte(n))
			return delta(es, from, to, d)
		}, nil, []string{"corrupt delta", "bad instruction"}},
		{"a delta that is its own base", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es = delta(es, to, to, []byte{0})
			es[len(es)-1].Base = len(es) - 1
			return es
		}, nil, []string{"base offset is outside the pack"}},
		{"a ref delta whose base is in no pack", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es[to] = gitfixture.PackEntry{Type: gitfixture.PackRefDelta, Hash: es[to].Hash, Data: []byte{0}, Size: -1, RefBase: [20]byte{1, 2, 3}}
			return es
		}, nil, []string{"delta base 0102030000000000000000000000000000000000 is in no pack"}},
		{"an entry of unknown type 5", func(es []gitfixture.PackEntry, _, to int) []gitfixture.PackEntry {
			es[to].Type = 5
			return es
		}, nil, []string{"unknown type 5"}},
		{"a pack cut inside its last object", func(es []gitfixture.PackEntry, from, to int) []gitfixture.PackEntry {
			return last(es, to, func(int) gitfixture.PackEntry { return es[to] }, from)
		}, func(pack, idx []byte) ([]byte, []byte) {
			return pack[:len(pack)-30], idx
		}, []string{"inflate object", "unexpected EOF"}},
		{"a pack that holds fewer objects than its index lists", keep, func(pack, idx []byte) ([]byte, []byte) {
			binary.BigEndian.PutUint32(pack[8:], binary.BigEndian.Uint32(pack[8:])-1)
			return pack, idx
		}, []string{"not in the object store", "objects where its index lists"}},
		{"an index offset past the pack", keep, func(pack, idx []byte) ([]byte, []byte) {
			n := int(binary.BigEndian.Uint32(idx[8+255*4:]))
			for i := range n {
				binary.BigEndian.PutUint32(idx[8+1024+n*24+i*4:], 0x7fffff00)
			}
			return pack, idx
		}, []string{"outside the pack"}},
		{"an index whose fan-out decreases", keep, func(pack, idx []byte) ([]byte, []byte) {
			binary.BigEndian.PutUint32(idx[8:], 0xffffffff)
			return pack, idx
		}, []string{"fan-out table decreases"}},
		{"an index one byte short", keep, func(pack, idx []byte) ([]byte, []byte) {
			return pack, idx[:len(idx)-1]
		}, []string{"not in the object store", ".idx", "objects need"}},
		{"an index of version 3", keep, func(pack, idx []byte) ([]byte, []byte) {
			idx[7] = 3
			return pack, idx
		}, []string{"index version 3"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, v1, head, tree := packSite(t, tc.edit)
			if tc.patch != nil {
				patchPack(t, dir, tc.patch)
			}
			_, err := open(t, dir).Changes(context.Background(), v1, head)
			if !errors.Is(err, diff.ErrDamaged) || errors.Is(err, diff.ErrCommitMissing) {
				t.Fatalf("Changes error = %v, want ErrDamaged", err)
			}
			msg := err.Error()
			for _, w := range append(tc.want, "pack-", "git fsck") {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q lacks %q", msg, w)
				}
			}
			if !strings.Contains(msg, tree) && !strings.Contains(msg, v1) && !strings.Contains(msg, head) {
				t.Errorf("error %q names no object", msg)
			}
			if strings.Contains(msg, "fetch") {
				t.Errorf("error %q tells the user to fetch", msg)
			}
		})
	}
}

// replace writes a read-only pack file anew.
func replace(t *testing.T, name string, data []byte) {
	t.Helper()
	os.Remove(name)
	if err := os.WriteFile(name, data, 0o444); err != nil {
		t.Fatal(err)
	}
}

// TestDamagedLoose reads loose objects whose header lies: ErrDamaged
// naming the file, never an allocation of the size the header claims.
func TestDamagedLoose(t *testing.T) {
	for _, tc := range []struct {
		name   string
		header func(body []byte) string
		want   string
	}{
		{"a header that claims 32 TiB", func([]byte) string { return "tree 35184372088832" }, "header claims 35184372088832 bytes"},
		{"a header one byte long", func(b []byte) string { return fmt.Sprintf("tree %d", len(b)+1) }, "not the"},
		{"a header one byte short", func(b []byte) string { return fmt.Sprintf("tree %d", len(b)-1) }, "inflates to more than"},
		{"a header of no type", func(b []byte) string { return fmt.Sprintf("%d", len(b)) }, "bad header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := site(t, false)
			tree := strings.TrimSpace(git(t, dir, "rev-parse", "HEAD^{tree}"))
			body := []byte(git(t, dir, "cat-file", "tree", tree))
			var z bytes.Buffer
			w := zlib.NewWriter(&z)
			fmt.Fprintf(w, "%s\x00%s", tc.header(body), body)
			w.Close()
			name := filepath.Join(dir, ".git", "objects", tree[:2], tree[2:])
			replace(t, name, z.Bytes())
			r := open(t, dir)
			_, err := r.Changes(context.Background(), strings.TrimSpace(git(t, dir, "rev-parse", "HEAD~1")), strings.TrimSpace(git(t, dir, "rev-parse", "HEAD")))
			if !errors.Is(err, diff.ErrDamaged) {
				t.Fatalf("Changes error = %v, want ErrDamaged", err)
			}
			for _, w := range []string{tc.want, name, "git fsck"} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
