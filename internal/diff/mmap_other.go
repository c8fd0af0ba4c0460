//go:build !unix

package diff

import (
	"errors"
	"os"
)

// mapFile is unavailable here: the pack reader reads its files with
// ReadAt instead (see pack).
func mapFile(*os.File) ([]byte, error) { return nil, errors.ErrUnsupported }

func unmapFile([]byte) error { return nil }
