//go:build !unix

package outfile

// CheckReplace: there are no sticky folders to refuse the rename.
func CheckReplace(dir, path string) error { return nil }
