package ccu

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func writeEdgerc(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "edgerc")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const section = "host = akab-h.purge.akamaiapis.net\nclient_token = ct\nclient_secret = cs\naccess_token = at\n"

// hostIs is a [ccu] section with host h.
func hostIs(h string) string {
	return "[ccu]\nhost = " + h + "\nclient_token = ct\nclient_secret = cs\naccess_token = at\n"
}

// noEnv is an environment without variables: the tests read no AKAMAI_*
// a developer may have set.
func noEnv(string) string { return "" }

func TestLoadCredentials(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, section string
		explicit            bool
		wantHost, wantErr   string
	}{
		{"ccu section", "[default]\nhost = d\nclient_token = x\nclient_secret = y\naccess_token = z\n[ccu]\n" + section, "ccu", false, "akab-h.purge.akamaiapis.net", ""},
		{"falls back to default", "[default]\n" + section, "ccu", false, "akab-h.purge.akamaiapis.net", ""},
		{"explicit section does not fall back", "[default]\n" + section, "ccu", true, "", "has no [ccu] section"},
		{"missing field", "[ccu]\nhost = h\nclient_token = ct\naccess_token = at\n", "ccu", false, "", `lacks a field: required option is missing from edgerc: "client_secret"`},
		{"malformed file", "[ccu]\nhost = h\nclient_secret SECRETVALUE123\n", "ccu", false, "", "cannot parse"},
		{"host with scheme", "[ccu]\nhost = https://akab-h.purge.akamaiapis.net\nclient_token = ct\nclient_secret = SECRETVALUE123\naccess_token = at\n", "ccu", false, "", "without https://"},
		{"host with slash", "[ccu]\nhost = akab-h.purge.akamaiapis.net/\nclient_token = ct\nclient_secret = cs\naccess_token = at\n", "ccu", false, "", "without https:// or a trailing /"},
		{"unbracketed IPv6 with port", hostIs("::1:8443"), "ccu", false, "", "write an IPv6 host in brackets: [::1]:8443"},
		{"unbracketed IPv6 without port", hostIs("fe80::1"), "ccu", false, "", "write an IPv6 host in brackets: [fe80::1]"},
		{"unbracketed IPv6 with a long port", hostIs("2001:db8::1:443"), "ccu", false, "", "brackets: [2001:db8::1]:443"},
		{"bracketed IPv6 with port", hostIs("[::1]:8443"), "ccu", false, "[::1]:8443", ""},
		{"bracketed IPv6 without port", hostIs("[::1]"), "ccu", false, "[::1]", ""},
		{"host with port", hostIs("127.0.0.1:8443"), "ccu", false, "127.0.0.1:8443", ""},
		{"port 0", hostIs("akab-h.purge.akamaiapis.net:0"), "ccu", false, "", "a number from 1 to 65535"},
		{"port 99999", hostIs("akab-h.purge.akamaiapis.net:99999"), "ccu", false, "", "a number from 1 to 65535"},
		{"empty port", hostIs("akab-h.purge.akamaiapis.net:"), "ccu", false, "", "a number from 1 to 65535"},
		{"brackets around a name", hostIs("[akab-h.purge.akamaiapis.net]:443"), "ccu", false, "", "brackets are only for an IPv6 address"},
		{"stray bracket", hostIs("akab-h]"), "ccu", false, "", "brackets are only for an IPv6 address"},
		{"colons in a secret are not echoed", hostIs("SECRETVALUE123:a:b"), "ccu", false, "", "write an IPv6 host in brackets: [ADDRESS]:PORT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := LoadCredentials(Source{Edgerc: writeEdgerc(t, tc.file), Section: tc.section, SectionSet: tc.explicit, Getenv: noEnv})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !errors.Is(err, ErrNoCredentials) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "SECRETVALUE123") {
					t.Errorf("error shows the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.wantHost || cfg.MaxBody != 131072 {
				t.Errorf("host %q max body %d", cfg.Host, cfg.MaxBody)
			}
		})
	}
	if _, err := LoadCredentials(Source{Edgerc: filepath.Join(t.TempDir(), "none"), Section: "ccu", Getenv: noEnv}); err == nil || !strings.Contains(err.Error(), "AKAMAI_CCU_*") {
		t.Errorf("missing file: %v", err)
	}
}

// AKAMAI_{SECTION}_* variables, read through Source.Getenv, come before
// the file.
func TestLoadCredentialsFromEnv(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"AKAMAI_CCU_HOST": "env-host.example", "AKAMAI_CCU_CLIENT_TOKEN": "a", "AKAMAI_CCU_CLIENT_SECRET": "b", "AKAMAI_CCU_ACCESS_TOKEN": "c"}
	getenv := func(k string) string { return vars[k] }
	cfg, err := LoadCredentials(Source{Edgerc: filepath.Join(t.TempDir(), "none"), Section: "ccu", Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "env-host.example" || cfg.MaxBody != 131072 {
		t.Errorf("host %q max body %d", cfg.Host, cfg.MaxBody)
	}
}

// TestLoadCredentialsGetenv: which variables are read for which section,
// how they rank against the file, and HOME for "~/", all through Getenv.
// Some of a section's variables set and others empty (a CI secret that
// is missing expands to "") is refused, naming the empty ones: falling
// back to the .edgerc would purge with whatever account it holds.
func TestLoadCredentialsPartialEnv(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".edgerc"), []byte(hostIs("file-host.example")+"\n[default]\n"+section), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, section string
		vars          map[string]string
		want          string
	}{
		{"ccu secret empty", "ccu", map[string]string{"AKAMAI_CCU_HOST": "h.example", "AKAMAI_CCU_CLIENT_TOKEN": "akab-t", "AKAMAI_CCU_ACCESS_TOKEN": "akab-a"},
			"AKAMAI_CCU_CLIENT_SECRET empty or unset while the other AKAMAI_CCU variables are set: set all four (AKAMAI_CCU_HOST, _CLIENT_TOKEN, _CLIENT_SECRET, _ACCESS_TOKEN), or none to read the .edgerc"},
		{"only the host", "ccu", map[string]string{"AKAMAI_CCU_HOST": "h.example"},
			"AKAMAI_CCU_CLIENT_TOKEN, AKAMAI_CCU_CLIENT_SECRET, AKAMAI_CCU_ACCESS_TOKEN empty or unset"},
		{"default, after ccu", "ccu", map[string]string{"AKAMAI_HOST": "h.example", "AKAMAI_CLIENT_SECRET": "s3cr3t"},
			"AKAMAI_CLIENT_TOKEN, AKAMAI_ACCESS_TOKEN empty or unset while the other AKAMAI variables are set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			home := home
			if tc.name == "default, after ccu" {
				home = t.TempDir() // no file: ccu is found nowhere, default is tried
			}
			vars := maps.Clone(tc.vars)
			vars["HOME"] = home
			_, err := LoadCredentials(Source{Edgerc: "~/.edgerc", Section: tc.section, Getenv: func(k string) string { return vars[k] }})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrNoCredentials) {
				t.Fatalf("error %v, want one with %q wrapping ErrNoCredentials", err, tc.want)
			}
			for _, v := range tc.vars {
				if strings.Contains(err.Error(), v) {
					t.Errorf("the error shows the value %q: %v", v, err)
				}
			}
		})
	}
}

func TestLoadCredentialsGetenv(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	if err := os.WriteFile(filepath.Join(home, ".edgerc"), []byte(hostIs("file-host.example")), 0o600); err != nil {
		t.Fatal(err)
	}
	four := func(prefix, host string) map[string]string {
		return map[string]string{prefix + "HOST": host, prefix + "CLIENT_TOKEN": "a", prefix + "CLIENT_SECRET": "b", prefix + "ACCESS_TOKEN": "c"}
	}
	with := func(m map[string]string, k, v string) map[string]string {
		m[k] = v
		return m
	}
	for _, tc := range []struct {
		name                 string
		vars                 map[string]string
		section              string
		fileOnly, sectionSet bool
		wantHost             string
		wantMaxBody          int
		wantAccountKey       string
	}{
		{"section variables", four("AKAMAI_CCU_", "ccu-env.example"), "ccu", false, false, "ccu-env.example", 131072, ""},
		{"max body and account key", with(with(four("AKAMAI_CCU_", "ccu-env.example"), "AKAMAI_CCU_MAX_BODY", "2048"), "AKAMAI_CCU_ACCOUNT_KEY", "1-ABC"), "ccu", false, false, "ccu-env.example", 2048, "1-ABC"},
		{"max body that is no number", with(four("AKAMAI_CCU_", "ccu-env.example"), "AKAMAI_CCU_MAX_BODY", "big"), "ccu", false, false, "ccu-env.example", 131072, ""},
		{"--edgerc with a variable empty: the file", with(four("AKAMAI_CCU_", "ccu-env.example"), "AKAMAI_CCU_ACCESS_TOKEN", ""), "ccu", true, false, "file-host.example", 131072, ""},
		{"--edgerc: the file wins", four("AKAMAI_CCU_", "ccu-env.example"), "ccu", true, false, "file-host.example", 131072, ""},
		{"default section reads AKAMAI_*", four("AKAMAI_", "plain-env.example"), "default", false, true, "plain-env.example", 131072, ""},
		{"ccu falls back to AKAMAI_* without a file section", with(four("AKAMAI_", "plain-env.example"), "HOME", t.TempDir()), "ccu", false, false, "plain-env.example", 131072, ""},
		{"AKAMAI_* is not read for ccu", four("AKAMAI_", "plain-env.example"), "ccu", false, false, "file-host.example", 131072, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vars := maps.Clone(tc.vars)
			if _, ok := vars["HOME"]; !ok {
				vars["HOME"] = home
			}
			src := Source{Edgerc: "~/.edgerc", Section: tc.section, FileOnly: tc.fileOnly, SectionSet: tc.sectionSet, Getenv: func(k string) string { return vars[k] }}
			cfg, err := LoadCredentials(src)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Host != tc.wantHost || cfg.MaxBody != tc.wantMaxBody || cfg.AccountKey != tc.wantAccountKey {
				t.Errorf("host %q max body %d account key %q, want %q %d %q", cfg.Host, cfg.MaxBody, cfg.AccountKey, tc.wantHost, tc.wantMaxBody, tc.wantAccountKey)
			}
		})
	}
}

// TestLoadCredentialsHomeMissing: "~/.edgerc" under a HOME without one
// says so, naming the file as given.
func TestLoadCredentialsHomeMissing(t *testing.T) {
	t.Parallel()
	home := t.TempDir()
	_, err := LoadCredentials(Source{Edgerc: "~/.edgerc", Section: "ccu", Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }})
	if want := "~/.edgerc does not exist and AKAMAI_CCU_* variables are not set"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v, want one containing %q", err, want)
	}
}

func client(t testing.TB, sim *ccusim.Server) *Client {
	t.Helper()
	edgerc, ca, err := sim.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	creds, err := LoadCredentials(Source{Edgerc: edgerc, Section: "ccu", SectionSet: true, FileOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(creds, Options{CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPurgeErrors(t *testing.T) {
	sim, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	c := client(t, sim)
	b := purge.Batch{API: "fast-purge", Action: "invalidate", Network: "staging", Type: "cpcode", Objects: []string{"12345"}}
	res, err := c.Purge(context.Background(), b)
	if err != nil || res.HTTPStatus != 201 || !strings.HasPrefix(res.PurgeID, "edcp-") {
		t.Fatalf("purge = %+v, %v", res, err)
	}
	sim.Fail(1, 500, "", "")
	_, err = c.Purge(context.Background(), b)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 500 || ae.SupportID == "" || !strings.Contains(err.Error(), "HTTP 500: internal error") {
		t.Errorf("500: %v (%+v)", err, ae)
	}
	// The gateway's form: status and requestId, not httpStatus and supportId.
	bad := *c.cfg
	bad.ClientSecret = "bm90LXRoZS1zZWNyZXQ="
	c2 := &Client{cfg: &bad, http: c.http, opts: c.opts}
	_, err = c2.Purge(context.Background(), b)
	if !errors.As(err, &ae) || ae.Status != 401 || ae.RequestID == "" || ae.Detail != "The signature does not match" {
		t.Errorf("401: %v (%+v)", err, ae)
	}
}

func TestRequestBodies(t *testing.T) {
	for _, tc := range []struct {
		b              purge.Batch
		path, wantBody string
	}{
		{purge.Batch{API: "fast-purge", Action: "delete", Network: "production", Type: "arl", Objects: []string{"/L/1/2/1h/a.com/x"}},
			"/ccu/v3/delete/url/production", `{"objects":["/L/1/2/1h/a.com/x"]}`},
		{purge.Batch{API: "fast-purge", Action: "invalidate", Network: "staging", Type: "cpcode", Objects: []string{"12", "34"}},
			"/ccu/v3/invalidate/cpcode/staging", `{"objects":[12,34]}`},
		{purge.Batch{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency", Type: "url", Objects: []string{"https://a.com/<x>"}},
			"/ccu/v2/queues/emergency", `{"objects":["https://a.com/\u003cx\u003e"],"type":"arl","action":"remove","domain":"staging"}`},
	} {
		path, body, err := Request(tc.b)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{tc.path, tc.wantBody}, []string{path, string(body)}); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
	}
}

// DryRun builds every request as Submit would and sends none; a batch
// that cannot be built ends with its error and is not handed on.
func TestDryRun(t *testing.T) {
	t.Parallel()
	good := purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Staging, Type: purge.URL, Objects: []string{"https://www.example.com/a"}}
	bad := purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Staging, Type: purge.CPCode, Objects: []string{"12x"}}
	var would []string
	sent := DryRun([]purge.Batch{good, bad}, func(b purge.Batch, path string, body []byte) {
		would = append(would, path+" "+string(body))
	})
	if want := []string{`/ccu/v3/invalidate/url/staging {"objects":["https://www.example.com/a"]}`}; !slices.Equal(would, want) {
		t.Errorf("would send %q, want %q", would, want)
	}
	if len(sent) != 2 || sent[0].Err != nil || sent[0].Attempts != 0 || sent[1].Batch != 1 || sent[1].Err == nil || !strings.Contains(sent[1].Err.Error(), `CP code "12x" is not a number`) {
		t.Errorf("sent = %+v", sent)
	}
}

// Host loads the credentials only when the state file wants the account,
// and is "" when they do not load.
func TestHost(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"AKAMAI_CCU_HOST": "akab-h.purge.akamaiapis.net", "AKAMAI_CCU_CLIENT_TOKEN": "a", "AKAMAI_CCU_CLIENT_SECRET": "b", "AKAMAI_CCU_ACCESS_TOKEN": "c", "HOME": t.TempDir()}
	src := Source{Edgerc: "~/.edgerc", Section: "ccu", Getenv: func(k string) string { return vars[k] }}
	if got := Host(src, true); got != "akab-h.purge.akamaiapis.net" {
		t.Errorf("Host = %q", got)
	}
	if got := Host(src, false); got != "" {
		t.Errorf("Host not wanted = %q, want \"\"", got)
	}
	if got := Host(Source{Edgerc: "~/.edgerc", Section: "ccu", Getenv: noEnv}, true); got != "" {
		t.Errorf("Host without credentials = %q, want \"\"", got)
	}
}
