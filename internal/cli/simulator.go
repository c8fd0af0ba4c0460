package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/demo"
)

// simulator runs the local CCU simulator until the context ends (Ctrl-C).
func (e *env) simulator(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("simulator", o)
	dir := fs.String("dir", "ccu-simulator", "folder for the simulator's .edgerc and CA certificate")
	v2s := fs.Int("v2-seconds", 420, "seconds a CCU v2 purge stays In-Progress")
	if err := parse(fs, args, o); err != nil {
		return err
	}
	sim, edgerc, ca, err := startSimulator(*dir, *v2s, o.verbose, e)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(e.stdout, `CCU simulator (Fast Purge v3 and CCU v2) listening on %s
  credentials: %s (sections [ccu] and [default])
  CA certificate: %s
Point purge at it:
  SSL_CERT_FILE=%s ccu-purge purge --edgerc %s --from REV
or
  ccu-purge purge --edgerc %s --ca-cert %s --from REV
Press Ctrl-C to stop.
`, sim.URL(), edgerc, ca, ca, edgerc, edgerc, ca)
	<-ctx.Done()
	fmt.Fprintf(e.stdout, "Stopped after %d purge(s).\n", len(sim.Purges()))
	return nil
}

func startSimulator(dir string, v2Seconds int, verbose bool, e *env) (*ccusim.Server, string, string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", "", usagef("simulator folder: %w", err)
	}
	opts := ccusim.Options{V2Seconds: v2Seconds}
	if verbose {
		opts.Logf = func(format string, args ...any) { fmt.Fprintf(e.stderr, "simulator: "+format+"\n", args...) }
	}
	sim, err := ccusim.Start(opts)
	if err != nil {
		return nil, "", "", fmt.Errorf("start simulator: %w", err)
	}
	edgerc, ca, err := sim.WriteFiles(dir)
	if err != nil {
		sim.Close()
		return nil, "", "", fmt.Errorf("write simulator files: %w", err)
	}
	return sim, edgerc, ca, nil
}

// demo runs the main job on the bundled example: build the example
// repository, start the simulator in-process, then plan and purge v1..v2
// through the same code paths as a real run.
func (e *env) demo(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("demo", o)
	if err := parse(fs, args, o); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "ccu-purge-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	repo := o.repo
	if repo == "." {
		repo = filepath.Join(tmp, "demo-site.git")
		if _, err := demo.Build(repo); err != nil {
			return err
		}
	}
	sim, edgerc, ca, err := startSimulator(filepath.Join(tmp, "sim"), 420, o.verbose, e)
	if err != nil {
		return err
	}
	defer sim.Close()
	fmt.Fprintf(e.stdout, "== Demo: the example site %s, purged against the local CCU simulator at %s\n\n", repo, sim.URL())
	fmt.Fprintf(e.stdout, "$ ccu-purge plan --repo %s --from v1 --to v2\n", repo)
	if err := e.plan(ctx, []string{"--repo", repo, "--from", "v1", "--to", "v2"}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\n$ ccu-purge purge --repo %s --from v1 --to v2 --edgerc %s --ca-cert %s\n", repo, edgerc, ca)
	purgeArgs := []string{"--repo", repo, "--from", "v1", "--to", "v2", "--edgerc", edgerc, "--section", "ccu", "--ca-cert", ca}
	if o.verbose {
		purgeArgs = append(purgeArgs, "--verbose")
	}
	if err := e.purge(ctx, purgeArgs); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\nThe simulator accepted %d purge request(s):\n", len(sim.Purges()))
	for _, p := range sim.Purges() {
		fmt.Fprintf(e.stdout, "  purgeId %s: %s %s %s on %s, %d object(s)\n", p.PurgeID, p.API, p.Action, p.Type, p.Network, len(p.Objects))
	}
	return nil
}
