package mapper

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeRepo is a worktree at root, or (root "") a bare repository whose
// commits hold files.
type fakeRepo struct {
	root  string
	files map[string]string // "rev:name" → content
}

func (f fakeRepo) Root() string { return f.root }

func (f fakeRepo) ReadFile(rev, name string) ([]byte, error) {
	if s, ok := f.files[rev+":"+name]; ok {
		return []byte(s), nil
	}
	return nil, errors.New("not in the commit")
}

func TestFind(t *testing.T) {
	t.Parallel()
	const cfg = "rules:\n  - match: \"**\"\n    urls: https://www.example.com/{path}\n"
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, FileName), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	named := filepath.Join(t.TempDir(), "other.yml")
	if err := os.WriteFile(named, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	sha := strings.Repeat("a", 40)
	for _, tc := range []struct {
		name, file string
		repo       fakeRepo
		wantFile   string // the loaded config's File
		err        string
	}{
		{"named file", named, fakeRepo{root: root}, named, ""},
		{"the worktree's", "", fakeRepo{root: root}, filepath.Join(root, FileName), ""},
		{"committed in a bare repository", "", fakeRepo{files: map[string]string{sha + ":" + FileName: cfg}}, "aaaaaaaaaaaa:" + FileName, ""},
		{"bare without one", "", fakeRepo{}, "", "the bare repository has no .ccu-purge.yml in commit aaaaaaaaaaaa (commit one, or pass --config FILE)"},
	} {
		c, err := Find(tc.file, tc.repo, sha)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrNoConfig) {
				t.Errorf("%s: error %v, want %q wrapping ErrNoConfig", tc.name, err, tc.err)
			}
		case err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case c.File != tc.wantFile:
			t.Errorf("%s: loaded %q, want %q", tc.name, c.File, tc.wantFile)
		}
	}
}
