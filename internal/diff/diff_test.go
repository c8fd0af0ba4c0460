package diff_test

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// odd holds names that break tools which split on spaces or quote paths.
var odd = []string{"public/a b/é#1.html", "public/100%.html", "public/q?x.html", "public/-lead.html", "public/nfd/e\u0301.html"}

func build(t *testing.T, bare bool) (string, []string) {
	t.Helper()
	first := map[string]string{"public/index.html": "v1", "public/old.css": "css", "public/gone.js": "js", "keep.txt": "k"}
	second := map[string]string{"public/index.html": "v2", "public/new.html": "new"}
	for _, p := range odd {
		second[p] = "odd " + p
	}
	dir := t.TempDir()
	shas, err := gitfixture.Build(dir, bare, []gitfixture.Commit{
		{Message: "first", Write: first, Tag: "v1"},
		{Message: "second", Write: second, Delete: []string{"public/gone.js"}, Rename: map[string]string{"public/old.css": "public/css/site.css"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, shas
}

func TestChanges(t *testing.T) {
	dir, shas := build(t, true)
	r, err := diff.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Changes(context.Background(), shas[0], shas[1])
	if err != nil {
		t.Fatal(err)
	}
	want := []diff.Change{
		{Status: diff.Modified, Path: "public/index.html"},
		{Status: diff.Renamed, Path: "public/css/site.css", OldPath: "public/old.css"},
		{Status: diff.Deleted, Path: "public/gone.js"},
		{Status: diff.Added, Path: "public/new.html"},
	}
	for _, p := range odd {
		want = append(want, diff.Change{Status: diff.Added, Path: p})
	}
	sort.Slice(want, func(i, j int) bool { return want[i].Path < want[j].Path })
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("changes (-want +got):\n%s", d)
	}
	if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Path < got[j].Path }) {
		t.Error("changes are not sorted by path")
	}
}

func TestResolve(t *testing.T) {
	dir, shas := build(t, false)
	r, err := diff.Open(dir + "/public") // from a sub-folder, as git allows
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ rev, want string }{
		{"HEAD", shas[1]}, {"main", shas[1]}, {"v1", shas[0]}, {"HEAD~1", shas[0]},
		{shas[0], shas[0]}, {shas[0][:7], shas[0]},
	} {
		t.Run(tc.rev, func(t *testing.T) {
			got, err := r.Resolve(tc.rev)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("Resolve(%q) = %s, want %s", tc.rev, got, tc.want)
			}
		})
	}
	if _, err := r.Resolve("no-such-branch"); !errors.Is(err, diff.ErrRevisionNotFound) {
		t.Errorf("Resolve(missing) error = %v, want ErrRevisionNotFound", err)
	}
}

func TestOpenNotRepository(t *testing.T) {
	_, err := diff.Open(t.TempDir())
	if !errors.Is(err, diff.ErrNotRepository) {
		t.Fatalf("Open(empty dir) error = %v, want ErrNotRepository", err)
	}
	if !strings.Contains(err.Error(), "--repo") {
		t.Errorf("error %q gives no hint", err)
	}
}

// TestMatchesGit checks the affected paths against C git's own diff.
func TestMatchesGit(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary not installed: cannot cross-check against git diff")
	}
	dir, shas := build(t, true)
	out, err := exec.Command(gitBin, "-C", dir, "diff", "--name-status", "--no-renames", "-z", shas[0], shas[1]).Output()
	if err != nil {
		t.Fatal(err)
	}
	fields := bytes.Split(bytes.TrimSuffix(out, []byte{0}), []byte{0})
	var want []string
	for i := 0; i+1 < len(fields); i += 2 {
		want = append(want, string(fields[i+1]))
	}
	r, err := diff.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := r.Changes(context.Background(), shas[0], shas[1])
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range changes {
		got = append(got, c.Paths()...)
	}
	sort.Strings(want)
	sort.Strings(got)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("paths vs git diff --no-renames (-git +go-git):\n%s", d)
	}
}
