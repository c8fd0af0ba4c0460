package ccusim_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// fakeClock drives purge lifecycles without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 11, 23, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// sim is a running simulator plus an independent client: edgegrid-golang v13 loaded from the
// .edgerc the simulator wrote, over HTTPS trusting only the simulator's CA.
type sim struct {
	*ccusim.Server
	cfg    *edgegrid.Config
	client *http.Client
}

func start(t *testing.T, opts ccusim.Options) *sim {
	t.Helper()
	srv, err := ccusim.Start(opts)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	edgerc, _, err := srv.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatalf("WriteFiles: %v", err)
	}
	cfg, err := edgegrid.New(edgegrid.WithFile(edgerc), edgegrid.WithSection("ccu"))
	if err != nil {
		t.Fatalf("load .edgerc: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CACertPEM()) {
		t.Fatal("CACertPEM holds no certificate")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return &sim{Server: srv, cfg: cfg, client: &http.Client{Transport: tr}}
}

// call is one request; contentType "" sends none, afterSign may tamper with the signed request.
type call struct {
	method, path, contentType, body string
	afterSign                       func(*http.Request)
}

// reply is the decoded response.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	raw    string
	proto  int // HTTP major version
}

// post is a signed JSON POST.
func post(path, body string) call {
	return call{method: http.MethodPost, path: path, contentType: "application/json", body: body}
}

func get(path string) call { return call{method: http.MethodGet, path: path} }

// do signs and sends c. It reports failures with t.Errorf (not Fatal) so that concurrent tests
// may call it from goroutines; a failed exchange returns status 0.
func (s *sim) do(t *testing.T, c call) reply {
	t.Helper()
	r, err := s.send(context.Background(), s.client, c)
	if err != nil {
		t.Errorf("%s %s: %v", c.method, c.path, err)
		return reply{}
	}
	if err := json.Unmarshal([]byte(r.raw), &r.body); len(r.raw) > 0 && err != nil {
		t.Errorf("%s %s: response is not a JSON object: %v\n%s", c.method, c.path, err, r.raw)
	}
	return r
}

// send signs and sends c with client under ctx, returning the raw reply or the transport error
// (which the fault-injection tests expect).
func (s *sim) send(ctx context.Context, client *http.Client, c call) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, c.method, s.URL()+c.path, strings.NewReader(c.body))
	if err != nil {
		return reply{}, err
	}
	if c.contentType != "" {
		req.Header.Set("Content-Type", c.contentType)
	}
	s.cfg.SignRequest(req)
	if c.afterSign != nil {
		c.afterSign(req)
	}
	resp, err := client.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, raw: string(raw), proto: resp.ProtoMajor}, err
}

// freshClient trusts the simulator like s.client but never reuses a connection, so Go's
// transport cannot transparently retry a request whose connection the simulator dropped.
func (s *sim) freshClient(t *testing.T, timeout time.Duration) *http.Client {
	return s.protoClient(t, timeout, false)
}

// protoClient is freshClient speaking HTTP/2 when h2 is set, as clients built on
// http.DefaultTransport do.
func (s *sim) protoClient(t *testing.T, timeout time.Duration, h2 bool) *http.Client {
	t.Helper()
	base := s.client.Transport.(*http.Transport)
	tr := &http.Transport{TLSClientConfig: base.TLSClientConfig.Clone(), DisableKeepAlives: true, ForceAttemptHTTP2: h2}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: timeout}
}

// objects renders {"objects":[…]} from raw JSON items (quote strings yourself).
func objects(items ...string) string {
	return `{"objects":[` + strings.Join(items, ",") + `]}`
}

// urls renders {"objects":[…]} from strings.
func urls(items ...string) string {
	b, _ := json.Marshal(map[string][]string{"objects": items})
	return string(b)
}

// replaceBody swaps the body after signing, keeping its length, to prove the hash is checked.
func replaceBody(body string) func(*http.Request) {
	return func(r *http.Request) {
		r.Body = io.NopCloser(bytes.NewReader([]byte(body)))
		r.ContentLength = int64(len(body))
	}
}

// pick keeps only the named keys of a decoded body, so random IDs can be checked separately.
func pick(m map[string]any, keys ...string) map[string]any {
	out := map[string]any{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}
