package output

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func manifestOf(files map[string]string) *Manifest {
	m := &Manifest{}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		m.Files = append(m.Files, File{Path: p, Entry: Entry{Hash: sum(files[p]), Size: int64(len(files[p]))}})
	}
	return m
}

func TestCompare(t *testing.T) {
	t.Parallel()
	old := manifestOf(map[string]string{
		"index.html": "home", "about/index.html": "about", "gone.html": "bye",
		"assets/app.3f2a1c9b.js": "v1", "assets/app.3f2a1c9b.css": "c1", "logo.png": "png",
	})
	new := manifestOf(map[string]string{
		"index.html": "home 2", "about/index.html": "about", "new/page.html": "new",
		"assets/app.77aa00ff.js": "v2", "assets/app.3f2a1c9b.css": "c1 changed", "logo.png": "png",
	})
	imm := Options{Immutable: []string{"**/*.????????.{js,css}"}}
	for _, tc := range []struct {
		name     string
		old, new *Manifest
		o        Options
		want     Diff
	}{
		{"same", old, old, Options{}, Diff{}},
		{"first run: all added", nil, manifestOf(map[string]string{"b": "", "a": ""}), Options{}, Diff{Added: []string{"a", "b"}}},
		{"added, changed, removed", old, new, Options{}, Diff{
			Added:   []string{"assets/app.77aa00ff.js", "new/page.html"},
			Changed: []string{"assets/app.3f2a1c9b.css", "index.html"},
			Removed: []string{"assets/app.3f2a1c9b.js", "gone.html"},
		}},
		{"immutable counted apart", old, new, imm, Diff{
			Added:     []string{"new/page.html"},
			Changed:   []string{"index.html"},
			Removed:   []string{"gone.html"},
			Immutable: []string{"assets/app.3f2a1c9b.css", "assets/app.3f2a1c9b.js", "assets/app.77aa00ff.js"},
		}},
		{"bad glob matches nothing", old, new, Options{Immutable: []string{"{a"}}, Diff{
			Added:   []string{"assets/app.77aa00ff.js", "new/page.html"},
			Changed: []string{"assets/app.3f2a1c9b.css", "index.html"},
			Removed: []string{"assets/app.3f2a1c9b.js", "gone.html"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, Compare(tc.old, tc.new, tc.o)); d != "" {
				t.Errorf("Compare (-want +got):\n%s", d)
			}
		})
	}
}

func TestCheckBuild(t *testing.T) {
	t.Parallel()
	files := func(n int) *Manifest {
		m := &Manifest{Dir: "public", Commit: "0123456789abcdef0123", Files: make([]File, n)}
		for i := range m.Files {
			m.Files[i].Path = fmt.Sprintf("%06d", i)
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		m, prev *Manifest
		want    string // "" = accepted
	}{
		{"no files", files(0), nil, `build output "public" has no files: check that the build succeeded`},
		{"nil manifest", nil, files(100), "build output (the site folder) has no files"},
		{"first run, one file", files(1), nil, ""},
		{"small previous site", files(1), files(19), ""},
		{"under 10% of 2000", files(199), files(2000), `build output "public" has 199 files, fewer than 10% of the 2000 in the last manifest (commit 0123456789ab): check that the build succeeded and wrote its output there; nothing was sent and the manifest is kept, so the next run compares with the last purged build`},
		{"10% of 2000", files(200), files(2000), ""},
		{"under 10% of 20", files(1), files(20), "has 1 files, fewer than 10% of the 20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := CheckBuild(tc.m, tc.prev)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("CheckBuild = %v; want nil", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("CheckBuild = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}

// BenchmarkCompare100k: the bound is 100 ms for two manifests of
// 100,000 files; a tenth of them changed, as after a layout change.
func BenchmarkCompare100k(b *testing.B) {
	old, new := synthetic(100_000), synthetic(100_000)
	for i := range new.Files {
		if i%10 == 0 {
			new.Files[i].Hash[0]++
		}
	}
	o := Options{Immutable: []string{"**/*.??????.js"}}
	b.ResetTimer()
	for b.Loop() {
		d := Compare(old, new, o)
		if len(d.Changed)+len(d.Immutable) == 0 {
			b.Fatal("nothing changed")
		}
	}
}
