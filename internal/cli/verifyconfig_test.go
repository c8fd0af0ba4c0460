package cli

import (
	"strings"
	"testing"
)

// verify goes without a config where there is none to find, but a config
// the user named, or one found that does not load, is an error (exit 2),
// before any URL is asked: a silent run without the config would ask the
// wrong network's edges and judge without the site's files.
func TestVerifyConfigNamedButUnreadable(t *testing.T) {
	t.Parallel()
	broken, _ := site(t, "rules: [\n", nil)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"a broken config at the head", []string{"--repo", broken}, ".ccu-purge.yml:1:1: invalid YAML"},
		{"a missing --config", []string{"--repo", t.TempDir(), "--config", "/no/such/ccu-purge.yml"}, "config file not found: /no/such/ccu-purge.yml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, append([]string{"verify", "--url", "https://www.example.com/"}, tc.args...)...)
			if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 with %q", r.code, r.stderr, tc.want)
			}
			if strings.Contains(r.stdout, "Verifying") {
				t.Errorf("it asked the edge anyway:\n%s", r.stdout)
			}
		})
	}
}
