package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

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
	defer sim.Close()
	f.Apply(sim)
	fmt.Fprint(e.stdout, f.Banner(sim.URL(), edgerc, ca))
	if f.EdgeOrigin != "" {
		edge, err := sim.StartEdge(f.EdgeOptions())
		if err != nil {
			return usageErr(err)
		}
		defer edge.Close()
		f.ApplyEdge(edge)
		fmt.Fprint(e.stdout, f.EdgeBanner(edge, ca))
	}
	fmt.Fprintln(e.stdout, "Press Ctrl-C to stop.")
	<-ctx.Done()
	fmt.Fprintf(e.stdout, "Stopped after %d purge(s).\n", len(sim.Purges()))
	return nil
}

// startSimulator starts a simulator in dir (see ccusim.StartIn); verbose
// logs each request to stderr (method, path, status: never credentials).
func startSimulator(dir string, opts ccusim.Options, verbose bool, e *env) (*ccusim.Server, string, string, error) {
	if verbose {
		// Handlers log from their own goroutines: whole lines.
		log := progress.New(e.stderr, false)
		opts.Logf = func(format string, args ...any) { log.Line("simulator: "+format, args...) }
	}
	return ccusim.StartIn(dir, opts)
}

// demo runs the main job on the bundled example: build it, start the
// simulator in-process, show the config and what one changed file purges,
// then purge v1..v2 (its plan printed once) as a real run does.
func (e *env) demo(ctx context.Context, args []string) error {
	o := &options.Options{}
	fs := e.flags("demo", o)
	if err := e.parse(fs, args, o); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "ccu-purge-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	repo, shas, err := demo.Repo(o.Repo, tmp)
	if err != nil {
		return err
	}
	if len(shas) > 0 && repo == o.Repo {
		fmt.Fprintf(e.stdout, "built %s: v1 %s, v2 %s\n", repo, shas[0], shas[len(shas)-1])
	}
	sim, edgerc, ca, err := startSimulator(filepath.Join(tmp, "sim"), ccusim.Options{V2Seconds: ccusim.DefaultV2Seconds, V3Seconds: 1}, o.Verbose, e)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(e.stdout, "== Demo: the example site %s, purged against the local CCU simulator at %s\n\n", repo, sim.URL())
	cfg, err := demo.CommittedConfig(repo, "v2")
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(e.stdout, "$ git --git-dir %s show v2:%s\n%s\n", repo, demo.ConfigFile, cfg)
	fmt.Fprintf(e.stdout, "$ ccu-purge explain --repo %s %s\n", repo, demo.Explained)
	if err := e.explain([]string{"--repo", repo, demo.Explained}); err != nil {
		return err
	}
	origin := filepath.Join(tmp, "origin")
	edge, err := demo.StartEdge(ctx, sim, origin)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nThe simulated edge at %s (staging) has cached v1's %d URLs from its origin %s; v2 is deployed there now.\n", edge.Addr(), len(demo.URLs(1)), origin)
	purgeArgs := []string{"--repo", repo, "--from", "v1", "--to", "v2", "--edgerc", edgerc, "--section", "ccu", "--ca-cert", ca, "--verify", "--connect-to", demo.Host + ":" + edge.Addr()}
	if err := e.demoPurge(ctx, o, origin, purgeArgs); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nThe simulator accepted %d purge request(s):\n", len(sim.Purges()))
	for _, p := range sim.Purges() {
		fmt.Fprintf(e.stdout, "  purgeId %s: %s %s %s on %s, %d object(s)\n", p.PurgeID, p.API, p.Action, p.Type, p.Network, len(p.Objects))
	}
	return e.lostPurge(ctx, o, sim, filepath.Join(tmp, "origin2"), purgeArgs)
}

// lostPurge is the demo's second step: the same deploy on a fresh edge
// that never receives the purge, which the verification catches.
func (e *env) lostPurge(ctx context.Context, o *options.Options, sim *ccusim.Server, origin string, purgeArgs []string) error {
	edge, err := demo.StartEdge(ctx, sim, origin)
	if err != nil {
		return err
	}
	edge.Fault(ccusim.EdgeFault{LosePurges: 1})
	fmt.Fprintf(e.stdout, "\n== A lost purge: the same deploy again, on an edge at %s that never receives the purge\n", edge.Addr())
	purgeArgs[len(purgeArgs)-1] = demo.Host + ":" + edge.Addr()
	if err := e.demoPurge(ctx, o, origin, append(purgeArgs, "--verify-timeout", "3s", "--quiet")); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "\nThe purge was accepted, yet the edge still serves v1: the verification caught it. With --on-stale fail (verify.on_stale: fail) the job fails with exit 1.")
	return nil
}

// demoPurge deploys v2 to origin and runs purge with args, shown as typed.
func (e *env) demoPurge(ctx context.Context, o *options.Options, origin string, args []string) error {
	if err := demo.WriteSite(origin, 2); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n$ ccu-purge purge %s\n", strings.Join(args, " "))
	if o.Verbose {
		args = append(args, "--verbose")
	}
	return e.purge(ctx, args)
}
