//go:build unix

package state

import (
	"os"
	"syscall"
)

// lock holds an exclusive advisory lock on the state file's folder until
// unlock. Locking the folder leaves no lock file behind in the workspace
// or the CI cache, and the kernel releases the lock if the process dies,
// so a killed run never leaves a stale one.
func lock(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
