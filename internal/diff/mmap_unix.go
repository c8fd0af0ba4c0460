//go:build unix

package diff

import (
	"errors"
	"os"
	"syscall"
)

// mapFile maps the file read-only, as git does with its packs and
// indexes: the diff touches only the pages of the few thousand objects it
// reads and the index entries its binary searches visit, instead of
// copying a whole index (3 MiB for 110,000 objects) at every Open and
// making two system calls per object read. Pack files are never changed
// in place (git writes new ones and renames them), so the mapping cannot
// be truncated under the reader. An empty file cannot be mapped, and
// needs no mapping: it returns nil.
func mapFile(f *os.File) ([]byte, error) {
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return nil, err
	}
	if int64(int(fi.Size())) != fi.Size() {
		return nil, errors.New("file too large to map")
	}
	return syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
}

func unmapFile(b []byte) error {
	if b == nil {
		return nil
	}
	return syscall.Munmap(b)
}
