package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/demo"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/progress"
)

// simulator runs the local CCU simulator until the context ends (Ctrl-C).
func (e *env) simulator(ctx context.Context, args []string) error {
	f, err := ccusim.ParseFlags(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(e.stdout, ccusim.Usage)
		return err
	}
	if err == nil {
		err = f.ReadEnv(e.getenv)
	}
	if err != nil {
		return usageErr(err)
	}
	sim, edgerc, ca, err := startSimulator(f.Dir, f.Options(), f.Verbose, e)
	if err != nil {
		return err
	}
	defer sim.Close() // and the edge
	f.Apply(sim)
	fmt.Fprint(e.stdout, f.Banner(sim.URL(), edgerc, ca))
	edge, err := f.StartEdge(sim, ca)
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprint(e.stdout, edge, "Press Ctrl-C to stop.\n")
	<-ctx.Done()
	fmt.Fprintf(e.stdout, "Stopped after %d purge(s).\n", len(sim.Purges()))
	return nil
}

// startSimulator starts a simulator in dir (see ccusim.StartIn) with the
// --verbose log of simulatorLog.
func startSimulator(dir string, opts ccusim.Options, verbose bool, e *env) (*ccusim.Server, string, string, error) {
	opts.Logf = e.simulatorLog(verbose)
	return ccusim.StartIn(dir, opts)
}

// simulatorLog is the simulator's request log on stderr with --verbose
// (method, path, status: never credentials), else nil.
func (e *env) simulatorLog(verbose bool) func(format string, args ...any) {
	if !verbose {
		return nil
	}
	log := progress.New(e.stderr, false) // handlers log from their own goroutines: whole lines
	return func(format string, args ...any) { log.Line("simulator: "+format, args...) }
}

// demo plays the demo's script (see demo.Run) with this run's explain and
// purge; its own errors are the user's (exit 2, run's default).
func (e *env) demo(ctx context.Context, args []string) error {
	o := &options.Options{}
	if err := e.parse(e.flags("demo", o), args, o); err != nil {
		return err
	}
	do := demo.Commands{Explain: func(_ context.Context, a []string) error { return e.explain(a) }, Purge: e.purge}
	return demo.Run(ctx, demo.Options{Repo: o.Repo, Out: e.stdout, Verbose: o.Verbose, Logf: e.simulatorLog(o.Verbose)}, do)
}
