// Package outfile writes the files a run leaves behind (reports, the
// dotenv report, the runner's output and summary files) so that none is
// ever half-written: each is replaced in one step, or appended to in one
// write when it belongs to someone else, and each is checked before a
// purge starts, so one that cannot be written is found while nothing has
// been sent yet. It neither redacts nor knows what the files hold: the
// caller hands it the final bytes.
package outfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Check finds, before anything is sent, an output file that could not be
// written after purging; what names the flag or variable in the error.
func Check(what, path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("%s %s is a folder: give a file path", what, path)
	case err == nil && !fi.Mode().IsRegular():
		return nil // a device such as /dev/stdout is written in place
	case err == nil:
		// The rename at the end would replace even a read-only file:
		// refuse it, as writing it in place would have.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("%s %s cannot be written: %w (make it writable, or choose another path)", what, path, err)
		}
		f.Close()
		// Writable is not enough: in a sticky folder (as /tmp) a file
		// another user left there cannot be replaced by the rename.
		t := Target(path)
		if err := CheckReplace(filepath.Dir(t), t); err != nil {
			return fmt.Errorf("%s %s cannot be replaced: %w (choose another path, or have its owner remove it)", what, path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("%s %s: %w", what, path, err)
	}
	return checkFolder(what, path)
}

// checkFolder finds whether the temporary file Replace renames over path
// can be made beside it.
func checkFolder(what, path string) error {
	f, err := os.CreateTemp(filepath.Dir(Target(path)), ".ccu-purge-check-*")
	if err != nil {
		return fmt.Errorf("%s %s cannot be written: %w (create its folder, make it writable, or choose another path)", what, path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// CheckAppend is Check for a file Append adds to: it must open
// for appending (it is created when missing, as the runner would).
func CheckAppend(what, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s %s is a folder: it must name a file", what, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("%s %s cannot be written: %w (the runner sets it to a writable file: check the step's environment)", what, path, err)
	}
	return f.Close()
}

// Target is where path leads: a symlink's target is replaced, not the
// link, also when the target is not written yet (a link into an artifacts
// folder, say): the rename replaced such a link with a file and left the
// target unwritten, which writing in place never did. A chain of links
// is followed to its last one; a path that leads nowhere usable is path.
func Target(path string) string {
	if t, err := filepath.EvalSymlinks(path); err == nil {
		return t
	}
	if _, err := os.Stat(path); err == nil {
		// It leads somewhere EvalSymlinks cannot spell: /dev/stdout on
		// a pipe ("pipe:[123]" in /proc), written in place.
		return path
	}
	link := path
	for range 40 { // as the kernel's limit, so a loop ends
		next, err := os.Readlink(link)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(next) {
			next = filepath.Join(filepath.Dir(link), next)
		}
		link = next
		if _, err := os.Lstat(link); errors.Is(err, os.ErrNotExist) {
			if dir, err := filepath.EvalSymlinks(filepath.Dir(link)); err == nil {
				return filepath.Join(dir, filepath.Base(link))
			}
			return path
		}
	}
	return path
}

// Replace replaces the file at path with data in one step: a temporary
// file in the same folder renamed over it at the end, so a run that stops
// half-way leaves the previous file (or none), never a truncated one. A
// device (/dev/stdout) is written in place.
func Replace(path string, data []byte) error {
	path = Target(path)
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return Append(path, data)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a failure; gone by the rename otherwise
	if err := writeClose(f, data, true); err != nil {
		return err
	}
	// CreateTemp's 0600 would hide the report from the CI user's other
	// steps; these files hold nothing secret once redacted. A file that
	// exists keeps its mode.
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.Chmod(f.Name(), mode); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// Append appends data to a file in one write: GitHub's GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY belong to the runner and may hold lines other
// programs of the step wrote, so they are added to, never replaced.
func Append(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return writeClose(f, data, false)
}

// writeClose writes data and closes f; sync first flushes it to the disk,
// so that the rename that follows never shows an empty file after a crash.
func writeClose(f *os.File, data []byte, sync bool) error {
	_, err := f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// RealPath is path made absolute, symbolic links resolved where they can
// be (also for a file not written yet, through its folder), so two
// spellings of one file compare equal.
func RealPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(real, filepath.Base(path))
	}
	return path
}
