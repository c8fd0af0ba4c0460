//go:build unix

package outfile

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// CheckReplace says whether a rename in folder dir could replace the file
// at path, as Replace's does (and the state file's save). In a sticky
// folder (mode +t, as /tmp) only the file's owner, the folder's owner or
// root may replace an entry, so a file another user left there passes a
// create-and-remove test and fails only after purging. Trying the rename
// itself would move the real file away for a moment, which a concurrent
// run would read as no file, so the rule is checked instead.
func CheckReplace(dir, path string) error {
	di, err := os.Stat(dir)
	if err != nil || di.Mode()&os.ModeSticky == 0 {
		return nil
	}
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	euid := os.Geteuid()
	if euid == 0 || owner(di) == euid || owner(fi) == euid {
		return nil
	}
	return fmt.Errorf("its folder %s is sticky (+t) and the file belongs to user %d, so user %d cannot replace it", dir, owner(fi), euid)
}

func owner(fi os.FileInfo) int {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int(st.Uid)
	}
	return -1
}
