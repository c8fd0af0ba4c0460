package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// The commands TestFaultsPurge and TestFaultsQuery do not cover, each with
// --verbose where it takes it (validate and explain talk to no one), with the credentials in an .edgerc and in AKAMAI_CCU_*
// variables: no output holds a credential, its base64 or the signature
// scheme. (The fault tables scan purge, purge --wait, status and queue in
// every fault, and the report and dotenv files.)
func TestSecretsEveryCommand(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := hardSim(t, ccusim.Options{V2Seconds: -1})
	vars := map[string]string{"AKAMAI_CCU_HOST": sim.Host(), "AKAMAI_CCU_CLIENT_TOKEN": hardCred.ClientToken,
		"AKAMAI_CCU_CLIENT_SECRET": hardCred.ClientSecret, "AKAMAI_CCU_ACCESS_TOKEN": hardCred.AccessToken}
	badEdgerc := filepath.Join(t.TempDir(), "bad-edgerc")
	// An .edgerc that does not parse: the error must not quote its lines.
	os.WriteFile(badEdgerc, []byte("[ccu\nclient_secret = "+hardCred.ClientSecret+"\n"), 0o600)
	for _, tc := range []struct {
		args []string
		code int
	}{
		{[]string{"plan", "--repo", dir, "--from", "v1"}, 0},
		{[]string{"plan", "--repo", dir, "--from", "v1", "--output", "json"}, 0},
		{append([]string{"purge", "--dry-run", "--repo", dir, "--from", "v1"}, flags...), 0},
		{[]string{"purge", "--repo", dir, "--from", "v1", "--edgerc", badEdgerc}, 2},
		{[]string{"validate", "--config", filepath.Join(dir, ".ccu-purge.yml")}, 0},
		{[]string{"explain", "--repo", dir, "public/index.html"}, 0},
		{append([]string{"status", "57799d8b-0000-4b4e-9c1e-2a7f3e7d9b10"}, flags...), 0},
		{append([]string{"queue"}, flags...), 0},
		{[]string{"queue", "--edgerc", badEdgerc}, 2},
	} {
		t.Run(strings.Join(tc.args[:1], " "), func(t *testing.T) {
			args := tc.args
			if c := args[0]; c != "validate" && c != "explain" {
				args = append(args, "--verbose")
			}
			r := runQuick(t, vars, args...)
			oneMessage(t, r, tc.code)
			noSecrets(t, "stdout and stderr", r.stdout+r.stderr)
		})
	}
	// Credentials from AKAMAI_CCU_* variables, which the loader reads
	// through Run's getenv; HOME has no .edgerc.
	vars["HOME"] = t.TempDir()
	r := runQuick(t, vars, "purge", "--verbose", "--repo", dir, "--from", "v1", "--ca-cert", flags[3], "--timeout", "5s")
	if r.code != 0 || len(sim.Purges()) != 1 {
		t.Errorf("purge with AKAMAI_CCU_* variables: exit %d, %d purges\n%s%s", r.code, len(sim.Purges()), r.stdout, r.stderr)
	}
	noSecrets(t, "the output of purge with AKAMAI_CCU_* variables", r.stdout+r.stderr)
}

// The GitHub Action as a process, with its inputs in INPUT_* and the
// runner's GITHUB_* variables, against faults: the credentials are masked
// before anything else is printed, and no later output, job summary, step
// output or report holds one.
func TestSecretsAction(t *testing.T) {
	other, _ := hardSim(t, ccusim.Options{})
	wrongCA := filepath.Join(t.TempDir(), "wrong-ca.pem")
	os.WriteFile(wrongCA, other.CACertPEM(), 0o644)
	for _, tc := range []struct {
		name   string
		sim    func(*ccusim.Server)
		inputs func(g *gha) map[string]string
		env    []string
		code   int
		want   string
	}{
		{name: "accepted", code: 0, want: "5 object(s) purged"},
		{name: "400 always", sim: fail(400), code: 1, want: "HTTP 400"},
		{name: "401", sim: fail(401), code: 1, want: "HTTP 401"},
		{name: "403 always", sim: fail(403), code: 1, want: "HTTP 403"},
		{name: "415", sim: fail(415), code: 1, want: "HTTP 415"},
		{name: "201 contradicting", sim: script(ccusim.Step{Contradict: true}, 1), code: 1, want: "contradicting answer"},
		{name: "201 malformed", sim: script(ccusim.Step{Body: "{"}, 1), code: 1, want: "unreadable answer"},
		{name: "503 once", sim: script(ccusim.Step{Status: 503}, 1), code: 0, want: "5 object(s) purged"},
		{name: "201 lost once", sim: script(ccusim.Step{ResetAfter: true}, 1), code: 0, want: "5 object(s) purged"},
		{name: "TLS: wrong CA", env: []string{"SSL_CERT_FILE=" + wrongCA}, code: 1, want: "certificate signed by unknown authority"},
		{name: "DNS failure, credential inputs", inputs: func(g *gha) map[string]string {
			return map[string]string{"host": "does-not-exist.invalid", "client-token": hardCred.ClientToken, "client-secret": hardCred.ClientSecret, "access-token": hardCred.AccessToken}
		}, code: 1, want: "does-not-exist.invalid"},
		{name: "wrong secret, credential inputs", inputs: func(g *gha) map[string]string {
			return map[string]string{"host": g.sim.Host(), "client-token": hardCred.ClientToken, "client-secret": wrongSecret, "access-token": hardCred.AccessToken}
		}, code: 1, want: "HTTP 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := hardGHA(t)
			if tc.sim != nil {
				tc.sim(g.sim)
			}
			g.env = append(g.env, tc.env...)
			inputs := map[string]string{"edgerc": g.edgerc, "wait": "false"}
			if tc.inputs != nil {
				inputs = tc.inputs(g)
			}
			code, out := g.run("push", inputs)
			if code != tc.code || !strings.Contains(out+g.file(g.summary), tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, tc.code, tc.want, out)
			}
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Errorf("panic:\n%s", out)
			}
			masked := []string{hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken}
			if tc.inputs != nil {
				masked = []string{inputs["client-token"], inputs["client-secret"], inputs["access-token"]}
			}
			masksFirst(t, out, masked)
			rest := out[strings.LastIndex(out, "::add-mask::"):]
			rest = rest[strings.Index(rest, "\n")+1:]
			noSecrets(t, "the log after the masks", rest)
			noSecrets(t, "the job summary", g.file(g.summary))
			noSecrets(t, "the step outputs", g.file(g.output))
			if report := g.outputs()["report"]; report != "" {
				data := g.file(report)
				noSecrets(t, "the report", data)
				if !json.Valid([]byte(data)) {
					t.Errorf("report %s is not JSON:\n%s", report, data)
				}
			}
		})
	}
}

// masksFirst checks that every secret is masked before the log prints
// anything else.
func masksFirst(t *testing.T, out string, secrets []string) {
	t.Helper()
	masks := map[string]bool{}
	for _, l := range strings.Split(out, "\n") {
		v, ok := strings.CutPrefix(l, "::add-mask::")
		if !ok {
			break
		}
		masks[v] = true
	}
	for _, s := range secrets {
		if !masks[s] {
			t.Errorf("a secret of %d chars is not masked before the first other line", len(s))
		}
	}
}

// hardGHA is newGHA with the known credentials.
func hardGHA(t *testing.T) *gha {
	t.Helper()
	dir, shas := site(t, siteConfig, nil)
	sim, flags := hardSim(t, ccusim.Options{})
	content, err := os.ReadFile(flags[1])
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	g := &gha{t: t, dir: dir, sim: sim, ca: flags[3], edgerc: string(content),
		output: filepath.Join(tmp, "output"), summary: filepath.Join(tmp, "summary"), event: filepath.Join(tmp, "event.json")}
	ev, _ := json.Marshal(map[string]string{"before": shas[0], "after": shas[1]})
	for _, f := range []struct {
		path string
		data []byte
	}{{g.event, ev}, {g.output, nil}, {g.summary, nil}} {
		if err := os.WriteFile(f.path, f.data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g.env = []string{"GITHUB_ACTIONS=true", "GITHUB_EVENT_PATH=" + g.event, "GITHUB_OUTPUT=" + g.output,
		"GITHUB_STEP_SUMMARY=" + g.summary, "GITHUB_SHA=" + shas[1], "RUNNER_TEMP=" + tmp, "SSL_CERT_FILE=" + g.ca,
		"GITHUB_TOKEN=ghs_hardening_token_not_a_secret_here", "GITHUB_REPOSITORY=ccu-purge/site", "GITHUB_WORKSPACE=" + dir}
	return g
}
