//go:build !unix

package state

import "os"

// openNonBlock: without FIFOs in the file system, a plain open cannot
// block.
func openNonBlock(path string) (*os.File, error) { return os.Open(path) }

// CheckReplace: there are no sticky folders to refuse the rename.
func CheckReplace(dir, path string) error { return nil }
