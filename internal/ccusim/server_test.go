package ccusim_test

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

func TestGatewayAuthErrors(t *testing.T) {
	var logMu sync.Mutex
	var logs []string
	logf := func(format string, args ...any) {
		logMu.Lock()
		defer logMu.Unlock()
		logs = append(logs, fmt.Sprintf(format, args...))
	}
	s := start(t, ccusim.Options{Logf: logf})
	skewed := start(t, ccusim.Options{AuthNow: func() time.Time { return time.Now().Add(time.Minute) }})
	body := urls("https://e.com/a")
	const path = "/ccu/v3/invalidate/url/staging"
	cred := s.Credential()
	tests := []struct {
		name   string
		sim    *sim
		call   call
		status int
		detail string
	}{
		{"tampered body", s, withAfterSign(post(path, body), replaceBody(urls("https://e.com/b"))), 401, "The signature does not match"},
		{"wrong access token", s, withAfterSign(post(path, body), editAuth(cred.AccessToken, "akab-wrong")), 401, "The signature does not match"},
		{"unknown client token", s, withAfterSign(post(path, body), editAuth(cred.ClientToken, "akab-unknown")), 400, "Invalid client token"},
		{"no Authorization", s, withAfterSign(post(path, body), func(r *http.Request) { r.Header.Del("Authorization") }), 401,
			"Missing or malformed EG1-HMAC-SHA256 Authorization header"},
		{"clock skew", skewed, post(path, body), 400, "Invalid timestamp"},
		{"auth before routing", s, withAfterSign(get("/nowhere"), editAuth(cred.AccessToken, "akab-wrong")), 401, "The signature does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.sim.do(t, tc.call)
			want := gatewayWant(tc.sim, tc.call, tc.status, tc.detail)
			if diff := cmp.Diff(want, pick(r.body, "type", "title", "status", "detail", "instance", "method")); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			if r.status != tc.status || r.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("status %d %q, want %d application/problem+json", r.status, r.header.Get("Content-Type"), tc.status)
			}
			if id, _ := r.body["requestId"].(string); id == "" {
				t.Errorf("no requestId: %s", r.raw)
			}
			if _, err := time.Parse(time.RFC3339, fmt.Sprint(r.body["requestTime"])); err != nil {
				t.Errorf("requestTime: %v", err)
			}
			assertNoSecrets(t, tc.sim.Credential(), r.raw)
		})
	}
	if got := s.Requests(); got != 5 {
		t.Errorf("Requests() = %d, want 5 (rejected requests count too)", got)
	}
	if len(s.Purges()) != 0 || len(skewed.Purges()) != 0 {
		t.Error("an unauthenticated request was recorded as a purge")
	}
	logMu.Lock()
	defer logMu.Unlock()
	assertNoSecrets(t, cred, strings.Join(logs, "\n"))
	if !strings.Contains(strings.Join(logs, "\n"), "POST "+path+" 401") {
		t.Errorf("log lacks method, path and status:\n%s", strings.Join(logs, "\n"))
	}
}

func withAfterSign(c call, f func(*http.Request)) call {
	c.afterSign = f
	return c
}

// editAuth replaces part of the signed Authorization header.
func editAuth(old, repl string) func(*http.Request) {
	return func(r *http.Request) {
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), old, repl, 1))
	}
}

func gatewayWant(s *sim, c call, status int, detail string) map[string]any {
	typ, title := "https://problems.luna.akamaiapis.net/-/pep-authn/deny", "Not authorized"
	if status == 400 {
		typ, title = "https://problems.luna.akamaiapis.net/-/pep-authn/request-error", "Bad request"
	}
	return map[string]any{"type": typ, "title": title, "status": float64(status), "detail": detail,
		"instance": s.URL() + c.path, "method": c.method}
}

func assertNoSecrets(t *testing.T, c ccusim.Credential, text string) {
	t.Helper()
	for _, secret := range []string{c.ClientSecret, c.ClientToken, c.AccessToken, "client_token=", "signature="} {
		if strings.Contains(text, secret) {
			t.Errorf("output contains a credential or the Authorization header:\n%s", text)
		}
	}
}

func TestNonceReplayOverHTTPS(t *testing.T) {
	s := start(t, ccusim.Options{})
	var saved string
	first := withAfterSign(get("/ccu/v2/queues/default"), func(r *http.Request) { saved = r.Header.Get("Authorization") })
	replay := withAfterSign(get("/ccu/v2/queues/default"), func(r *http.Request) { r.Header.Set("Authorization", saved) })
	got := []int{s.do(t, first).status, s.do(t, replay).status}
	if diff := cmp.Diff([]int{200, 401}, got); diff != "" {
		t.Errorf("statuses of request and its replay (-want +got):\n%s", diff)
	}
}

func TestWriteFiles(t *testing.T) {
	s := start(t, ccusim.Options{})
	dir := t.TempDir()
	edgerc, caFile, err := s.WriteFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(edgerc)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o600 {
		t.Errorf(".edgerc mode %v, want 0600", got)
	}
	for _, section := range []string{"ccu", "default"} {
		t.Run(section, func(t *testing.T) {
			cfg, err := edgegrid.New(edgegrid.WithFile(edgerc), edgegrid.WithSection(section))
			if err != nil {
				t.Fatal(err)
			}
			c := s.Credential()
			want := []string{s.Host(), c.ClientToken, c.ClientSecret, c.AccessToken}
			if diff := cmp.Diff(want, []string{cfg.Host, cfg.ClientToken, cfg.ClientSecret, cfg.AccessToken}); diff != "" {
				t.Errorf("[%s] (-want +got):\n%s", section, diff)
			}
		})
	}
	pemBytes, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(pemBytes)
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil || !ca.IsCA || filepath.Dir(caFile) != dir {
		t.Errorf("ca.pem: CA=%v err=%v path=%s", ca != nil && ca.IsCA, err, caFile)
	}
}

func TestStartRejectsIncompleteCredential(t *testing.T) {
	tests := []ccusim.Credential{
		{ClientSecret: "s", AccessToken: "a"},
		{ClientToken: "c", AccessToken: "a"},
		{ClientToken: "c", ClientSecret: "s"},
	}
	for i, c := range tests {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			s, err := ccusim.Start(ccusim.Options{Credentials: []ccusim.Credential{c}})
			if err == nil {
				s.Close()
				t.Fatal("Start accepted an incomplete credential")
			}
		})
	}
}

func TestConfiguredCredentials(t *testing.T) {
	creds := []ccusim.Credential{
		{ClientToken: "akab-one", ClientSecret: "c2VjcmV0MQ==", AccessToken: "akab-at1"},
		{ClientToken: "akab-two", ClientSecret: "c2VjcmV0Mg==", AccessToken: "akab-at2"},
	}
	s := start(t, ccusim.Options{Credentials: creds})
	if diff := cmp.Diff(creds[0], s.Credential()); diff != "" {
		t.Errorf("Credential() (-want +got):\n%s", diff)
	}
	for _, c := range creds {
		t.Run(c.ClientToken, func(t *testing.T) {
			s.cfg.ClientToken, s.cfg.ClientSecret, s.cfg.AccessToken = c.ClientToken, c.ClientSecret, c.AccessToken
			if r := s.do(t, get("/ccu/v2/queues/default")); r.status != http.StatusOK {
				t.Errorf("status %d, want 200: %s", r.status, r.raw)
			}
		})
	}
}

func TestConcurrentPurges(t *testing.T) {
	s := start(t, ccusim.Options{})
	const n = 24
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := []string{"/ccu/v3/invalidate/url", "/ccu/v2/queues/default"}[i%2]
			statuses[i] = s.do(t, post(path, urls(fmt.Sprintf("https://e.com/%d", i)))).status
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusCreated {
			t.Errorf("request %d: status %d", i, st)
		}
	}
	ids := map[string]bool{}
	for _, p := range s.Purges() {
		ids[p.PurgeID] = true
	}
	if len(ids) != n || s.Requests() != n {
		t.Errorf("%d distinct purge IDs and %d requests, want %d each", len(ids), s.Requests(), n)
	}
}
