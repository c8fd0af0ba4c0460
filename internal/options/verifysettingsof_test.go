package options

import (
	"testing"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// TestVerifySettingsOf: the config's section and network decide, and no
// config is production with the defaults: its staging edge applies on
// staging only.
func TestVerifySettingsOf(t *testing.T) {
	t.Parallel()
	section := mapper.VerifyConfig{Sample: "all", StagingEdge: "edge.example.net"}
	hosts := []string{"www.example.com"}
	for _, tc := range []struct {
		name      string
		cfg       *mapper.Config
		sample    verify.Sample
		connectTo []verify.ConnectTo
	}{
		{"no config", nil, verify.Sample{}, nil},
		{"production", &mapper.Config{Network: purge.Production, Verify: section}, verify.Sample{All: true}, nil},
		{"staging", &mapper.Config{Network: purge.Staging, Verify: section}, verify.Sample{All: true},
			[]verify.ConnectTo{{Host: "www.example.com", Edge: "edge.example.net"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, policy, err := VerifySettingsOf(Verify{}, tc.cfg, hosts, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if s.Sample != tc.sample || policy != DefaultOnStale || s.Timeout != DefaultVerifyTimeout {
				t.Errorf("sample %+v, on-stale %q, timeout %v; want %+v, %q, %v", s.Sample, policy, s.Timeout, tc.sample, DefaultOnStale, DefaultVerifyTimeout)
			}
			if d := gocmp.Diff(tc.connectTo, s.ConnectTo); d != "" {
				t.Errorf("connect-to (-want +got):\n%s", d)
			}
		})
	}
}
