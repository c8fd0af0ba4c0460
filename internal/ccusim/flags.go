package ccusim

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Flags are the simulator command's own flags: how the local service should misbehave, so a
// client (ours or anyone's) can be tried against rate limits, slow answers and failures.
type Flags struct {
	Dir       string
	V2Seconds int
	Latency   time.Duration
	Fail      []int    // scripted statuses for the next purge POSTs, in order
	Script    []string // --script words, in order, for the startup text
	Steps     []Step   // what Script says, taken after Fail's statuses
	Refuse    []string // objects answered with 403
	Buckets   string   // real | unlimited
	Verbose   bool     // log each request

	EstimatedSeconds int // Fast Purge estimatedSeconds (Options.V3Seconds)

	// The edge, on when EdgeOrigin is set (see EdgeOptions).
	EdgeOrigin  string
	EdgeHosts   []string
	EdgeNetwork string
	EdgeCPCode  int64
	EdgeLatency time.Duration
	EdgeFaults  []string  // --edge-fault words, in order, for the startup text
	EdgeFault   EdgeFault // what EdgeFaults say
	// DebugKey is the Enhanced Debug key from CCUSIM_DEBUG_KEY (ReadEnv): flags would put it in
	// the process list and shell history. Never printed.
	DebugKey []byte
}

// DebugKeyVar names the environment variable that holds the edge's Enhanced Debug key, in hex.
const DebugKeyVar = "CCUSIM_DEBUG_KEY"

// Usage is the simulator's own help: the general help has no room for its fault flags.
const Usage = `Usage: ccu-purge simulator [--dir DIR] [--script LIST] [--fail LIST] [--refuse OBJECT]
                           [--latency D] [--buckets real|unlimited] [--v2-seconds N] [--verbose]
                           [--estimated-seconds N] [--edge-origin DIR|URL [--edge-host H]
                           [--edge-network N] [--edge-cpcode N] [--edge-latency D] [--edge-fault F]]

Runs a local HTTPS simulator of Akamai's Fast Purge (CCU v3) and CCU v2 APIs until Ctrl-C. It
writes DIR/.edgerc and DIR/ca.pem, checks every EdgeGrid signature, and misbehaves on demand so a
client can be tried against rate limits, slow answers, dropped connections and garbled bodies.

With --edge-origin it also runs an HTTPS edge for the site: it caches what the origin (a folder
or an http(s):// URL) serves and keeps serving the cached copy until a purge of its URL, CP code
or tag is accepted and its estimatedSeconds have passed. delete refetches; invalidate revalidates
with If-Modified-Since, so bytes changed under an unchanged Last-Modified stay stale, as on
Akamai. Reach it with --connect-to SITE:127.0.0.1:PORT (the startup text says the port). It
answers Pragma debug headers, or, when CCUSIM_DEBUG_KEY holds an Enhanced Debug key (hex), only
Akamai-Debug tokens signed with it.

Flags:
  --dir DIR                 folder for the .edgerc and CA certificate (default "ccu-simulator")
  --script LIST             answer the next purge requests with these steps, in order (repeatable)
  --fail LIST               answer the next purge requests with these statuses, before --script's
  --refuse OBJECT           answer 403 "unauthorized arl" to purges naming OBJECT (repeatable or comma list)
  --latency D               add D to every request, e.g. 100ms
  --buckets real|unlimited  rate limits: Akamai's token buckets (the default) or none
  --v2-seconds N            seconds a CCU v2 purge stays In-Progress (default 420)
  --verbose                 log each request to stderr (method, path, status; never credentials)
  --estimated-seconds N     the estimatedSeconds of Fast Purge answers, after which the edge applies a purge (default 5)
  --edge-origin DIR|URL     run the edge in front of this origin: the site's folder or an http(s):// URL
  --edge-host H             a site hostname the edge answers (repeatable or comma list; default any)
  --edge-network N          the edge's network: production (default) or staging
  --edge-cpcode N           the CP code of every edge object (default 424242)
  --edge-latency D          add D to every edge answer, e.g. 50ms
  --edge-fault F            lost-purge[:N], slow:DURATION or origin-lag:DURATION (repeatable)
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

Edge faults (--edge-fault):
  lost-purge[:N]       the next N (default 1) accepted purges never reach the edge
  slow:DURATION        purges take DURATION longer than estimatedSeconds to apply
  origin-lag:DURATION  the origin serves a file's previous version for DURATION after it changed

Examples:
  ccu-purge simulator --dir /tmp/sim --script 429,500,reset,ok
  ccu-purge simulator --edge-origin public --edge-host www.example.com --edge-fault lost-purge
  ccu-purge simulator --latency 100ms --refuse https://www.example.com/private.html
`

// FlagSet registers the simulator's flags into f. It does not take the tool's shared flags
// (--repo, --config, --edgerc…): the simulator reads no repository and no credentials.
func FlagSet(f *Flags) *flag.FlagSet {
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	// Run prints the error once with a hint; the flag package would print it again with its
	// own usage.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	fs.BoolVar(&f.Verbose, "verbose", false, "log requests")
	fs.StringVar(&f.Dir, "dir", "ccu-simulator", "folder for the simulator's .edgerc and CA certificate")
	fs.IntVar(&f.V2Seconds, "v2-seconds", DefaultV2Seconds, "seconds a CCU v2 purge stays In-Progress")
	fs.DurationVar(&f.Latency, "latency", 0, "delay added to every request, e.g. 100ms")
	fs.StringVar(&f.Buckets, "buckets", "real", `rate limits: "real" (Akamai's token buckets) or "unlimited"`)
	fs.Func("fail", "answer the next purge POSTs with these statuses, e.g. 500,503 (repeatable)", f.addFail)
	fs.Func("script", "answer the next purge POSTs with these steps, e.g. 429,reset,ok (repeatable)", f.addScript)
	fs.Func("refuse", "answer 403 to purges naming OBJECT (repeatable or comma list)", f.addRefuse)
	edgeFlags(fs, f)
	return fs
}

// flagHint suggests the simulator's flag nearest to name, or says none.
func flagHint(fs *flag.FlagSet, name string) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	if s, ok := suggest.Nearest(name, names); ok {
		return "; did you mean --" + s + "?"
	}
	return ""
}

// ParseFlags parses the simulator command's arguments. It returns flag.ErrHelp for -h (the
// caller prints Usage), and errors that point to the simulator's own help.
func ParseFlags(args []string) (*Flags, error) {
	f := &Flags{}
	fs := FlagSet(f)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, err
		}
		// In the tool's --flag spelling, as ccu-purge's own commands say it.
		if name, ok := strings.CutPrefix(err.Error(), "flag provided but not defined: "); ok {
			name = strings.TrimLeft(name, "-")
			return nil, fmt.Errorf("unknown flag --%s for simulator%s (see 'ccu-purge simulator --help')", name, flagHint(fs, name))
		}
		return nil, fmt.Errorf("simulator: %w (see 'ccu-purge simulator --help')", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q: flags start with -- (see 'ccu-purge simulator --help')", fs.Arg(0))
	}
	if f.Buckets != "real" && f.Buckets != "unlimited" {
		return nil, fmt.Errorf("unknown --buckets %q;%s valid values are \"real\" and \"unlimited\"", f.Buckets, suggest.Hint(f.Buckets, []string{"real", "unlimited"}))
	}
	if f.Latency < 0 {
		return nil, fmt.Errorf("--latency %v is negative; give a duration such as 100ms", f.Latency)
	}
	set := map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	if err := f.checkEdge(set); err != nil {
		return nil, err
	}
	return f, nil
}

// addScript takes a comma list of steps (see ParseScript).
func (f *Flags) addScript(list string) error {
	steps, err := ParseScript(list)
	if err != nil {
		return err
	}
	for _, w := range strings.Split(list, ",") {
		f.Script = append(f.Script, strings.ToLower(strings.TrimSpace(w)))
	}
	f.Steps = append(f.Steps, steps...)
	return nil
}

// addFail takes a comma list of HTTP error statuses.
func (f *Flags) addFail(list string) error {
	for _, s := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 400 || n > 599 {
			return fmt.Errorf("%q is not an HTTP error status; valid statuses are 400 to 599", s)
		}
		f.Fail = append(f.Fail, n)
	}
	return nil
}

// addRefuse takes one object or a comma list (so a URL containing a comma cannot be refused).
func (f *Flags) addRefuse(list string) error {
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s != "" {
			f.Refuse = append(f.Refuse, s)
		}
	}
	return nil
}

// Options turns the flags into simulator options.
func (f *Flags) Options() Options {
	opts := Options{V2Seconds: f.V2Seconds, V3Seconds: f.EstimatedSeconds}
	if f.V2Seconds <= 0 {
		opts.V2Seconds = -1 // Done at once (ccusim reads 0 as its default)
	}
	if f.EstimatedSeconds <= 0 {
		opts.V3Seconds = -1 // likewise: 0 s
	}
	if f.Buckets == "unlimited" {
		b := Unlimited()
		opts.Buckets = &b
	}
	return opts
}

// Apply arms the faults the flags set on a running simulator.
func (f *Flags) Apply(sim *Server) {
	sim.SetLatency(f.Latency)
	for _, status := range f.Fail {
		sim.Script(Step{Status: status})
	}
	sim.Script(f.Steps...)
	sim.Refuse(f.Refuse...)
}

// Describe says, one line each, what the flags make the simulator do.
func (f *Flags) Describe() string {
	var b strings.Builder
	if f.Buckets == "unlimited" {
		b.WriteString("  rate limits: none (--buckets unlimited)\n")
	} else {
		b.WriteString("  rate limits: Akamai's token buckets: requests 100 @ 50/s, URLs 10,000 @ 200/s,\n" +
			"    CP codes 300 @ 30/min, tags 5,000 @ 500/min (429 when exhausted)\n")
	}
	if f.V2Seconds > 0 {
		fmt.Fprintf(&b, "  CCU v2 purges: In-Progress for %d s, then Done\n", f.V2Seconds)
	} else {
		b.WriteString("  CCU v2 purges: Done at once\n")
	}
	if f.Latency > 0 {
		fmt.Fprintf(&b, "  latency: %v added to every request\n", f.Latency)
	}
	if len(f.Fail) > 0 {
		fmt.Fprintf(&b, "  failures: the next %d purge request(s) answer %s, in order\n", len(f.Fail), joinInts(f.Fail))
	}
	if len(f.Script) > 0 {
		after := ""
		if len(f.Fail) > 0 {
			after = " after those"
		}
		fmt.Fprintf(&b, "  script: the next %d purge request(s)%s get %s, in order\n", len(f.Script), after, strings.Join(f.Script, ", "))
	}
	if len(f.Refuse) > 0 {
		fmt.Fprintf(&b, "  refused (403 unauthorized): %q\n", f.Refuse)
	}
	fmt.Fprintf(&b, "  Fast Purge answers: estimatedSeconds %d\n", max(f.EstimatedSeconds, 0))
	b.WriteString(f.describeEdge())
	return b.String()
}

func joinInts(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ", ")
}

// Banner is what the simulator command prints once it listens at url,
// with its .edgerc and CA certificate written: what the flags make it do,
// and how to point purge at it. The command adds EdgeBanner when the edge runs.
func (f *Flags) Banner(url, edgerc, ca string) string {
	return fmt.Sprintf(`CCU simulator (Fast Purge v3 and CCU v2) listening on %s
  credentials: %s (sections [ccu] and [default])
  CA certificate: %s
%sPoint purge at it:
  SSL_CERT_FILE=%s ccu-purge purge --edgerc %s --from REV
or
  ccu-purge purge --edgerc %s --ca-cert %s --from REV
`, url, edgerc, ca, f.Describe(), ca, edgerc, edgerc, ca)
}
