package mapper

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// withVerify is a valid config whose verify: section is body (indented
// by the caller): its first key is at line 5, column 3.
func withVerify(body string) string { return rule1 + "verify:\n" + body }

func TestVerifyConfig(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(withVerify(`  sample: 10%
  seed: -7
  timeout: 90s
  concurrency: 16
  on_stale: fail
  site_dir: ./public/
  base_path: /docs/
  origin: HTTPS://Origin.Example.COM:8443/
  debug: Enhanced
  staging_edge: WWW.Example.com.edgekey-staging.net
  connect_to: ["www.example.com:192.0.2.10", "static.example.com:[2001:db8::1]:8443"]
  hosts: [WWW.Example.COM, bücher.example, www.example.com]
  normalize:
    - match: "**/*.html"
      strip: ['<meta name="generator"[^>]*>', 'data-build="[^"]*"']
    - strip: 'nonce="[^"]*"'
`)))
	if err != nil {
		t.Fatal(err)
	}
	want := VerifyConfig{
		Sample: "10%", Seed: -7, SeedSet: true, Timeout: 90 * time.Second, Concurrency: 16, OnStale: "fail",
		SiteDir: "public", BasePath: "/docs", Origin: "https://origin.example.com:8443", Debug: "enhanced",
		StagingEdge: "www.example.com.edgekey-staging.net",
		ConnectTo: []verify.ConnectTo{
			{Host: "www.example.com", Edge: "192.0.2.10"},
			{Host: "static.example.com", Edge: "2001:db8::1", Port: "8443"},
		},
		Hosts: []string{"www.example.com", "xn--bcher-kva.example"},
		Normalize: []verify.Normalizer{
			{Glob: "**/*.html", Strip: []string{`<meta name="generator"[^>]*>`, `data-build="[^"]*"`}},
			{Strip: []string{`nonce="[^"]*"`}},
		},
		Set: true,
	}
	if d := cmp.Diff(want, cfg.Verify); d != "" {
		t.Errorf("Verify (-want +got):\n%s", d)
	}
}

// A config without the section has the zero VerifyConfig, so every
// default is the caller's; "verify:" alone or {} says it is present.
func TestVerifyConfigUnset(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      VerifyConfig
	}{
		{"absent", rule1, VerifyConfig{}},
		{"null", rule1 + "verify:\n", VerifyConfig{Set: true}},
		{"empty mapping", rule1 + "verify: {}\n", VerifyConfig{Set: true}},
		{"seed 0 is set", withVerify("  seed: 0\n"), VerifyConfig{SeedSet: true, Set: true}},
		{"root base path", withVerify("  base_path: /\n"), VerifyConfig{BasePath: "/", Set: true}},
		{"base path slashes", withVerify("  base_path: //\n"), VerifyConfig{BasePath: "/", Set: true}},
		{"origin without slash", withVerify("  origin: http://o.example.com\n"), VerifyConfig{Origin: "http://o.example.com", Set: true}},
		{"sample all", withVerify("  sample: ALL\n"), VerifyConfig{Sample: "ALL", Set: true}},
		{"sample count", withVerify("  sample: 20\n"), VerifyConfig{Sample: "20", Set: true}},
		{"debug auto", withVerify("  debug: auto\n"), VerifyConfig{Debug: "auto", Set: true}},
		{"one connect_to", withVerify("  connect_to: a.com:b.net:443\n"), VerifyConfig{ConnectTo: []verify.ConnectTo{{Host: "a.com", Edge: "b.net", Port: "443"}}, Set: true}},
		{"one host", withVerify("  hosts: a.com\n"), VerifyConfig{Hosts: []string{"a.com"}, Set: true}},
		{"site_dir with a colon", withVerify("  site_dir: 'out:x/'\n"), VerifyConfig{SiteDir: "out:x", Set: true}},
		{"site_dir dot", withVerify("  site_dir: .\n"), VerifyConfig{SiteDir: ".", Set: true}},
		{"timeout 1h", withVerify("  timeout: 1h\n"), VerifyConfig{Timeout: time.Hour, Set: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.yml))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, cfg.Verify); d != "" {
				t.Errorf("Verify (-want +got):\n%s", d)
			}
		})
	}
}

func TestVerifyConfigErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body string
		want       []string
	}{
		{"not a mapping", "  - sample\n", []string{"c.yml:5:3: verify must be a mapping of keys to values"}},
		{"unknown key", "  smaple: 10%\n", []string{`c.yml:5:3: unknown key "smaple" in verify; did you mean "sample"? valid keys are base_path, concurrency, connect_to, debug, hosts, normalize, on_stale, origin, sample, seed, site_dir, staging_edge, timeout`}},
		{"repeated key", "  seed: 1\n  seed: 2\n", []string{`c.yml:6:3: key "seed" appears twice in verify`}},
		{"sample zero", "  sample: 0\n", []string{`c.yml:5:11: verify.sample "0": give all, a count of URLs (20) or a share (10%)`}},
		{"sample share", "  sample: 150%\n", []string{`c.yml:5:11: verify.sample "150%": a share is more than 0% and at most 100%`}},
		{"sample list", "  sample: [1]\n", []string{"c.yml:5:11: verify.sample must be a single value"}},
		{"seed", "  seed: 1.5\n", []string{`c.yml:5:9: verify.seed must be a whole number (the same seed picks the same URLs), not "1.5"`}},
		{"timeout unit", "  timeout: 60\n", []string{`c.yml:5:12: verify.timeout must be a duration above 0 and at most 1h, with its unit (60s, 2m), not "60"`}},
		{"timeout zero", "  timeout: 0s\n", []string{"verify.timeout must be a duration above 0"}},
		{"timeout long", "  timeout: 61m\n", []string{`at most 1h, with its unit (60s, 2m), not "61m"`}},
		{"concurrency", "  concurrency: 65\n", []string{`c.yml:5:16: verify.concurrency must be a whole number from 1 to 64 (requests in flight per host), not "65"`}},
		{"concurrency zero", "  concurrency: 0\n", []string{"from 1 to 64"}},
		{"on_stale", "  on_stale: error\n", []string{`c.yml:5:13: unknown verify.on_stale "error"; valid values are ["warn" "fail"]`}},
		{"on_stale near", "  on_stale: fial\n", []string{`unknown verify.on_stale "fial"; did you mean "fail"?`}},
		{"site_dir absolute", "  site_dir: /srv/www\n", []string{`c.yml:5:13: verify.site_dir "/srv/www" must be relative to the repository root, such as public (give an absolute folder with --site-dir)`}},
		{"site_dir drive", `  site_dir: 'C:\site'` + "\n", []string{"must be relative to the repository root"}},
		{"site_dir outside", "  site_dir: public/../../x\n", []string{`c.yml:5:13: verify.site_dir "public/../../x" leads out of the repository`}},
		{"site_dir empty", "  site_dir: ''\n", []string{"c.yml:5:13: verify.site_dir is empty: name the folder the site is built to"}},
		{"base_path relative", "  base_path: docs\n", []string{`c.yml:5:14: verify.base_path "docs" must start with /, such as /docs`}},
		{"base_path query", "  base_path: /docs?x\n", []string{"must be a path only: drop the query"}},
		{"base_path dots", "  base_path: /a/../b\n", []string{`verify.base_path "/a/../b" has a "." or ".." segment`}},
		{"origin not a URL", "  origin: origin.example.com\n", []string{`c.yml:5:11: verify.origin "origin.example.com": not an absolute http(s) URL: write it as https://origin.example.com`}},
		{"origin path", "  origin: https://o.example.com/site\n", []string{`verify.origin "https://o.example.com/site": drop the path "/site": the URL's own path is asked at the origin`}},
		{"origin query", "  origin: https://o.example.com/?a=1\n", []string{`verify.origin "https://o.example.com/?a=1": give only a scheme and a host`}},
		{"origin user", "  origin: https://u:p@o.example.com\n", []string{"credentials are never sent to the origin: drop the user@"}},
		{"origin port", "  origin: https://o.example.com:0\n", []string{`has the port "0"`}},
		{"origin empty label", "  origin: https://o..example.com\n", []string{`verify.origin "https://o..example.com": host "o..example.com" has two dots in a row`}},
		{"debug", "  debug: verbose\n", []string{`c.yml:5:10: verify.debug "verbose": use auto, pragma, enhanced or off`}},
		{"debug empty", "  debug: ''\n", []string{`verify.debug "": use auto`}},
		{"staging_edge URL", "  staging_edge: https://e.net\n", []string{`c.yml:5:17: verify.staging_edge "https://e.net" must be a host name such as www.example.com, without a scheme, port or path (the edge hostname, such as www.example.com.edgekey-staging.net)`}},
		{"staging_edge label", "  staging_edge: a..net\n", []string{`verify.staging_edge "a..net": host "a..net" has two dots in a row (an empty label)`}},
		{"connect_to", "  connect_to: [www.example.com]\n", []string{`c.yml:5:16: verify.connect_to "www.example.com": it needs the site's host and the edge to connect to; write HOST:EDGE[:PORT]`}},
		{"connect_to port", "  connect_to:\n    - a.com:b.net:99999\n", []string{`c.yml:6:7: verify.connect_to "a.com:b.net:99999": port "99999" is not a number from 1 to 65535`}},
		{"connect_to empty", "  connect_to: []\n", []string{"c.yml:5:15: verify.connect_to is an empty list"}},
		{"hosts URL", "  hosts: [a.com, 'https://b.com']\n", []string{`c.yml:5:18: verify.hosts entry "https://b.com" must be a host name`}},
		{"hosts space", "  hosts: ['a b.com']\n", []string{"must be a host name"}},
		{"normalize not a list", "  normalize: {strip: x}\n", []string{"c.yml:5:14: verify.normalize must be a non-empty list of entries"}},
		{"normalize empty", "  normalize: []\n", []string{"verify.normalize must be a non-empty list"}},
		{"normalize no strip", "  normalize:\n    - match: '*.html'\n", []string{"c.yml:6:7: verify.normalize entry 1 has no strip: add the regexes"}},
		{"normalize unknown key", "  normalize:\n    - strips: x\n", []string{`c.yml:6:7: unknown key "strips" in verify.normalize entry 1; did you mean "strip"? valid keys are match, strip`, "c.yml:6:7: verify.normalize entry 1 has no strip"}},
		{"normalize entry not a mapping", "  normalize: [x]\n", []string{"c.yml:5:15: verify.normalize entry 1 must be a mapping"}},
		{"normalize bad glob", "  normalize:\n    - match: '[x'\n      strip: a\n", []string{`c.yml:6:14: bad glob "[x" in verify.normalize entry 1 match`}},
		{"normalize glob list", "  normalize:\n    - match: [a, b]\n      strip: a\n", []string{"c.yml:6:14: verify.normalize entry 1 match must be a single value"}},
		{"normalize bad regex", "  normalize:\n    - strip: [ok, '(a']\n", []string{`c.yml:6:19: verify.normalize entry 1 strip: bad regex "(a": missing closing ): ` + "`(a`" + ` (Go RE2 syntax)`}},
		{"normalize empty regex", "  normalize:\n    - strip: ''\n", []string{"c.yml:6:14: empty regex in verify.normalize entry 1 strip"}},
		{"normalize second entry", "  normalize:\n    - strip: a\n    - strip: '*'\n", []string{`c.yml:7:14: verify.normalize entry 2 strip: bad regex "*"`}},
		{"too many strip patterns", "  normalize:\n    - strip: [" + strings.Repeat("a,", 200) + "a]\n    - strip: [" + strings.Repeat("b,", 56) + "b]\n", []string{"c.yml:7:7: verify.normalize has over 256 strip patterns, the limit: each pattern runs over every checked body; join them with | in fewer regexes"}},
		{"several", "  seed: x\n  debug: y\n", []string{"c.yml:5:9: verify.seed", "c.yml:6:10: verify.debug"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			wantFragments(t, parseErrs(t, withVerify(tc.body)), tc.want)
		})
	}
}

// A key that looks like a credential is refused with where the key goes
// instead, and its value appears nowhere in the error.
func TestVerifySecretKeys(t *testing.T) {
	t.Parallel()
	const value = "0123456789abcdef0123456789abcdef"
	for _, tc := range []struct{ name, body, want string }{
		{"debug_key", "  debug_key: " + value + "\n", "c.yml:5:3: verify.debug_key: " + secretHint},
		{"upper case", "  Debug_KEY: " + value + "\n", "c.yml:5:3: verify.Debug_KEY: the Enhanced Debug key is a secret: never commit it; set AKAMAI_DEBUG_KEY"},
		{"token", "  token: " + value + "\n", "verify.token: the Enhanced Debug key is a secret"},
		{"secret", "  edge_secret: " + value + "\n", "verify.edge_secret: the Enhanced Debug key is a secret"},
		{"a list value", "  apikey: [" + value + "]\n", "verify.apikey: the Enhanced Debug key is a secret"},
		{"in a normalizer", "  normalize:\n    - strip: a\n      key: " + value + "\n", "c.yml:7:7: verify.normalize entry 1.key: the Enhanced Debug key is a secret"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := parseErrs(t, withVerify(tc.body))
			wantFragments(t, got, []string{tc.want})
			if strings.Contains(got[0], value) || strings.Contains(got[0], "0123") {
				t.Errorf("the error echoes the value: %s", got[0])
			}
		})
	}
}

// staging_edge loads on any network, but on production it does nothing:
// Lint says so, at the key's value.
func TestLintStagingEdge(t *testing.T) {
	t.Parallel()
	const edge = "verify:\n  staging_edge: www.a.com.edgekey-staging.net\n"
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"production", edge + rule1, []string{"c.yml:2:17: warning: verify.staging_edge is used only with network: staging; on production the URLs' own hosts are asked (use verify.connect_to to pick an edge)"}},
		{"staging", "network: staging\n" + edge + rule1, nil},
		{"no staging_edge", "verify:\n  sample: all\n" + rule1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.yml))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range cfg.Lint([]string{"a"}) {
				got = append(got, w.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
		})
	}
}

// The staging_edge warning follows the network a flag or variable chose.
func TestLintStagingEdgeAfterOverride(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("network: staging\nverify:\n  staging_edge: e.net\n"+rule1))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.Override(Overrides{Flags: map[string]string{"network": "production"}}); err != nil {
		t.Fatal(err)
	}
	if ws := cfg.Lint([]string{"a"}); len(ws) != 1 || ws[0].Rule != 0 || ws[0].At != "c.yml:3:17" {
		t.Errorf("Lint = %+v, want one warning at c.yml:3:17 with Rule 0", ws)
	}
}
