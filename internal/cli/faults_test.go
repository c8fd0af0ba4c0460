package cli

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// purgeFault is one way the API or the path to it misbehaves, applied to a
// purge.
type purgeFault struct {
	name  string
	short bool                 // the fault outlasts the budget: --timeout short
	sim   func(*ccusim.Server) // nil: the simulator behaves
	conn  string               // "", "wrong-ca", "no-ca", "dns", "wrong-secret"
	code  int
	want  []string // in stderr whatever the API
	v3    []string // also, on Fast Purge (purge)
	v2    []string // also, on CCU v2 (purge --wait)
}

// script queues n copies of step: a fault that persists past the budget.
func script(st ccusim.Step, n int) func(*ccusim.Server) {
	return func(s *ccusim.Server) {
		steps := make([]ccusim.Step, n)
		for i := range steps {
			steps[i] = st
		}
		s.Script(steps...)
	}
}

func fail(status int) func(*ccusim.Server) {
	return func(s *ccusim.Server) { s.Fail(100000, status, "", "") }
}

// Cases whose fault lasts past the budget run with --timeout short; the
// others with a budget that a loaded machine (TLS handshakes under -race)
// cannot exhaust by accident.
const (
	shortBudget = "700ms"
	ampleBudget = "20s"
	budget      = "the time budget (--timeout " + shortBudget + ") ran out"
)

// retriedOut is how ccu words a fault retried until the budget ended,
// whether the deadline falls in a backoff or between attempts (R3 in
// docs/reliability.md, fixed).
const retriedOut = "the time budget (--timeout) ran out"

var purgeFaults = []purgeFault{
	{name: "none", code: 0},
	// Refusals: bisected down to single objects, each refused by name.
	{name: "400 always", sim: fail(400), code: 1, want: []string{"5 of 5 object(s) not purged, in 5 failed request(s)", "batch 1: https://www.example.com/a%20b/%C3%A9%231.html refused: HTTP 400", "supportId "}},
	{name: "403 always", sim: fail(403), code: 1, want: []string{"HTTP 403", "supportId ", "grant it CCU access"}},
	{name: "413 always", sim: fail(413), code: 1, want: []string{"HTTP 413", "supportId "}},
	{name: "401", sim: fail(401), code: 1, want: []string{"5 of 5 object(s) not purged, in 1 failed request(s)", "HTTP 401", "supportId ", "check the .edgerc credentials"}},
	{name: "415", sim: fail(415), code: 1, want: []string{"HTTP 415", "supportId "}},
	// Retried until the budget ends.
	{name: "429 always", short: true, sim: fail(429), code: 1, want: []string{retriedOut, "HTTP 429", "supportId "}},
	{name: "500 always", short: true, sim: fail(500), code: 1, want: []string{retriedOut, "HTTP 500", "supportId "}},
	{name: "503 always", short: true, sim: fail(503), code: 1, want: []string{retriedOut, "HTTP 503", "supportId "}},
	{name: "504 always", short: true, sim: fail(504), code: 1, want: []string{retriedOut, "HTTP 504", "supportId "}},
	{name: "507 always", short: true, sim: fail(507), code: 1, want: []string{retriedOut, "HTTP 507", "supportId ", "queue is full"}},
	{name: "502 HTML page always", short: true, sim: script(ccusim.Step{Status: 502, Body: "<html><body><h1>Bad Gateway</h1></body></html>", ContentType: "text/html"}, 5000),
		code: 1, want: []string{retriedOut, "HTTP 502: Bad Gateway: Bad Gateway"}},
	// Once, then the API recovers: every object ends purged.
	{name: "400 once", sim: script(ccusim.Step{Status: 400}, 1), code: 0},
	{name: "413 once", sim: script(ccusim.Step{Status: 413}, 1), code: 0},
	{name: "429 once", sim: script(ccusim.Step{Status: 429}, 1), code: 0},
	{name: "500 once", sim: script(ccusim.Step{Status: 500}, 1), code: 0},
	{name: "503 once", sim: script(ccusim.Step{Status: 503}, 1), code: 0},
	{name: "504 once", sim: script(ccusim.Step{Status: 504}, 1), code: 0},
	{name: "507 once", sim: script(ccusim.Step{Status: 507}, 1), code: 0},
	{name: "reset before body once", sim: script(ccusim.Step{ResetBeforeBody: true}, 1), code: 0},
	{name: "reset after body once", sim: script(ccusim.Step{Reset: true}, 1), code: 0},
	{name: "201 lost once", sim: script(ccusim.Step{ResetAfter: true}, 1), code: 0},
	// Dropped connections until the budget ends.
	{name: "reset before body always", short: true, sim: script(ccusim.Step{ResetBeforeBody: true}, 5000), code: 1, want: []string{retriedOut, "connection failed"}},
	{name: "reset after body always", short: true, sim: script(ccusim.Step{Reset: true}, 5000), code: 1, want: []string{retriedOut, "connection failed"}},
	{name: "201 lost always", short: true, sim: script(ccusim.Step{ResetAfter: true}, 5000), code: 1, want: []string{retriedOut, "connection failed"}},
	// No answer within the budget: the outcome is unknown, so not purged.
	{name: "latency past the timeout", short: true, sim: func(s *ccusim.Server) { s.SetLatency(3 * time.Second) }, code: 1, want: []string{budget},
		v3: []string{"whether it was applied is unknown"}, v2: []string{"read the default queue's length"}},
	{name: "delay past the timeout", short: true, sim: script(ccusim.Step{Delay: 3 * time.Second}, 1), code: 1, want: []string{budget, "whether it was applied is unknown"}},
	{name: "never answers", short: true, sim: script(ccusim.Step{Hang: true}, 5000), code: 1, want: []string{budget, "whether it was applied is unknown"}},
	// Answers that do not confirm the purge.
	{name: "201 malformed body", sim: script(ccusim.Step{Body: `{"httpStatus":201,"purgeId":`}, 1), code: 1, want: []string{"HTTP 201: unreadable answer", "not confirmed"}},
	{name: "201 contradicting body", sim: script(ccusim.Step{Contradict: true}, 1), code: 1, want: []string{"HTTP 201: contradicting answer", "httpStatus 400", "supportId "}},
	{name: "201 without purgeId", sim: script(ccusim.Step{Body: `{"httpStatus":201,"supportId":"s-1"}`}, 1), code: 1, want: []string{"without a purgeId", "supportId s-1"}},
	// The path to the API.
	{name: "TLS: wrong CA", conn: "wrong-ca", code: 1, want: []string{"certificate signed by unknown authority"}},
	{name: "TLS: no CA", conn: "no-ca", code: 1, want: []string{"certificate signed by unknown authority"}},
	{name: "DNS failure", conn: "dns", code: 1, want: []string{"lookup does-not-exist.invalid"}},
	{name: "401 from the gateway (wrong secret)", conn: "wrong-secret", code: 1, want: []string{"HTTP 401", "The signature does not match", "check the .edgerc credentials"}},
}

// Every fault against purge (Fast Purge) and purge --wait (CCU v2): the
// documented exit code, one message naming the cause (and supportId),
// every planned object accounted for in the report, no secret in any
// output, no goroutine left behind.
func TestFaultsPurge(t *testing.T) {
	v2Config := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	sites := map[string]string{}
	planned := map[string][]string{}
	for api, cfg := range map[string]string{"v3": siteConfig, "v2": v2Config} {
		dir, _ := site(t, cfg, nil)
		sites[api], planned[api] = dir, plannedObjects(t, "--repo", dir, "--from", "v1")
	}
	other, _ := hardSim(t, ccusim.Options{}) // its CA is the wrong one
	wrongCA := filepath.Join(t.TempDir(), "wrong-ca.pem")
	if err := os.WriteFile(wrongCA, other.CACertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range purgeFaults {
		for _, api := range []string{"v3", "v2"} {
			t.Run(f.name+"/"+api, func(t *testing.T) {
				sim, flags := hardSim(t, ccusim.Options{V2Seconds: -1})
				flags = connFlags(t, f.conn, sim, flags, wrongCA)
				if f.sim != nil {
					f.sim(sim)
				}
				tmp := t.TempDir()
				report, dotenv := filepath.Join(tmp, "report.json"), filepath.Join(tmp, "purge.env")
				args := []string{"purge", "--verbose", "--repo", sites[api], "--from", "v1", "--timeout", timeout(f.short), "--report", report, "--dotenv", dotenv}
				if api == "v2" {
					args = append(args, "--wait")
				}
				check := leakCheck(t)
				r := runQuick(t, nil, append(args, flags...)...)
				check()
				want := append(append([]string(nil), f.want...), f.v3...)
				if api == "v2" {
					want = append(append([]string(nil), f.want...), f.v2...)
				}
				oneMessage(t, r, f.code, want...)
				accounting(t, report, planned[api], sim, r.code)
				noSecrets(t, "stdout and stderr", r.stdout+r.stderr)
				env, err := os.ReadFile(dotenv)
				if err != nil || !strings.Contains(string(env), "CCU_PURGE_OBJECT_COUNT=5") {
					t.Errorf("dotenv: %v\n%s", err, env)
				}
				noSecrets(t, "the dotenv file", string(env))
				if api == "v2" && f.code == 0 && !strings.Contains(r.stdout, ": Done at ") {
					t.Errorf("--wait did not confirm Done:\n%s", r.stdout)
				}
			})
		}
	}
}

func timeout(isShort bool) string {
	if isShort {
		return shortBudget
	}
	return ampleBudget
}

// connFlags changes the simulator's flags for a connection fault.
func connFlags(t *testing.T, conn string, sim *ccusim.Server, flags []string, wrongCA string) []string {
	t.Helper()
	edgerc, ca := flags[1], flags[3]
	switch conn {
	case "wrong-ca":
		ca = wrongCA
	case "no-ca":
		return []string{"--edgerc", edgerc}
	case "dns":
		// .invalid never resolves (RFC 6761): the lookup fails at once and
		// nothing leaves loopback but the query to the local resolver.
		edgerc = edgercFor(t, "does-not-exist.invalid", hardCred.ClientSecret)
	case "wrong-secret":
		edgerc = edgercFor(t, sim.Host(), wrongSecret)
	}
	return []string{"--edgerc", edgerc, "--ca-cert", ca}
}

// getFault is a fault of the read-only calls, status and queue. The
// simulator scripts only purge POSTs, so statuses, resets, hangs and bad
// bodies of GETs come from a small TLS stub; latency, TLS, DNS and
// authentication come from the simulator.
type getFault struct {
	name  string
	short bool             // the fault outlasts the budget: --timeout short
	stub  http.HandlerFunc // set: the stub answers
	sim   func(*ccusim.Server)
	conn  string
	code  int
	want  []string
}

func problemHandler(status int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"httpStatus":%d,"title":"%s","detail":"stub fault","supportId":"stub-support-%d"}`, status, http.StatusText(status), status)
	}
}

func getFaults() []getFault {
	fs := []getFault{
		{name: "none", code: 0},
		{name: "latency past the timeout", short: true, sim: func(s *ccusim.Server) { s.SetLatency(3 * time.Second) }, code: 1, want: []string{budget}},
		{name: "TLS: wrong CA", conn: "wrong-ca", code: 1, want: []string{"certificate signed by unknown authority"}},
		{name: "TLS: no CA", conn: "no-ca", code: 1, want: []string{"certificate signed by unknown authority"}},
		{name: "DNS failure", conn: "dns", code: 1, want: []string{"lookup does-not-exist.invalid"}},
		{name: "401 from the gateway (wrong secret)", conn: "wrong-secret", code: 1, want: []string{"HTTP 401", "check the .edgerc credentials"}},
		{name: "reset", stub: func(w http.ResponseWriter, r *http.Request) {
			if c, _, err := http.NewResponseController(w).Hijack(); err == nil {
				c.Close()
			}
		}, code: 1, want: []string{"connection failed"}},
		{name: "never answers", short: true, stub: func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }, code: 1, want: []string{budget}},
		{name: "200 malformed body", stub: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"purgeStatus":`)
		}, code: 1, want: []string{"the answer is not the expected JSON"}},
		{name: "HTML error page", stub: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprint(w, "<html><body>Bad Gateway</body></html>")
		}, code: 1, want: []string{"HTTP 502: Bad Gateway: Bad Gateway"}},
	}
	for _, st := range []int{400, 401, 403, 404, 413, 415, 429, 500, 503, 504, 507} {
		fs = append(fs, getFault{name: fmt.Sprint(st), stub: problemHandler(st), code: 1, want: []string{fmt.Sprintf("HTTP %d", st), fmt.Sprintf("supportId stub-support-%d", st)}})
	}
	return fs
}

// Every fault against status ID and queue.
func TestFaultsQuery(t *testing.T) {
	other, _ := hardSim(t, ccusim.Options{})
	wrongCA := filepath.Join(t.TempDir(), "wrong-ca.pem")
	if err := os.WriteFile(wrongCA, other.CACertPEM(), 0o644); err != nil {
		t.Fatal(err)
	}
	commands := map[string][]string{
		"status": {"status", "0f8e1c9a-5f0b-4b4e-9c1e-2a7f3e7d9b10"},
		"queue":  {"queue", "emergency"},
	}
	for _, f := range getFaults() {
		for name, cmd := range commands {
			t.Run(f.name+"/"+name, func(t *testing.T) {
				sim, flags := hardSim(t, ccusim.Options{})
				flags = connFlags(t, f.conn, sim, flags, wrongCA)
				if f.sim != nil {
					f.sim(sim)
				}
				if f.stub != nil {
					flags = stub(t, f.stub)
				}
				check := leakCheck(t)
				// Flags after the argument, as people type them.
				r := runQuick(t, nil, append(append(append([]string(nil), cmd...), "--verbose", "--timeout", timeout(f.short)), flags...)...)
				check()
				oneMessage(t, r, f.code, f.want...)
				noSecrets(t, "stdout and stderr", r.stdout+r.stderr)
				if f.code == 0 && !strings.Contains(r.stdout, map[string]string{"status": ": Unknown", "queue": "emergency queue: 0 object(s)"}[name]) {
					t.Errorf("stdout:\n%s", r.stdout)
				}
			})
		}
	}
}

// stub serves h over TLS on loopback and returns the flags pointing at it.
func stub(t *testing.T, h http.HandlerFunc) []string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "stub-ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificate(srv.Certificate().Raw); err != nil {
		t.Fatal(err)
	}
	return []string{"--edgerc", edgercFor(t, srv.Listener.Addr().String(), hardCred.ClientSecret), "--ca-cert", ca}
}

// Usage errors of the query commands are exit 2 and send nothing.
func TestQueryUsage(t *testing.T) {
	sim, flags := hardSim(t, ccusim.Options{})
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "status takes one purge ID"},
		{[]string{"status", "a", "b"}, "status takes one purge ID"},
		{[]string{"status", "a/b"}, `"a/b" is neither a purge ID nor a /ccu/v2/purges/ progressUri`},
		{[]string{"status", "x", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"queue", "urgent"}, `unknown queue "urgent"`},
		{[]string{"queue", "default", "emergency"}, "at most one queue name"},
		{[]string{"queue", "--nope"}, "unknown flag --nope for queue (see 'ccu-purge help queue')"},
	} {
		r := runQuick(t, nil, append(tc.args, flags...)...)
		oneMessage(t, r, ExitUsage, tc.want)
	}
	if n := sim.Requests(); n != 0 {
		t.Errorf("usage errors sent %d request(s)", n)
	}
}

// A run that stops before sending (credentials, queue, plan) still writes
// a report: valid JSON, every planned object in notPurged, and why.
func TestReportWhenNothingWasSent(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	planned := plannedObjects(t, "--repo", dir, "--from", "v1")
	missing := filepath.Join(t.TempDir(), "no-edgerc")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no credentials", []string{"--from", "v1", "--edgerc", missing}, ExitUsage, "no Akamai API credentials"},
		{"bad revision", []string{"--from", "v9"}, ExitUsage, `resolve "v9"`},
		{"bad batch size", []string{"--from", "v1", "--batch-size", "501"}, ExitUsage, "--batch-size 501 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "r.json")
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--report", report}, tc.args...)...)
			oneMessage(t, r, tc.code, tc.want)
			if tc.name == "bad batch size" {
				return // refused while parsing flags: no file is created
			}
			rep := accounting(t, report, map[bool][]string{true: planned, false: nil}[tc.name == "no credentials"], nil, r.code)
			if !strings.Contains(rep.Error, tc.want) {
				t.Errorf("report error %q lacks %q", rep.Error, tc.want)
			}
		})
	}
}
