package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Commands are the tool's own commands the demo runs in-process, as a
// user would type them: args are what follows the command's name. The
// demo only calls them, so it shows their real output without importing
// the client.
type Commands struct {
	Explain func(ctx context.Context, args []string) error
	Purge   func(ctx context.Context, args []string) error
}

// Options are what one run of the demo works with.
type Options struct {
	// Repo is the example repository (see Repo): "." builds a fresh one.
	Repo string
	// Out gets the demo's text between the commands' own output.
	Out io.Writer
	// Verbose adds --verbose to each purge without showing it, so the
	// commands shown stay the ones a reader would copy.
	Verbose bool
	// Logf is the simulator's request log; nil logs nothing.
	Logf func(format string, args ...any)
}

// script is one run of the demo: what it started, for the later steps.
type script struct {
	Options
	Commands
	tmp, repo  string
	sim        *ccusim.Server
	edgerc, ca string
}

// Run plays the demo in a temporary folder: the example repository, the
// simulator, the config and what one changed file purges, the purge of
// v1..v2 verified fresh on a warmed edge, what the simulator accepted,
// then the same deploy on an edge that loses the purge, which the
// verification catches. A command's error comes back as it is, so its
// exit code survives.
func Run(ctx context.Context, o Options, c Commands) error {
	tmp, err := os.MkdirTemp("", "ccu-purge-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	s := &script{Options: o, Commands: c, tmp: tmp}
	if err := s.start(); err != nil {
		return err
	}
	defer s.sim.Close() // and the edges it started
	if err := s.explain(ctx); err != nil {
		return err
	}
	args, err := s.purge(ctx)
	if err != nil {
		return err
	}
	s.accepted()
	return s.lostPurge(ctx, args)
}

// start builds the example where it is missing (saying so) and starts
// the simulator, with answers estimated at 1 s so the demo's wait is short.
func (s *script) start() error {
	repo, shas, err := Repo(s.Repo, s.tmp)
	if err != nil {
		return err
	}
	if len(shas) > 0 && repo == s.Repo {
		fmt.Fprintf(s.Out, "built %s: v1 %s, v2 %s\n", repo, shas[0], shas[len(shas)-1])
	}
	opts := ccusim.Options{V2Seconds: ccusim.DefaultV2Seconds, V3Seconds: 1, Logf: s.Logf}
	if s.sim, s.edgerc, s.ca, err = ccusim.StartIn(filepath.Join(s.tmp, "sim"), opts); err != nil {
		return err
	}
	s.repo = repo
	fmt.Fprintf(s.Out, "== Demo: the example site %s, purged against the local CCU simulator at %s\n\n", repo, s.sim.URL())
	return nil
}

// explain shows the config as committed (a --repo built earlier may hold
// another than Config) and what one changed file purges.
func (s *script) explain(ctx context.Context) error {
	cfg, err := CommittedConfig(s.repo, "v2")
	if err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "$ git --git-dir %s show v2:%s\n%s\n", s.repo, ConfigFile, cfg)
	fmt.Fprintf(s.Out, "$ ccu-purge explain --repo %s %s\n", s.repo, Explained)
	return s.Explain(ctx, []string{"--repo", s.repo, Explained})
}

// purge deploys v2 behind an edge warmed with v1 and purges v1..v2 with
// --verify, which finds every sampled URL fresh. It returns the purge's
// arguments for the lost purge to repeat.
func (s *script) purge(ctx context.Context) ([]string, error) {
	origin := filepath.Join(s.tmp, "origin")
	edge, err := StartEdge(ctx, s.sim, origin)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(s.Out, "\nThe simulated edge at %s (staging) has cached v1's %d URLs from its origin %s; v2 is deployed there now.\n", edge.Addr(), len(URLs(1)), origin)
	args := []string{"--repo", s.repo, "--from", "v1", "--to", "v2", "--edgerc", s.edgerc, "--section", "ccu",
		"--ca-cert", s.ca, "--verify", "--connect-to", Host + ":" + edge.Addr()}
	return args, s.deployAndPurge(ctx, origin, args)
}

// accepted lists the purges the simulator accepted, as its side saw them.
func (s *script) accepted() {
	fmt.Fprintf(s.Out, "\nThe simulator accepted %d purge request(s):\n", len(s.sim.Purges()))
	for _, p := range s.sim.Purges() {
		fmt.Fprintf(s.Out, "  purgeId %s: %s %s %s on %s, %d object(s)\n", p.PurgeID, p.API, p.Action, p.Type, p.Network, len(p.Objects))
	}
}

// lostPurge is the same deploy on a fresh edge that never receives the
// purge, which the verification catches; args are the first purge's.
func (s *script) lostPurge(ctx context.Context, args []string) error {
	origin := filepath.Join(s.tmp, "origin2")
	edge, err := StartEdge(ctx, s.sim, origin)
	if err != nil {
		return err
	}
	edge.Fault(ccusim.EdgeFault{LosePurges: 1})
	fmt.Fprintf(s.Out, "\n== A lost purge: the same deploy again, on an edge at %s that never receives the purge\n", edge.Addr())
	args[len(args)-1] = Host + ":" + edge.Addr() // --connect-to's value
	// A short wait: the verification need not wait for a purge that never comes.
	if err := s.deployAndPurge(ctx, origin, append(args, "--verify-timeout", "3s", "--quiet")); err != nil {
		return err
	}
	fmt.Fprintln(s.Out, "\nThe purge was accepted, yet the edge still serves v1: the verification caught it. With --on-stale fail (verify.on_stale: fail) the job fails with exit 1.")
	return nil
}

// deployAndPurge deploys v2 to origin and runs purge with args, shown as typed.
func (s *script) deployAndPurge(ctx context.Context, origin string, args []string) error {
	if err := WriteSite(origin, 2); err != nil {
		return err
	}
	fmt.Fprintf(s.Out, "\n$ ccu-purge purge %s\n", strings.Join(args, " "))
	if s.Verbose {
		args = append(args, "--verbose")
	}
	return s.Purge(ctx, args)
}
