package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/options"
)

// The command prints what its flags do, and stops when the context ends.
func TestSimulatorStartupText(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the command starts, prints, sees Ctrl-C and stops
	var out, errb bytes.Buffer
	code := Run(ctx, []string{"simulator", "--dir", dir, "--latency", "100ms", "--fail", "500,503",
		"--refuse", "https://e.com/x", "--buckets", "unlimited", "--v2-seconds", "5"},
		func(string) string { return "" }, &out, &errb)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{
		"rate limits: none (--buckets unlimited)",
		"CCU v2 purges: In-Progress for 5 s",
		"latency: 100ms added to every request",
		"failures: the next 2 purge request(s) answer 500, 503, in order",
		`refused (403 unauthorized): ["https://e.com/x"]`,
		"Stopped after 0 purge(s).",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".edgerc")); err != nil {
		t.Errorf("no .edgerc written: %v", err)
	}
}

// The scripted failures of --fail reach a real client: the first purge POST answers 500.
func TestSimulatorFailFlagApplied(t *testing.T) {
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
	f, err := ccusim.ParseFlags([]string{"--fail", "500", "--verbose"})
	if err != nil {
		t.Fatal(err)
	}
	sim, edgerc, ca, err := startSimulator(t.TempDir(), f.Options(), f.Verbose, e)
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	f.Apply(sim)
	dir, _ := site(t, siteConfig, nil)
	run(t, "purge", "--repo", dir, "--from", "v1", "--edgerc", edgerc, "--ca-cert", ca)
	served := sim.Served()
	if len(served) == 0 || served[0].Status != 500 || !served[0].Scripted {
		t.Fatalf("first purge POST was not the scripted 500: %+v", served)
	}
	if !strings.Contains(errb.String(), "simulator: POST /ccu/v3/") || strings.Contains(errb.String(), sim.Credential().ClientSecret) {
		t.Errorf("verbose log should name requests and never secrets:\n%s", errb.String())
	}
}

// `simulator -h` prints the simulator's own usage, one line per flag and per script step, and
// exits 0: the general help does not list its fault flags.
func TestSimulatorHelp(t *testing.T) {
	var names []string
	ccusim.FlagSet(&ccusim.Flags{}).VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	for _, arg := range []string{"-h", "--help", "-help"} {
		t.Run(arg, func(t *testing.T) {
			r := run(t, "simulator", arg)
			if r.code != ExitOK || r.stderr != "" {
				t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
			}
			if strings.Contains(r.stdout, options.Overview()) || !strings.HasPrefix(r.stdout, "Usage: ccu-purge simulator") {
				t.Errorf("not the simulator's own usage:\n%s", r.stdout)
			}
			lines := strings.Split(r.stdout, "\n")
			for _, name := range names {
				if n := countPrefix(lines, "  --"+name+" "); n != 1 {
					t.Errorf("flag --%s has %d help lines, want 1", name, n)
				}
			}
			for _, word := range ccusim.ScriptWords() {
				if n := countPrefix(lines, "  "+word+" "); n != 1 {
					t.Errorf("script step %q has %d help lines, want 1", word, n)
				}
			}
			for _, form := range []string{"  400-599 ", "  delay=DURATION "} {
				if countPrefix(lines, form) != 1 {
					t.Errorf("help lacks a line for %q", form)
				}
			}
		})
	}
}

func countPrefix(lines []string, prefix string) int {
	n := 0
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			n++
		}
	}
	return n
}

// lockedBuffer is an output the simulator command writes from its goroutines while the test
// reads it; ready is closed once the startup text is complete.
type lockedBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	ready chan struct{}
	once  sync.Once
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{ready: make(chan struct{})} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n, err := l.b.Write(p)
	if strings.Contains(l.b.String(), "Press Ctrl-C to stop.") {
		l.once.Do(func() { close(l.ready) })
	}
	return n, err
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The --script faults reach a real purge: the simulator command is started as a user would
// start it, and the purge sees each scripted answer in order (the simulator's --verbose log
// says which), retrying what may pass and stopping at what confirms nothing.
func TestSimulatorScriptFlag(t *testing.T) {
	tests := []struct {
		name     string
		script   string
		wantCode int
		wantLog  []string // the simulator's log lines for purge POSTs, in order
		wantErr  string   // fragment of purge's error; "" = success
		purges   int      // what the simulator says it accepted when stopped
	}{
		{"retried faults, then served", "429,500,reset,reset-before-body,html,ok", ExitOK, []string{
			"429 (scripted)", "500 (scripted)", "no answer: reset (scripted)", "no answer: reset before body (scripted)",
			"502 (scripted)", "201 (scripted)"}, "", 1},
		{"a contradicting 201 is not retried", "contradict", ExitFailed, []string{"201 (scripted)"}, "purge failed", 0},
		{"a truncated 201 is not retried", "truncated", ExitFailed, []string{"201 (scripted)"}, "purge failed", 0},
		{"a lost 201 is retried and served", "lost-201", ExitOK, []string{"no answer: reset after processing (scripted)", "201"}, "", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			out, errb := newLockedBuffer(), newLockedBuffer()
			code := make(chan int, 1)
			go func() {
				code <- Run(ctx, []string{"simulator", "--dir", dir, "--script", tc.script, "--verbose"},
					func(string) string { return "" }, out, errb)
			}()
			select {
			case <-out.ready:
			case c := <-code:
				t.Fatalf("the simulator stopped at once: exit %d\n%s%s", c, out.String(), errb.String())
			}
			if !strings.Contains(out.String(), "script: the next") {
				t.Errorf("the startup text does not describe the script:\n%s", out.String())
			}
			site, _ := site(t, siteConfig, nil)
			report := filepath.Join(t.TempDir(), "report.json")
			r := runQuick(t, nil, "purge", "--repo", site, "--from", "v1", "--report", report,
				"--edgerc", filepath.Join(dir, ".edgerc"), "--ca-cert", filepath.Join(dir, "ca.pem"))
			want := []string{}
			if tc.wantErr != "" {
				want = append(want, tc.wantErr)
			}
			oneMessage(t, r, tc.wantCode, want...)
			cancel()
			if c := <-code; c != ExitOK {
				t.Errorf("the simulator exited %d", c)
			}
			var got []string
			for _, l := range strings.Split(errb.String(), "\n") {
				if strings.HasPrefix(l, "simulator: POST /ccu/v3/") {
					got = append(got, l[strings.Index(l, "/production ")+len("/production "):])
				}
			}
			if diff := cmp.Diff(tc.wantLog, got); diff != "" {
				t.Errorf("purge POSTs as the simulator saw them (-want +got):\n%s", diff)
			}
			if !strings.Contains(out.String(), fmt.Sprintf("Stopped after %d purge(s).", tc.purges)) {
				t.Errorf("the simulator did not accept %d purge(s):\n%s", tc.purges, out.String())
			}
		})
	}
}

// With --edge-origin the command also runs the edge, says the --connect-to that reaches it, and
// takes the Enhanced Debug key from CCUSIM_DEBUG_KEY without ever printing it.
func TestSimulatorEdge(t *testing.T) {
	dir, origin := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(origin, "index.html"), []byte("home"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, errb := newLockedBuffer(), newLockedBuffer()
	code := make(chan int, 1)
	getenv := func(k string) string { return map[string]string{"CCUSIM_DEBUG_KEY": "c0ffee"}[k] }
	go func() {
		code <- Run(ctx, []string{"simulator", "--dir", dir, "--edge-origin", origin, "--edge-host", "www.example.com",
			"--edge-fault", "lost-purge"}, getenv, out, errb)
	}()
	select {
	case <-out.ready:
	case c := <-code:
		t.Fatalf("the simulator stopped at once: exit %d\n%s%s", c, out.String(), errb.String())
	}
	text := out.String()
	_, rest, ok := strings.Cut(text, "--connect-to www.example.com:127.0.0.1:")
	if !ok {
		t.Fatalf("the startup text names no --connect-to:\n%s", text)
	}
	port, _, _ := strings.Cut(rest, "\n")
	for _, want := range []string{"edge faults: lost-purge", "Enhanced Debug tokens signed with the key in CCUSIM_DEBUG_KEY", "the origin as the edge sees it: https://127.0.0.1:"} {
		if !strings.Contains(text, want) {
			t.Errorf("the startup text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "c0ffee") {
		t.Errorf("the startup text shows the debug key:\n%s", text)
	}
	pem, err := os.ReadFile(filepath.Join(dir, "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, "127.0.0.1:"+port)
		},
	}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Get("https://www.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "home" || resp.Header.Get("Server") != "AkamaiGHost" {
		t.Errorf("through the edge: %d %q Server %q, want 200 home AkamaiGHost", resp.StatusCode, body, resp.Header.Get("Server"))
	}
	cancel()
	if c := <-code; c != ExitOK {
		t.Errorf("the simulator exited %d: %s", c, errb.String())
	}
}

func TestSimulatorEdgeErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	tests := []struct {
		args   []string
		getenv map[string]string
		want   string
	}{
		{[]string{"--edge-origin", missing}, nil, "edge origin"},
		{[]string{"--edge-fault", "slow:1s"}, nil, "--edge-fault needs --edge-origin"},
		{[]string{"--edge-origin", t.TempDir()}, map[string]string{"CCUSIM_DEBUG_KEY": "not hex"}, "CCUSIM_DEBUG_KEY is not hex"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		args := append([]string{"simulator", "--dir", t.TempDir()}, tc.args...)
		code := Run(context.Background(), args, func(k string) string { return tc.getenv[k] }, &out, &errb)
		if code != ExitUsage || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q, want %d and %q", tc.args, code, errb.String(), ExitUsage, tc.want)
		}
	}
}
