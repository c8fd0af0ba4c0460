package options

import (
	"cmp"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

const debugKeyHex = "00112233445566778899aabbccddeeff"

// VerifySettings layers the flags over the config over the defaults, reads
// the Enhanced Debug key from the environment alone, and turns the
// config's staging edge into --connect-to rules on staging.
func TestVerifySettings(t *testing.T) {
	t.Parallel()
	key := []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	defaults := verify.Settings{Timeout: 60 * time.Second, Concurrency: 8}
	with := func(f func(*verify.Settings)) verify.Settings {
		s := defaults
		f(&s)
		return s
	}
	full := VerifyDefaults{Sample: "5", Seed: 7, SeedSet: true, Timeout: 30 * time.Second, Concurrency: 4, OnStale: "fail",
		Origin: "https://cfg-origin.example.com", Debug: "pragma", Hosts: []string{"www.example.com"},
		Normalize: []verify.Normalizer{{Glob: "**/*.html", Strip: []string{"x"}}}}
	staging := VerifyDefaults{StagingEdge: "www.example.com.edgekey-staging.net",
		ConnectTo: []verify.ConnectTo{{Host: "cdn.example.com", Edge: "192.0.2.1"}}}
	for _, tc := range []struct {
		name    string
		v       Verify
		cfg     VerifyDefaults
		network purge.Network
		hosts   []string
		env     map[string]string
		want    verify.Settings
		policy  string
	}{
		{name: "nothing set: the defaults", want: defaults, policy: "warn"},
		{name: "the config over the defaults", cfg: full, policy: "fail",
			want: verify.Settings{Sample: verify.Sample{Count: 5}, Seed: 7, Timeout: 30 * time.Second, Concurrency: 4,
				Origin: "https://cfg-origin.example.com", Debug: verify.DebugPragma, Hosts: []string{"www.example.com"}, Normalize: full.Normalize}},
		{name: "flags over the config", cfg: full, policy: "warn",
			v: Verify{Sample: "all", Seed: 0, SeedSet: true, Timeout: time.Second, Concurrency: 2, OnStale: "warn",
				Origin: "http://flag-origin:8080/", Debug: "off"},
			want: verify.Settings{Sample: verify.Sample{All: true}, Seed: 0, Timeout: time.Second, Concurrency: 2,
				Origin: "http://flag-origin:8080", Debug: verify.DebugOff, Hosts: []string{"www.example.com"}, Normalize: full.Normalize}},
		{name: "an unset seed keeps the config's", cfg: full, v: Verify{Seed: 99}, policy: "fail",
			want: verify.Settings{Sample: verify.Sample{Count: 5}, Seed: 7, Timeout: 30 * time.Second, Concurrency: 4,
				Origin: "https://cfg-origin.example.com", Debug: verify.DebugPragma, Hosts: []string{"www.example.com"}, Normalize: full.Normalize}},
		{name: "the config's origin loses its slash", cfg: VerifyDefaults{Origin: "https://o.example.com/"}, policy: "warn",
			want: with(func(s *verify.Settings) { s.Origin = "https://o.example.com" })},
		{name: "the key from the environment, auto", env: map[string]string{"AKAMAI_DEBUG_KEY": " " + debugKeyHex + "\n"}, policy: "warn",
			want: with(func(s *verify.Settings) { s.DebugKey = key })},
		{name: "the key with enhanced", v: Verify{Debug: "enhanced"}, env: map[string]string{"AKAMAI_DEBUG_KEY": debugKeyHex}, policy: "warn",
			want: with(func(s *verify.Settings) { s.Debug, s.DebugKey = verify.DebugEnhanced, key })},
		{name: "pragma drops the key", v: Verify{Debug: "pragma"}, env: map[string]string{"AKAMAI_DEBUG_KEY": debugKeyHex}, policy: "warn",
			want: with(func(s *verify.Settings) { s.Debug = verify.DebugPragma })},
		{name: "the staging edge for each host without a rule", cfg: staging, network: purge.Staging, policy: "warn",
			v:     Verify{ConnectTo: []string{"static.example.com:edge.example.net:8443"}},
			hosts: []string{"WWW.example.com", "static.example.com", "cdn.example.com", "img.example.com"},
			want: with(func(s *verify.Settings) {
				s.ConnectTo = []verify.ConnectTo{
					{Host: "static.example.com", Edge: "edge.example.net", Port: "8443"},
					{Host: "cdn.example.com", Edge: "192.0.2.1"},
					{Host: "www.example.com", Edge: staging.StagingEdge},
					{Host: "img.example.com", Edge: staging.StagingEdge},
				}
			})},
		{name: "no staging edge on production", cfg: staging, network: purge.Production, hosts: []string{"www.example.com"}, policy: "warn",
			want: with(func(s *verify.Settings) {
				s.ConnectTo = []verify.ConnectTo{{Host: "cdn.example.com", Edge: "192.0.2.1"}}
			})},
		{name: "a flag's rule replaces the config's for its host", cfg: staging, policy: "warn",
			v: Verify{ConnectTo: []string{"CDN.example.com:192.0.2.9"}},
			want: with(func(s *verify.Settings) {
				s.ConnectTo = []verify.ConnectTo{{Host: "cdn.example.com", Edge: "192.0.2.9"}}
			})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, policy, err := VerifySettings(tc.v, tc.cfg, cmp.Or(tc.network, purge.Production), tc.hosts, func(k string) string { return tc.env[k] })
			if err != nil {
				t.Fatal(err)
			}
			if d := gocmp.Diff(tc.want, got); d != "" {
				t.Errorf("settings (-want +got):\n%s", d)
			}
			if policy != tc.policy {
				t.Errorf("on-stale %q, want %q", policy, tc.policy)
			}
		})
	}
}

// Every value VerifySettings refuses says which flag, config key or
// variable to fix, and a bad key is never quoted.
func TestVerifySettingsErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    Verify
		cfg  VerifyDefaults
		env  map[string]string
		err  string
	}{
		{"bad flag sample", Verify{Sample: "x"}, VerifyDefaults{}, nil, `--sample "x": give all`},
		{"bad config sample", Verify{}, VerifyDefaults{Sample: "0%"}, nil, `the config's verify.sample "0%"`},
		{"bad flag debug", Verify{Debug: "loud"}, VerifyDefaults{}, nil, `--debug: debug "loud": use auto, pragma, enhanced or off`},
		{"bad config debug", Verify{}, VerifyDefaults{Debug: "loud"}, nil, `the config's verify.debug: debug "loud"`},
		{"enhanced without a key", Verify{Debug: "enhanced"}, VerifyDefaults{}, nil,
			"--debug enhanced needs the property's Enhanced Debug key in AKAMAI_DEBUG_KEY"},
		{"the config's enhanced without a key", Verify{}, VerifyDefaults{Debug: "enhanced"}, map[string]string{"AKAMAI_DEBUG_KEY": "  "},
			"the config's verify.debug enhanced needs the property's Enhanced Debug key in AKAMAI_DEBUG_KEY"},
		{"a key that is not hex", Verify{}, VerifyDefaults{}, map[string]string{"AKAMAI_DEBUG_KEY": "s3cr3t-value"},
			"AKAMAI_DEBUG_KEY: the Enhanced Debug key is not hex (12 characters"},
		{"bad flag on-stale", Verify{OnStale: "ignore"}, VerifyDefaults{}, nil, `--on-stale "ignore": use fail (exit 1) or warn (exit 0)`},
		{"bad config on-stale", Verify{}, VerifyDefaults{OnStale: "never"}, nil, `the config's verify.on_stale "never"`},
		{"bad flag origin", Verify{Origin: "ftp://o"}, VerifyDefaults{}, nil, `--origin "ftp://o": give the origin's scheme and host only`},
		{"bad connect-to names its position", Verify{ConnectTo: []string{"a:b", "c:d", ":e"}}, VerifyDefaults{}, nil,
			`--connect-to #3: ":e": it needs the site's host and the edge`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := VerifySettings(tc.v, tc.cfg, purge.Staging, []string{"www.example.com"}, func(k string) string { return tc.env[k] })
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("error %v, want one with %q", err, tc.err)
			}
			if k := tc.env["AKAMAI_DEBUG_KEY"]; strings.TrimSpace(k) != "" && strings.Contains(err.Error(), k) {
				t.Errorf("the error quotes the key: %v", err)
			}
		})
	}
}
