package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/demo"
)

// simFlags are the simulator command's own flags: how the local service should misbehave, so a
// client (ours or anyone's) can be tried against rate limits, slow answers and failures.
type simFlags struct {
	dir       string
	v2Seconds int
	latency   time.Duration
	fail      []int    // scripted statuses for the next purge POSTs, in order
	refuse    []string // objects answered with 403
	buckets   string   // real | unlimited
}

// simulatorFlags parses the shared flags plus the simulator's own.
func (e *env) simulatorFlags(args []string) (*simFlags, *options, error) {
	o := &options{}
	f := &simFlags{}
	fs := e.flags("simulator", o)
	fs.StringVar(&f.dir, "dir", "ccu-simulator", "folder for the simulator's .edgerc and CA certificate")
	fs.IntVar(&f.v2Seconds, "v2-seconds", ccusim.DefaultV2Seconds, "seconds a CCU v2 purge stays In-Progress")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every request, e.g. 100ms")
	fs.StringVar(&f.buckets, "buckets", "real", `rate limits: "real" (Akamai's token buckets) or "unlimited"`)
	fs.Func("fail", "answer the next purge POSTs with these statuses, e.g. 500,503 (repeatable)", f.addFail)
	fs.Func("refuse", "answer 403 to purges naming OBJECT (repeatable or comma list)", f.addRefuse)
	if err := parse(fs, args, o); err != nil {
		return nil, nil, err
	}
	if f.buckets != "real" && f.buckets != "unlimited" {
		return nil, nil, usagef("unknown --buckets %q; valid values are \"real\" and \"unlimited\"", f.buckets)
	}
	if f.latency < 0 {
		return nil, nil, usagef("--latency %v is negative; give a duration such as 100ms", f.latency)
	}
	return f, o, nil
}

// addFail takes a comma list of HTTP error statuses.
func (f *simFlags) addFail(list string) error {
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 400 || n > 599 {
			return fmt.Errorf("%q is not an HTTP error status; valid statuses are 400 to 599", s)
		}
		f.fail = append(f.fail, n)
	}
	return nil
}

// addRefuse takes one object or a comma list (so a URL containing a comma cannot be refused).
func (f *simFlags) addRefuse(list string) error {
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.refuse = append(f.refuse, s)
		}
	}
	return nil
}

// options turns the flags into simulator options.
func (f *simFlags) options() ccusim.Options {
	opts := ccusim.Options{V2Seconds: f.v2Seconds}
	if f.buckets == "unlimited" {
		b := ccusim.Unlimited()
		opts.Buckets = &b
	}
	return opts
}

// apply arms the faults that are set on a running simulator.
func (f *simFlags) apply(sim *ccusim.Server) {
	sim.SetLatency(f.latency)
	for _, status := range f.fail {
		sim.Script(ccusim.Step{Status: status})
	}
	sim.Refuse(f.refuse...)
}

// describe says, one line each, what the flags make the simulator do.
func (f *simFlags) describe() string {
	var b strings.Builder
	if f.buckets == "unlimited" {
		b.WriteString("  rate limits: none (--buckets unlimited)\n")
	} else {
		b.WriteString("  rate limits: Akamai's token buckets: requests 100 @ 50/s, URLs 10,000 @ 200/s,\n" +
			"    CP codes 300 @ 30/min, tags 5,000 @ 500/min (429 when exhausted)\n")
	}
	fmt.Fprintf(&b, "  CCU v2 purges: In-Progress for %d s, then Done\n", f.v2Seconds)
	if f.latency > 0 {
		fmt.Fprintf(&b, "  latency: %v added to every request\n", f.latency)
	}
	if len(f.fail) > 0 {
		fmt.Fprintf(&b, "  failures: the next %d purge request(s) answer %s, in order\n", len(f.fail), joinInts(f.fail))
	}
	if len(f.refuse) > 0 {
		fmt.Fprintf(&b, "  refused (403 unauthorized): %q\n", f.refuse)
	}
	return b.String()
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// simulator runs the local CCU simulator until the context ends (Ctrl-C).
func (e *env) simulator(ctx context.Context, args []string) error {
	f, o, err := e.simulatorFlags(args)
	if err != nil {
		return err
	}
	sim, edgerc, ca, err := startSimulator(f.dir, f.options(), o.verbose, e)
	if err != nil {
		return err
	}
	defer sim.Close()
	f.apply(sim)
	fmt.Fprintf(e.stdout, `CCU simulator (Fast Purge v3 and CCU v2) listening on %s
  credentials: %s (sections [ccu] and [default])
  CA certificate: %s
%sPoint purge at it:
  SSL_CERT_FILE=%s ccu-purge purge --edgerc %s --from REV
or
  ccu-purge purge --edgerc %s --ca-cert %s --from REV
Press Ctrl-C to stop.
`, sim.URL(), edgerc, ca, f.describe(), ca, edgerc, edgerc, ca)
	<-ctx.Done()
	fmt.Fprintf(e.stdout, "Stopped after %d purge(s).\n", len(sim.Purges()))
	return nil
}

// startSimulator starts a simulator with opts and writes its .edgerc and CA certificate to dir;
// verbose logs each request to stderr (method, path, status: never credentials).
func startSimulator(dir string, opts ccusim.Options, verbose bool, e *env) (*ccusim.Server, string, string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", "", usagef("simulator folder: %w", err)
	}
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
	sim, edgerc, ca, err := startSimulator(filepath.Join(tmp, "sim"), ccusim.Options{V2Seconds: ccusim.DefaultV2Seconds}, o.verbose, e)
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
