package ccusim

import (
	"encoding/hex"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// edgeFaultNames are the --edge-fault kinds, for "did you mean".
var edgeFaultNames = []string{"lost-purge", "slow", "origin-lag"}

// edgeFlags registers the edge's flags and --estimated-seconds.
func edgeFlags(fs *flag.FlagSet, f *Flags) {
	fs.IntVar(&f.EstimatedSeconds, "estimated-seconds", DefaultV3Seconds, "the estimatedSeconds of Fast Purge answers")
	fs.StringVar(&f.EdgeOrigin, "edge-origin", "", "run the edge in front of this origin: a folder or an http(s):// URL")
	fs.Func("edge-host", "a site hostname the edge answers (repeatable or comma list)", f.addEdgeHost)
	fs.StringVar(&f.EdgeNetwork, "edge-network", "production", `the edge's network: "production" or "staging"`)
	fs.Int64Var(&f.EdgeCPCode, "edge-cpcode", DefaultEdgeCPCode, "the CP code of every edge object")
	fs.DurationVar(&f.EdgeLatency, "edge-latency", 0, "delay added to every edge answer, e.g. 50ms")
	fs.Func("edge-fault", "lost-purge[:N], slow:DURATION or origin-lag:DURATION (repeatable)", f.addEdgeFault)
}

func (f *Flags) addEdgeHost(list string) error {
	for _, h := range strings.Split(list, ",") {
		if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
			f.EdgeHosts = append(f.EdgeHosts, h)
		}
	}
	return nil
}

// addEdgeFault takes one fault or a comma list of them.
func (f *Flags) addEdgeFault(list string) error {
	for _, w := range strings.Split(list, ",") {
		w = strings.ToLower(strings.TrimSpace(w))
		if err := parseEdgeFault(w, &f.EdgeFault); err != nil {
			return err
		}
		f.EdgeFaults = append(f.EdgeFaults, w)
	}
	return nil
}

// parseEdgeFault adds one lost-purge[:N], slow:DURATION or origin-lag:DURATION to ef.
func parseEdgeFault(word string, ef *EdgeFault) error {
	kind, arg, hasArg := strings.Cut(word, ":")
	switch kind {
	case "lost-purge":
		n := 1
		if hasArg {
			var err error
			if n, err = strconv.Atoi(arg); err != nil || n < 1 {
				return fmt.Errorf("edge fault %q: give a whole number of purges to lose, e.g. lost-purge:2", word)
			}
		}
		ef.LosePurges += n
		return nil
	case "slow", "origin-lag":
		d, err := time.ParseDuration(arg)
		if !hasArg || err != nil || d <= 0 {
			return fmt.Errorf("edge fault %q: give a positive duration with its unit, e.g. %s:10s", word, kind)
		}
		if kind == "slow" {
			ef.Propagation = d
		} else {
			ef.OriginLag = d
		}
		return nil
	}
	return fmt.Errorf("unknown edge fault %q;%s valid faults are lost-purge[:N], slow:DURATION and origin-lag:DURATION", word, suggest.Hint(kind, edgeFaultNames))
}

// checkEdge validates the edge's values; set names the flags given.
func (f *Flags) checkEdge(set map[string]bool) error {
	if f.EdgeOrigin == "" {
		for _, name := range []string{"edge-host", "edge-network", "edge-cpcode", "edge-latency", "edge-fault"} {
			if set[name] {
				return fmt.Errorf("--%s needs --edge-origin DIR|URL: the edge runs only in front of an origin", name)
			}
		}
	}
	networks := []string{"production", "staging"}
	if f.EdgeNetwork != "production" && f.EdgeNetwork != "staging" {
		return fmt.Errorf("unknown --edge-network %q;%s valid values are \"production\" and \"staging\"", f.EdgeNetwork, suggest.Hint(f.EdgeNetwork, networks))
	}
	switch {
	case f.EdgeCPCode <= 0:
		return fmt.Errorf("--edge-cpcode %d: give a positive CP code, e.g. 424242", f.EdgeCPCode)
	case f.EdgeLatency < 0:
		return fmt.Errorf("--edge-latency %v is negative; give a duration such as 50ms", f.EdgeLatency)
	case f.EstimatedSeconds < 0:
		return fmt.Errorf("--estimated-seconds %d is negative; give a whole number of seconds, e.g. 5", f.EstimatedSeconds)
	}
	return nil
}

// ReadEnv takes the edge's Enhanced Debug key from CCUSIM_DEBUG_KEY (hex) through getenv, as the
// tool reads no environment itself. An error never quotes the key.
func (f *Flags) ReadEnv(getenv func(string) string) error {
	v := strings.TrimSpace(getenv(DebugKeyVar))
	if v == "" {
		return nil
	}
	key, err := hex.DecodeString(v)
	if err != nil {
		return fmt.Errorf("%s is not hex (%d characters); give the Enhanced Debug key as hex digits, as Property Manager shows it", DebugKeyVar, len(v))
	}
	f.DebugKey = key
	return nil
}

// EdgeOptions turns the flags into the edge's options (nil RootCAs: system roots for a URL origin).
func (f *Flags) EdgeOptions() EdgeOptions {
	return EdgeOptions{
		Origin: f.EdgeOrigin, Hosts: f.EdgeHosts, Network: f.EdgeNetwork, CPCode: f.EdgeCPCode,
		DebugKey: f.DebugKey, Latency: f.EdgeLatency,
	}
}

// ApplyEdge arms the edge faults the flags set on a running edge.
func (f *Flags) ApplyEdge(e *Edge) { e.Fault(f.EdgeFault) }

// StartEdge starts the edge the flags ask for in front of sim, armed with
// their --edge-fault, and returns its EdgeBanner (ca is the CA
// certificate's path it names); without --edge-origin it starts nothing
// and returns "". Closing sim stops the edge.
func (f *Flags) StartEdge(sim *Server, ca string) (string, error) {
	if f.EdgeOrigin == "" {
		return "", nil
	}
	edge, err := sim.StartEdge(f.EdgeOptions())
	if err != nil {
		return "", err
	}
	f.ApplyEdge(edge)
	return f.EdgeBanner(edge, ca), nil
}

// describeEdge says what the edge will do, one line each, or nothing when it is off. It never
// shows the debug key, only where it came from.
func (f *Flags) describeEdge() string {
	if f.EdgeOrigin == "" {
		return ""
	}
	var b strings.Builder
	hosts := "any host"
	if len(f.EdgeHosts) > 0 {
		hosts = strings.Join(f.EdgeHosts, ", ")
	}
	fmt.Fprintf(&b, "  edge: serves %s from origin %s, network %s, CP code %d\n", hosts, f.EdgeOrigin, f.EdgeNetwork, f.EdgeCPCode)
	if f.DebugKey != nil {
		fmt.Fprintf(&b, "  edge debug: Enhanced Debug tokens signed with the key in %s (Pragma ignored)\n", DebugKeyVar)
	} else {
		b.WriteString("  edge debug: Pragma akamai-x-cache-on, akamai-x-get-cache-key, akamai-x-get-request-id\n")
	}
	if f.EdgeLatency > 0 {
		fmt.Fprintf(&b, "  edge latency: %v added to every edge answer\n", f.EdgeLatency)
	}
	if len(f.EdgeFaults) > 0 {
		fmt.Fprintf(&b, "  edge faults: %s\n", strings.Join(f.EdgeFaults, ", "))
	}
	return b.String()
}

// EdgeBanner is what the simulator command prints once the edge listens: where, and the exact
// --connect-to that reaches it with the site's name kept as SNI and Host.
func (f *Flags) EdgeBanner(e *Edge, ca string) string {
	hosts := f.EdgeHosts
	if len(hosts) == 0 {
		hosts = []string{"SITE"} // any name is served
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Edge listening on %s; the origin as the edge sees it: %s\nReach the site through it (certificates from %s):\n", e.Addr(), e.OriginURL(), ca)
	port := e.Addr()[strings.LastIndex(e.Addr(), ":")+1:]
	for _, h := range hosts {
		fmt.Fprintf(&b, "  --connect-to %s:127.0.0.1:%s\n", h, port)
	}
	fmt.Fprintf(&b, "  curl --connect-to %s:443:127.0.0.1:%s --cacert %s https://%s/\n", hosts[0], port, ca, hosts[0])
	return b.String()
}
