package cli

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// verify --url and --report read the config too, and --network (or
// CCU_PURGE_NETWORK) overrides its network as for a plan: on staging the
// config's staging_edge is where the requests go.
func TestVerifyNetworkOverridesConfig(t *testing.T) {
	t.Parallel()
	cfg := filepath.Join(t.TempDir(), "ccu-purge.yml")
	yml := "base_url: https://www.example.com\nnetwork: production\nrules:\n  - match: \"**\"\n    urls: [\"{base}/{path}\"]\n" +
		"verify:\n  staging_edge: www.example.com.edgekey-staging.net\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}
	staged := filepath.Join(t.TempDir(), "report.json")
	writeStagingReport(t, staged)
	want := verify.ConnectTo{Host: "www.example.com", Edge: "www.example.com.edgekey-staging.net"}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"flag", []string{"--network", "staging"}, nil},
		{"variable", nil, map[string]string{"CCU_PURGE_NETWORK": "staging"}},
		{"the report's purge", []string{"--report", staged}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tc.env[k] }
			e := &env{getenv: getenv, stdout: io.Discard, stderr: io.Discard}
			o := &options.Options{}
			args := append([]string{"--config", cfg}, tc.args...)
			if len(tc.args) == 0 || tc.args[0] != "--report" {
				args = append(args, "--url", "https://www.example.com/")
			}
			if err := options.Parse(options.FlagSet("verify", getenv, o), args, o); err != nil {
				t.Fatal(err)
			}
			c, err := e.givenTargets(t.Context(), o)
			if err != nil {
				t.Fatal(err)
			}
			s, _, err := e.verifySettings(o, c)
			if err != nil {
				t.Fatal(err)
			}
			if len(s.ConnectTo) != 1 || s.ConnectTo[0] != want {
				t.Errorf("connect-to %v, want [%v]: the staging network's edge", s.ConnectTo, want)
			}
		})
	}
}

// writeStagingReport writes the report of a purge accepted on staging.
func writeStagingReport(t *testing.T, path string) {
	t.Helper()
	r := rpt.NotSent(nil, nil)
	r.Batches = []rpt.Request{{Index: 1, PurgeID: "p1", HTTPStatus: 201,
		Batch: purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Staging, Type: purge.URL, Objects: []string{"https://www.example.com/"}}}}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
