//go:build unix

package state

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockWait bounds how long lock waits for another holder of the folder's
// lock. A run holds it only while it checks or writes its state file (a
// few milliseconds), so a lock held longer is not another ccu-purge run
// saving; a blocking flock waited for it forever, deaf to SIGTERM and
// Ctrl-C (Go restarts the interrupted call), as a FIFO once did.
var lockWait = 10 * time.Second

// lock holds an exclusive advisory lock on the state file's folder until
// unlock. Locking the folder leaves no lock file behind in the workspace
// or the CI cache, and the kernel releases the lock if the process dies,
// so a killed run never leaves a stale one.
func lock(dir string) (unlock func(), err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(lockWait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, fmt.Errorf("another process has held the lock on %s for over %s (a ccu-purge run holds it for milliseconds): stop that process, or give --state a path in another folder", dir, lockWait)
			}
			return nil, err
		}
		time.Sleep(20 * time.Millisecond)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
