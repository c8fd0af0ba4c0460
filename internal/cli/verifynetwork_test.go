package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/options"
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
	want := verify.ConnectTo{Host: "www.example.com", Edge: "www.example.com.edgekey-staging.net"}
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
	}{
		{"flag", []string{"--network", "staging"}, nil},
		{"variable", nil, map[string]string{"CCU_PURGE_NETWORK": "staging"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			getenv := func(k string) string { return tc.env[k] }
			e := &env{getenv: getenv, stdout: io.Discard, stderr: io.Discard}
			o := &options.Options{}
			args := append([]string{"--config", cfg, "--url", "https://www.example.com/"}, tc.args...)
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
