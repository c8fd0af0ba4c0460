//go:build unix

package state

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets TestStickyFolder run this test binary as another user:
// with STATE_TEST_SAVE=PATH it checks and saves PATH and prints both
// outcomes.
func TestMain(m *testing.M) {
	if path := os.Getenv("STATE_TEST_SAVE"); path != "" {
		f, err := Load(path)
		if err != nil {
			fmt.Println("load:", err)
			os.Exit(0)
		}
		fmt.Println("check:", f.CheckWritable())
		f.Record(Entry{Key: siteA, Commit: sha2})
		fmt.Println("save:", f.Save())
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// What --state may name that is not a regular file: each is refused by
// Load at once, naming what it is, and a FIFO never blocks the run.
func TestSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "folder.json")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	toNull := filepath.Join(dir, "null.json")
	dangling := filepath.Join(dir, "dangling.json")
	for link, to := range map[string]string{toNull: os.DevNull, dangling: filepath.Join(dir, "no", "such.json")} {
		if err := os.Symlink(to, link); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct{ name, path, want string }{
		{"FIFO", fifo, "it is a named pipe (FIFO), not a regular file"},
		{"folder", folder, "it is a folder, not a regular file"},
		{"device", os.DevNull, "it is a device, not a regular file"},
		{"link to a device", toNull, "it is a device, not a regular file"},
		{"dangling link", dangling, `it is a symbolic link to "` + filepath.Join(dir, "no", "such.json") + `", which cannot be followed`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { _, err := Load(tc.path); done <- err }()
			var err error
			select {
			case err = <-done:
			case <-time.After(5 * time.Second):
				t.Fatal("Load blocks")
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("Load = %v, want ErrInvalid naming %s: %q", err, tc.path, tc.want)
			}
		})
	}
}

// A state path that is a symbolic link (into a cache folder, say) is
// written through: the target gets the new state, the link stays a link.
func TestSymlinkWrittenThrough(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "cache", "state.json")
	if err := os.Mkdir(filepath.Dir(real), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, []byte(`{"version": 2, "entries": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "state.json")
	if err := os.Symlink(filepath.Join("cache", "state.json"), link); err != nil {
		t.Fatal(err)
	}
	recordThrough(t, link)
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v, %v", info.Mode(), err)
	}
	g, err := Load(real)
	if err != nil {
		t.Fatal(err)
	}
	if e, ok, _ := g.Last(siteA); !ok || e.Commit != sha1 {
		t.Errorf("the link's target was not updated: %+v %v", e, ok)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("the link's folder holds %d entries, want the link and cache/", len(entries))
	}
}

// A chain of links whose last target is not written yet (the first run)
// is followed as the kernel follows it; only the first link was read, so
// the second was taken for a file in the way and the chain refused. A
// loop is still refused, naming a link of it.
func TestSymlinkChainToNewFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "cache"), 0o755); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(dir, "cache", "state.json")
	link := filepath.Join(dir, "state.json")
	for _, l := range [][2]string{{filepath.Join("..", "cache", "state.json"), filepath.Join(dir, "cache", "next")}, {filepath.Join("cache", "next"), link}} {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	recordThrough(t, link)
	for _, l := range []string{link, filepath.Join(dir, "cache", "next")} {
		if info, err := os.Lstat(l); err != nil || info.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("the link %s was replaced: %v", l, err)
		}
	}
	if g, err := Load(real); err != nil {
		t.Fatal(err)
	} else if e, ok, _ := g.Last(siteA); !ok || e.Commit != sha1 {
		t.Errorf("the chain's target was not written: %+v %v", e, ok)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink("loop", loop); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(loop); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "cannot be followed") {
		t.Errorf("a loop: %v", err)
	}
}

// A folder whose lock another process holds and keeps: lock gives up
// after lockWait with an error naming the folder, instead of waiting
// forever in a flock that SIGTERM and Ctrl-C do not interrupt.
func TestLockHeldElsewhere(t *testing.T) {
	dir := t.TempDir()
	holder, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if err := syscall.Flock(int(holder.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { lockWait = d }(lockWait)
	lockWait = 200 * time.Millisecond
	done := make(chan error, 1)
	go func() {
		unlock, err := lock(dir)
		if err == nil {
			unlock()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "held the lock on "+dir) {
			t.Errorf("lock = %v, want an error naming the folder", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("lock still waits after 5 s for a lock held elsewhere")
	}
	syscall.Flock(int(holder.Fd()), syscall.LOCK_UN)
	unlock, err := lock(dir)
	if err != nil {
		t.Fatalf("lock once released: %v", err)
	}
	unlock()
}

// A sticky folder (as /tmp) where the state file belongs to another user:
// creating and removing a file there works, the rename over the state does
// not. CheckWritable must say so before anything is purged. Run as nobody
// on a file root owns.
func TestStickyFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the state file to one user and run as another")
	}
	top, err := os.MkdirTemp("", "sticky-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	sticky := filepath.Join(top, "shared")
	if err := os.Mkdir(sticky, 0o755); err != nil {
		t.Fatal(err)
	}
	for path, mode := range map[string]os.FileMode{top: 0o755, sticky: 0o777 | os.ModeSticky} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(sticky, "state.json")
	if err := os.WriteFile(path, []byte(`{"version": 2, "entries": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(top, "state.test")
	copyFile(t, os.Args[0], bin)
	cmd := exec.Command(bin, "-test.run", "^$")
	cmd.Env = append(os.Environ(), "STATE_TEST_SAVE="+path)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{
		"check: the state file " + path + " cannot be written: its folder " + sticky + " is sticky (+t) and the file belongs to user 0, so user 65534 cannot replace it",
		"save: write the state file " + path + ": rename", // the failure the check foresees
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
}

// recordThrough records siteA at sha1 in the state file at path, checked
// writable first, as a run does.
func recordThrough(t *testing.T, path string) {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckWritable(); err != nil {
		t.Fatal(err)
	}
	f.Record(Entry{Key: siteA, Commit: sha1})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}
