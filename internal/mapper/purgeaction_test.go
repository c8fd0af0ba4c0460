package mapper

import (
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// TestPurgeAction: the config's action; invalidate without a config or
// when the file does not say.
func TestPurgeAction(t *testing.T) {
	t.Parallel()
	parsed := func(yml string) *Config {
		c, err := Parse(".ccu-purge.yml", []byte(yml))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name string
		cfg  *Config
		want purge.Action
	}{
		{"no config", nil, purge.Invalidate},
		{"unsaid", parsed("base_url: https://www.example.com\nrules:\n  - match: '**'\n    urls: ['{base}/{path}']\n"), purge.Invalidate},
		{"delete", &Config{Action: purge.Delete}, purge.Delete},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.cfg.PurgeAction(); got != tc.want {
				t.Errorf("PurgeAction = %q, want %q", got, tc.want)
			}
		})
	}
}
