// Command ccu-purge purges from Akamai's edge cache exactly what a
// static-site deploy changed. main only connects the process to cli.Run
// (arguments, environment, stdout, stderr, signals, memory settings);
// docs/architecture.md shows where everything else lives.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"

	"github.com/ccu-purge/ccu-purge/internal/cli"
)

func main() {
	tuneGC()
	ignoreSignals()
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// tuneGC trades memory for time in a short-lived process: a run lasts a
// fraction of a second and builds its plan once, so collecting when the
// heap has grown 4× instead of 1× (GOGC=400) skips most collections (a
// tenth of a 10,000-file plan's CPU time, docs/benchmarks.md). The soft
// limit brings the default back when the heap nears 512 MiB, so a huge
// site does not hold 4× its live data. GOGC and GOMEMLIMIT still win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(512 << 20)
	}
}
