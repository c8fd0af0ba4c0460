package outfile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "report.json")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		want       string // fragment of the error; "" = none
	}{
		{"a new file", filepath.Join(dir, "new.json"), ""},
		{"an existing file", file, ""},
		{"a device", os.DevNull, ""},
		{"a folder", dir, "--report " + dir + " is a folder: give a file path"},
		{"a missing folder", filepath.Join(dir, "no", "r.json"), "cannot be written"},
	} {
		err := Check("--report", tc.path)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Check = %v, want nil", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Check = %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".ccu-purge-check-*")); len(left) > 0 {
		t.Errorf("Check left %v behind", left)
	}
}

func TestCheckReadOnly(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("needs Unix permissions as a user other than root")
	}
	file := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(file, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	if err := Check("--report", file); err == nil || !strings.Contains(err.Error(), "make it writable") {
		t.Errorf("Check = %v, want a read-only error", err)
	}
}

func TestCheckAppend(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := CheckAppend("GITHUB_OUTPUT", dir); err == nil || !strings.Contains(err.Error(), "is a folder") {
		t.Errorf("CheckAppend(folder) = %v", err)
	}
	path := filepath.Join(dir, "out")
	if err := CheckAppend("GITHUB_OUTPUT", path); err != nil {
		t.Errorf("CheckAppend(new) = %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("CheckAppend did not create the file as the runner would: %v", err)
	}
}

// Replace writes through a link to its target (also one not written
// yet), keeps an existing file's mode and leaves no temporary file.
func TestReplace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "r.json")
	if err := os.WriteFile(file, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink("later.json", link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, read string }{{file, file}, {link, filepath.Join(dir, "later.json")}} {
		if err := Replace(tc.path, []byte("new")); err != nil {
			t.Fatalf("Replace(%s) = %v", tc.path, err)
		}
		if got, err := os.ReadFile(tc.read); err != nil || string(got) != "new" {
			t.Errorf("%s holds %q (%v), want \"new\"", tc.read, got, err)
		}
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v (%v), want 0600 kept", fi.Mode().Perm(), err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
		t.Errorf("Replace left %v behind", left)
	}
}

func TestAppend(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "summary.md")
	for _, s := range []string{"one\n", "two\n"} {
		if err := Append(path, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := os.ReadFile(path); string(got) != "one\ntwo\n" {
		t.Errorf("file holds %q", got)
	}
}

// Two spellings of one file, through a link to its folder, and a file
// not written yet, give one RealPath.
func TestRealPath(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(RealPath(dir), "new.json")
	for _, p := range []string{filepath.Join(dir, "new.json"), filepath.Join(dir, ".", "x", "..", "new.json"), filepath.Join(link, "new.json")} {
		if got := RealPath(p); got != want {
			t.Errorf("RealPath(%s) = %s, want %s", p, got, want)
		}
	}
}
