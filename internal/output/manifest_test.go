package output

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// synthetic is a manifest of n files laid out as a generated site is:
// pages in a few sections, assets beside them, sizes of kilobytes.
func synthetic(n int) *Manifest {
	m := &Manifest{Commit: strings.Repeat("ab", 20), Files: make([]File, 0, n)}
	for i := range n {
		var p string
		switch i % 10 {
		case 0:
			p = fmt.Sprintf("assets/img/photo-%06d.jpg", i)
		case 1:
			p = fmt.Sprintf("assets/js/chunk.%06d.js", i)
		default:
			p = fmt.Sprintf("blog/%04d/%02d/post-number-%06d/index.html", 2000+i%25, i%12+1, i)
		}
		m.Files = append(m.Files, File{Path: p, Entry: Entry{Hash: sha256.Sum256([]byte(p)), Size: int64(8000 + i%50000)}})
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	return m
}

func roundTrip(t *testing.T, m *Manifest) (*Manifest, int) {
	t.Helper()
	var buf bytes.Buffer
	n, err := m.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if int(n) != buf.Len() {
		t.Errorf("WriteTo says %d bytes, wrote %d", n, buf.Len())
	}
	got, err := ReadManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return got, int(n)
}

func TestManifestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		m    *Manifest
	}{
		{"empty", &Manifest{Files: []File{}}},
		{"samples, unicode, shared prefixes", &Manifest{Commit: "c0ffee", Normalizers: "0123abcd", Files: []File{
			{"blog/café/ünï.html", Entry{Hash: sum("é"), Size: 2, Sample: []byte("é")}},
			{"blog/café/ünï2.html", Entry{Hash: sum("x"), Size: 1 << 40}},
			{"in", Entry{Hash: sum(""), Size: 0, Sample: []byte{}}},
			{"index.htm", Entry{Hash: sum("b"), Size: 99999}},
			{"index.html", Entry{Hash: sum("a"), Size: 1, Sample: []byte("a")}},
		}}},
		{"synthetic 1000", synthetic(1000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, _ := roundTrip(t, tc.m)
			if d := cmp.Diff(tc.m, got); d != "" {
				t.Errorf("round trip (-want +got):\n%s", d)
			}
		})
	}
}

// TestManifestSize: the bound, 100,000 files under 5 MB. The
// entries carry no samples: those are for files of a few kilobytes at
// most, and cost their compressed size on top.
func TestManifestSize(t *testing.T) {
	t.Parallel()
	m := synthetic(100_000)
	got, n := roundTrip(t, m)
	if n >= 5<<20 {
		t.Errorf("100,000 files take %d bytes; want under 5 MB", n)
	}
	if len(got.Files) != 100_000 {
		t.Errorf("read back %d files; want 100000", len(got.Files))
	}
	t.Logf("100,000 files: %d bytes", n)
}

func TestReadManifestErrors(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if _, err := synthetic(50).WriteTo(&good); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"commit":"x"}`))
	zw.Close()
	newer := append([]byte(magic), 9)
	body := good.Bytes()[len(magic)+1:]
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty file", nil, `not a ccu-purge output manifest (it starts with "")`},
		{"json state file", []byte(`{"version":1,"entries":{}}`), `not a ccu-purge output manifest (it starts with "{\"version\":1,\"en")`},
		{"plain gzip", gz.Bytes(), "not a ccu-purge output manifest"},
		{"magic only", []byte(magic), "not a ccu-purge output manifest"},
		{"newer version", append(newer, body...), "output manifest version 9, but this ccu-purge reads version 1"},
		{"not gzip after the magic", append(append([]byte(magic), version), "hello"...), "the file is damaged"},
		{"truncated", good.Bytes()[:good.Len()/2], "unexpected EOF"},
		{"trailing bytes", append(append([]byte(magic), version), gzipped(t, append(rawBody(t, synthetic(3)), 0))...), "bytes after the last entry"},
		{"out of order", written(t, &Manifest{Files: []File{{Path: "b"}, {Path: "a"}}}), `path "a" after "b": out of order`},
		{"huge count", append(append([]byte(magic), version), gzipped(t, []byte{0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})...), "more than a manifest holds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadManifest(bytes.NewReader(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadManifest error = %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func gzipped(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawBody is m's encoding inside the gzip stream.
func rawBody(t *testing.T, m *Manifest) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(buf.Bytes()[len(magic)+1:]))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := out.ReadFrom(zr); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func written(t *testing.T, m *Manifest) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLookup(t *testing.T) {
	t.Parallel()
	m := manifestOf(map[string]string{"a.html": "a", "b/c.html": "c", "z": "z"})
	for _, tc := range []struct {
		path, body string
		ok         bool
	}{{"a.html", "a", true}, {"b/c.html", "c", true}, {"z", "z", true}, {"b", "", false}, {"", "", false}, {"zz", "", false}} {
		e, ok := m.Lookup(tc.path)
		if ok != tc.ok || ok && e.Hash != sum(tc.body) {
			t.Errorf("Lookup(%q) = %x, %v; want the hash of %q, %v", tc.path, e.Hash, ok, tc.body, tc.ok)
		}
	}
}
