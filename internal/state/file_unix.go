//go:build unix

package state

import (
	"os"
	"syscall"
)

// openNonBlock opens path for reading without waiting: a FIFO opens at
// once (and is then refused as not a regular file) instead of blocking
// until a writer comes, which no signal would interrupt.
func openNonBlock(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
}
