package cli

import (
	"strings"
	"testing"
)

// TestActionMasksEachSecretOnce: every secret of a run, whichever inputs
// or variables it came from, gets one ::add-mask:: line, before the log
// shows anything else; a second would only say again what the runner
// already hides, and none would show it.
func TestActionMasksEachSecretOnce(t *testing.T) {
	t.Parallel()
	const key, runnerKey = "0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"
	creds := []string{hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken}
	refused := "[default]\nclient_secret = " + hardCred.ClientSecret + "\n"
	for _, tc := range []struct {
		name    string
		inputs  func(g *gha) map[string]string
		env     []string
		code    int
		secrets []string // host is the simulator's host
	}{
		{name: "the edgerc input", inputs: func(g *gha) map[string]string { return map[string]string{"edgerc": g.edgerc} },
			secrets: creds},
		{name: "the credential inputs", inputs: credentialInputs, secrets: append([]string{"host"}, creds...)},
		{name: "the credential inputs and a debug key", inputs: func(g *gha) map[string]string {
			in := credentialInputs(g)
			in["debug-key"] = key
			return in
		}, secrets: append([]string{"host", key}, creds...)},
		{name: "the runner's debug key", inputs: func(g *gha) map[string]string { return map[string]string{"edgerc": g.edgerc} },
			env: []string{"AKAMAI_DEBUG_KEY=" + runnerKey}, secrets: append([]string{runnerKey}, creds...)},
		{name: "the debug key input and the runner's", inputs: func(g *gha) map[string]string {
			return map[string]string{"edgerc": g.edgerc, "debug-key": key}
		}, env: []string{"AKAMAI_DEBUG_KEY=" + key}, secrets: append([]string{key}, creds...)},
		{name: "an edgerc edgegrid refuses", inputs: func(g *gha) map[string]string { return map[string]string{"edgerc": refused} },
			secrets: []string{"client_secret = " + hardCred.ClientSecret, hardCred.ClientSecret}},
		{name: "the edgerc and the credential inputs", inputs: func(g *gha) map[string]string {
			in := credentialInputs(g)
			in["edgerc"] = g.edgerc
			return in
		}, code: ExitUsage, secrets: append([]string{"host"}, creds...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := hardGHA(t)
			g.env = append(g.env, tc.env...)
			inputs := tc.inputs(g)
			inputs["dry-run"] = "true"
			code, out := g.run("push", inputs)
			if code != tc.code {
				t.Fatalf("exit %d, want %d:\n%s", code, tc.code, out)
			}
			masks := leadingMasks(t, out)
			for _, s := range tc.secrets {
				if s == "host" {
					s = g.sim.Host()
				}
				if masks[s] != 1 {
					t.Errorf("a secret of %d chars (%.4q…) is masked %d times, want once", len(s), s, masks[s])
				}
			}
			for v, n := range masks {
				if n > 1 {
					t.Errorf("a value of %d chars (%.4q…) is masked %d times", len(v), v, n)
				}
			}
		})
	}
}

// credentialInputs are the four credential inputs of g's simulator.
func credentialInputs(g *gha) map[string]string {
	return map[string]string{"host": g.sim.Host(), "client-token": hardCred.ClientToken, "client-secret": hardCred.ClientSecret, "access-token": hardCred.AccessToken}
}

// leadingMasks counts the values of the log's ::add-mask:: lines, which
// must all come before any other line.
func leadingMasks(t *testing.T, out string) map[string]int {
	t.Helper()
	masks := map[string]int{}
	other := false
	for _, l := range strings.Split(out, "\n") {
		v, ok := strings.CutPrefix(l, "::add-mask::")
		switch {
		case ok && other:
			t.Errorf("a mask after another line:\n%s", out)
		case ok:
			masks[v]++
		default:
			other = true
		}
	}
	return masks
}
