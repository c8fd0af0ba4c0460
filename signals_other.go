//go:build !unix

package main

import (
	"os"
	"syscall"
)

// stopSignals: Windows delivers Ctrl-C (and Ctrl-Break) as os.Interrupt
// and has neither SIGHUP nor SIGPIPE to handle.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

func ignoreSignals() {}
