package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/redact"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// Every file the run writes (the report, the dotenv report, the step
// outputs and the job summary) goes through writeOut or appendOut, and
// stdout and stderr through the writers hide installs: one place where
// credentials a server echoed are removed, whatever the output.

// hide removes secrets (and any EdgeGrid Authorization header) from every
// later output: stdout, stderr and the files. It is called once the
// credentials are loaded; secrets add up over calls.
func (e *env) hide(secrets ...string) {
	if e.rawOut == nil {
		e.rawOut, e.rawErr = e.stdout, e.stderr
	}
	e.secrets = append(e.secrets, secrets...)
	e.redact = redact.New(e.secrets...)
	e.stdout, e.stderr = e.redact.Writer(e.rawOut), e.redact.Writer(e.rawErr)
}

// checkOutput finds, before anything is sent, an output file that could
// not be written after purging: what names the flag or variable.
func checkOutput(what, path string) error {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		return usagef("%s %s is a folder: give a file path", what, path)
	case err == nil && !fi.Mode().IsRegular():
		return nil // a device such as /dev/stdout is written in place
	case err == nil:
		// The rename at the end would replace even a read-only file:
		// refuse it, as writing it in place would have.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return usagef("%s %s cannot be written: %w (make it writable, or choose another path)", what, path, err)
		}
		f.Close()
		// Writable is not enough: in a sticky folder (as /tmp) a file
		// another user left there cannot be replaced by the rename.
		t := target(path)
		if err := state.CheckReplace(filepath.Dir(t), t); err != nil {
			return usagef("%s %s cannot be replaced: %w (choose another path, or have its owner remove it)", what, path, err)
		}
	case !errors.Is(err, os.ErrNotExist):
		return usagef("%s %s: %w", what, path, err)
	}
	return checkFolder(what, path)
}

// checkFolder finds whether the temporary file writeOut renames over path
// can be made beside it.
func checkFolder(what, path string) error {
	f, err := os.CreateTemp(filepath.Dir(target(path)), ".ccu-purge-check-*")
	if err != nil {
		return usagef("%s %s cannot be written: %w (create its folder, make it writable, or choose another path)", what, path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// checkAppend is checkOutput for a file appendOut adds to: it must open
// for appending (it is created when missing, as the runner would).
func checkAppend(what, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("%s %s is a folder: it must name a file", what, path)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return usagef("%s %s cannot be written: %w (the runner sets it to a writable file: check the step's environment)", what, path, err)
	}
	return f.Close()
}

// target is where path leads: a symlink's target is replaced, not the
// link, also when the target is not written yet (a link into an artifacts
// folder, say): the rename replaced such a link with a file and left the
// target unwritten, which writing in place never did. A chain of links
// is followed to its last one; a path that leads nowhere usable is path.
func target(path string) string {
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

// writeOut replaces the file at path with data, redacted, in one step: a
// temporary file in the same folder renamed over it at the end, so a run
// that stops half-way leaves the previous file (or none), never a
// truncated one. A device (/dev/stdout) is written in place.
func (e *env) writeOut(path string, data []byte) error {
	path = target(path)
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return e.appendOut(path, data)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // after a failure; gone by the rename otherwise
	if err := writeClose(f, e.redact.String(string(data)), true); err != nil {
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

// appendOut appends data, redacted, to a file in one write: GitHub's
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY belong to the runner and may hold
// lines other programs of the step wrote, so they are added to, never
// replaced.
func (e *env) appendOut(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	return writeClose(f, e.redact.String(string(data)), false)
}

// writeClose writes s and closes f; sync first flushes it to the disk, so
// that the rename that follows never shows an empty file after a crash.
func writeClose(f *os.File, s string, sync bool) error {
	_, err := io.WriteString(f, s)
	if err == nil && sync {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
