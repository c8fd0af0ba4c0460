// Package release checks what `make release-snapshot` built in dist/: the
// archives and plain executables of the six platforms, checksums.txt, the
// SBOMs and the host's binary. Its only code is the test `make
// release-check` runs; without dist/ the test skips, so `make test` stays
// fast.
package release
