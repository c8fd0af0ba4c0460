//go:build unix

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// stopSignals end a run the way Ctrl-C does: nothing new is sent, the
// request in flight finishes, and the report and exit code say what was
// purged. SIGHUP is among them because a closed terminal or SSH session
// sends it, and dying at once would leave accepted purges unreported.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// ignoreSignals ignores SIGPIPE: a reader of stdout that went away
// (ccu-purge purge | head) must not kill a run half-way. Go's runtime
// dies of SIGPIPE on a write to a closed fd 1 or 2 unless it is ignored;
// ignored, the write fails with EPIPE, which the CLI never treats as fatal.
func ignoreSignals() { signal.Ignore(syscall.SIGPIPE) }
