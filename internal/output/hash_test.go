package output

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// writeTree writes files (slash paths to contents) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for p, body := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks are not available here: %v", err)
	}
}

func sum(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// hashes is a manifest's files as path → hash, for cmp.
func hashes(m *Manifest) map[string][32]byte {
	out := map[string][32]byte{}
	for _, f := range m.Files {
		out[f.Path] = f.Hash
	}
	return out
}

func TestHash(t *testing.T) {
	t.Parallel()
	stamp := regexp.MustCompile(`<meta name="build" content="[^"]*">`)
	for _, tc := range []struct {
		name  string
		files map[string]string
		links map[string]string // link (slash path) → target
		o     Options
		want  map[string][32]byte
		notes []string
	}{
		{
			name:  "nested, empty file, unicode names",
			files: map[string]string{"index.html": "home", "a/b/c/deep.css": "x{}", "empty.txt": "", "blog/café/ünï.html": "é"},
			want:  map[string][32]byte{"index.html": sum("home"), "a/b/c/deep.css": sum("x{}"), "empty.txt": sum(""), "blog/café/ünï.html": sum("é")},
		},
		{
			name:  "symlink inside kept as its target's bytes",
			files: map[string]string{"real/page.html": "page"},
			links: map[string]string{"alias.html": "real/page.html"},
			want:  map[string][32]byte{"real/page.html": sum("page"), "alias.html": sum("page")},
		},
		{
			name:  "symlink out of the folder skipped and noted",
			files: map[string]string{"index.html": "home"},
			links: map[string]string{"secret": "../outside.txt", "abs": "/etc/hostname", "dangling": "nowhere"},
			want:  map[string][32]byte{"index.html": sum("home")},
			notes: []string{"abs", "dangling", "secret"},
		},
		{
			name:  "symlink to a folder inside not followed",
			files: map[string]string{"docs/a.html": "a"},
			links: map[string]string{"mirror": "docs"},
			want:  map[string][32]byte{"docs/a.html": sum("a")},
			notes: []string{"mirror"},
		},
		{
			name:  "normalizer applied per glob",
			files: map[string]string{"p.html": `<meta name="build" content="1">x`, "p.txt": `<meta name="build" content="1">x`},
			o:     Options{Normalize: []Normalizer{{Glob: "**/*.html", Strip: []*regexp.Regexp{stamp}}}},
			want:  map[string][32]byte{"p.html": sum("x"), "p.txt": sum(`<meta name="build" content="1">x`)},
		},
		{
			name:  "normalizer without a glob applies everywhere, no samples",
			files: map[string]string{"deep/p.xml": "a<meta name=\"build\" content=\"2\">"},
			o:     Options{Normalize: []Normalizer{{Strip: []*regexp.Regexp{stamp}}}, SampleMax: -1, Workers: 1},
			want:  map[string][32]byte{"deep/p.xml": sum("a")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			top := t.TempDir()
			writeTree(t, top, map[string]string{"outside.txt": "secret"})
			dir := filepath.Join(top, "public")
			writeTree(t, dir, tc.files)
			for link, target := range tc.links {
				symlink(t, target, filepath.Join(dir, link))
			}
			m, err := Hash(context.Background(), dir, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, hashes(m)); d != "" {
				t.Errorf("hashes (-want +got):\n%s", d)
			}
			var notes []string
			for _, n := range m.Notes {
				notes = append(notes, n.Path)
			}
			if d := cmp.Diff(tc.notes, notes); d != "" {
				t.Errorf("notes (-want +got):\n%s\n%v", d, m.Notes)
			}
		})
	}
}

func TestHashEntries(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	big := strings.Repeat("b", 5000)
	writeTree(t, dir, map[string]string{"small.html": "hi", "big.html": big, "bin.png": "\x89PNG\x00\x01", "empty.css": ""})
	m, err := Hash(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []File{
		{"big.html", Entry{Hash: sum(big), Size: 5000}},
		{"bin.png", Entry{Hash: sum("\x89PNG\x00\x01"), Size: 6}},
		{"empty.css", Entry{Hash: sum(""), Size: 0, Sample: []byte{}}},
		{"small.html", Entry{Hash: sum("hi"), Size: 2, Sample: []byte("hi")}},
	}
	if d := cmp.Diff(want, m.Files); d != "" {
		t.Errorf("entries (-want +got):\n%s", d)
	}
	if e, _ := m.Lookup("empty.css"); e.Sample == nil {
		t.Error("an empty text file keeps no sample; want an empty one")
	}
	if m.Dir != dir || m.Normalizers != "" {
		t.Errorf("Dir, Normalizers = %q, %q; want %q, empty", m.Dir, m.Normalizers, dir)
	}
}

func TestHashFingerprintsNormalizers(t *testing.T) {
	t.Parallel()
	a := Options{Normalize: []Normalizer{{Glob: "**/*.html", Strip: []*regexp.Regexp{regexp.MustCompile(`x`)}}}}
	b := Options{Normalize: []Normalizer{{Glob: "**/*.html", Strip: []*regexp.Regexp{regexp.MustCompile(`y`)}}}}
	if fa, fb := fingerprint(a.Normalize), fingerprint(b.Normalize); fa == "" || fa == fb {
		t.Errorf("fingerprints %q and %q; want two different, non-empty", fa, fb)
	}
}

func TestHashErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a.html": "a"})
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name string
		ctx  context.Context
		dir  string
		o    Options
		want string
	}{
		{"missing folder", context.Background(), filepath.Join(dir, "nope"), Options{}, "give the folder the site generator writes"},
		{"bad normalizer glob", context.Background(), dir, Options{Normalize: []Normalizer{{Glob: "[a"}}}, `normalize glob "[a"`},
		{"bad immutable glob", context.Background(), dir, Options{Immutable: []string{"{a"}}, `immutable glob "{a"`},
		{"canceled", canceled, dir, Options{}, "context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Hash(tc.ctx, tc.dir, tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Hash error = %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func TestHashUnreadableFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || os.Getuid() == 0 {
		t.Skip("root (or Windows) reads a file whatever its mode")
	}
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"locked.html": "x"})
	if err := os.Chmod(filepath.Join(dir, "locked.html"), 0); err != nil {
		t.Fatal(err)
	}
	if _, err := Hash(context.Background(), dir, (Options{})); err == nil || !strings.Contains(err.Error(), `hash "locked.html"`) {
		t.Errorf("Hash error = %v; want one naming locked.html", err)
	}
}
