package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	fail      []int         // scripted statuses for the next purge POSTs, in order
	script    []string      // --script words, in order, for the startup text
	steps     []ccusim.Step // what script says, taken after fail's statuses
	refuse    []string      // objects answered with 403
	buckets   string        // real | unlimited
}

// simulatorUsage is the simulator's own help: the general help has no room for its fault flags.
const simulatorUsage = `Usage: ccu-purge simulator [--dir DIR] [--script LIST] [--fail LIST] [--refuse OBJECT]
                           [--latency D] [--buckets real|unlimited] [--v2-seconds N] [--verbose]

Runs a local HTTPS simulator of Akamai's Fast Purge (CCU v3) and CCU v2 APIs until Ctrl-C. It
writes DIR/.edgerc and DIR/ca.pem, checks every EdgeGrid signature, and misbehaves on demand so a
client can be tried against rate limits, slow answers, dropped connections and garbled bodies.

Flags:
  --dir DIR                 folder for the .edgerc and CA certificate (default "ccu-simulator")
  --script LIST             answer the next purge requests with these steps, in order (repeatable)
  --fail LIST               answer the next purge requests with these statuses, before --script's
  --refuse OBJECT           answer 403 "unauthorized arl" to purges naming OBJECT (repeatable or comma list)
  --latency D               add D to every request, e.g. 100ms
  --buckets real|unlimited  rate limits: Akamai's token buckets (the default) or none
  --v2-seconds N            seconds a CCU v2 purge stays In-Progress (default 420)
  --verbose                 log each request to stderr (method, path, status; never credentials)
  -h, --help                print this help

Script steps (--script, comma-separated; one per purge request):
  400-599            answer that status with a CCU problem body (429 with the rate fields)
  ok                 serve normally
  reset              read the request, then close the connection without an answer
  reset-before-body  close the connection before reading the request's body
  lost-201           process the purge, then close without an answer: the lost 201
  truncated          a 201 whose JSON body is cut in the middle
  malformed          a 201 whose body is not JSON
  html               a 502 HTML error page, as a proxy sends
  contradict         a 201 whose body says httpStatus 400
  hang               never answer
  delay=DURATION     wait DURATION (e.g. 2s), then serve normally

Examples:
  ccu-purge simulator --dir /tmp/sim --script 429,500,reset,ok
  ccu-purge simulator --latency 100ms --refuse https://www.example.com/private.html
`

// simulatorFlagSet registers the simulator's flags. It does not take the shared flags (--repo,
// --config, --edgerc…): the simulator reads no repository and no credentials.
func (e *env) simulatorFlagSet(f *simFlags, o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	// Run prints the error once with a hint; the flag package would print it again with its
	// own usage.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&o.verbose, "verbose", false, "log requests")
	fs.StringVar(&f.dir, "dir", "ccu-simulator", "folder for the simulator's .edgerc and CA certificate")
	fs.IntVar(&f.v2Seconds, "v2-seconds", ccusim.DefaultV2Seconds, "seconds a CCU v2 purge stays In-Progress")
	fs.DurationVar(&f.latency, "latency", 0, "delay added to every request, e.g. 100ms")
	fs.StringVar(&f.buckets, "buckets", "real", `rate limits: "real" (Akamai's token buckets) or "unlimited"`)
	fs.Func("fail", "answer the next purge POSTs with these statuses, e.g. 500,503 (repeatable)", f.addFail)
	fs.Func("script", "answer the next purge POSTs with these steps, e.g. 429,reset,ok (repeatable)", f.addScript)
	fs.Func("refuse", "answer 403 to purges naming OBJECT (repeatable or comma list)", f.addRefuse)
	return fs
}

// simulatorFlags parses the simulator's flags; -h prints its own usage, and errors point to it.
func (e *env) simulatorFlags(args []string) (*simFlags, *options, error) {
	o := &options{}
	f := &simFlags{}
	fs := e.simulatorFlagSet(f, o)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(e.stdout, simulatorUsage)
			return nil, nil, err
		}
		return nil, nil, usagef("simulator: %v (see 'ccu-purge simulator --help')", err)
	}
	if fs.NArg() > 0 {
		return nil, nil, usagef("unexpected argument %q: flags start with -- (see 'ccu-purge simulator --help')", fs.Arg(0))
	}
	if f.buckets != "real" && f.buckets != "unlimited" {
		return nil, nil, usagef("unknown --buckets %q; valid values are \"real\" and \"unlimited\"", f.buckets)
	}
	if f.latency < 0 {
		return nil, nil, usagef("--latency %v is negative; give a duration such as 100ms", f.latency)
	}
	return f, o, nil
}

// addScript takes a comma list of steps (see ccusim.ParseScript).
func (f *simFlags) addScript(list string) error {
	steps, err := ccusim.ParseScript(list)
	if err != nil {
		return err
	}
	for _, w := range strings.Split(list, ",") {
		f.script = append(f.script, strings.ToLower(strings.TrimSpace(w)))
	}
	f.steps = append(f.steps, steps...)
	return nil
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
	if f.v2Seconds <= 0 {
		opts.V2Seconds = -1 // Done at once (ccusim reads 0 as its default)
	}
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
	sim.Script(f.steps...)
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
	if f.v2Seconds > 0 {
		fmt.Fprintf(&b, "  CCU v2 purges: In-Progress for %d s, then Done\n", f.v2Seconds)
	} else {
		b.WriteString("  CCU v2 purges: Done at once\n")
	}
	if f.latency > 0 {
		fmt.Fprintf(&b, "  latency: %v added to every request\n", f.latency)
	}
	if len(f.fail) > 0 {
		fmt.Fprintf(&b, "  failures: the next %d purge request(s) answer %s, in order\n", len(f.fail), joinInts(f.fail))
	}
	if len(f.script) > 0 {
		after := ""
		if len(f.fail) > 0 {
			after = " after those"
		}
		fmt.Fprintf(&b, "  script: the next %d purge request(s)%s get %s, in order\n", len(f.script), after, strings.Join(f.script, ", "))
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
		// Handlers log from their own goroutines; stderr may be any io.Writer (a buffer in tests).
		var mu sync.Mutex
		opts.Logf = func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			fmt.Fprintf(e.stderr, "simulator: "+format+"\n", args...)
		}
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

// demoRepo is the example repository the demo runs on: without --repo a
// fresh one in tmp; with --repo DIR, DIR, built there first when it does
// not exist, so `make demo` needs no generator of its own (one compile on
// a fresh machine) and later runs reuse it.
func demoRepo(dir, tmp string, stdout io.Writer) (string, error) {
	if dir == "." {
		repo := filepath.Join(tmp, "demo-site.git")
		_, err := demo.Build(repo)
		return repo, err
	}
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return dir, nil // there (or unreadable: plan says why)
	}
	shas, err := demo.Build(dir)
	if err != nil {
		return "", fmt.Errorf("build the example repository in %q: %w", dir, err)
	}
	fmt.Fprintf(stdout, "built %s: v1 %s, v2 %s\n", dir, shas[0], shas[len(shas)-1])
	return dir, nil
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
	repo, err := demoRepo(o.repo, tmp, e.stdout)
	if err != nil {
		return err
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
