package verify

import (
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fake is an edge (and origin) on loopback TLS. It answers only the
// routes its test gives, keyed "host/path", and fails the test on any
// other request.
type fake struct {
	t      testing.TB
	srv    *httptest.Server
	routes map[string]http.HandlerFunc

	mu    sync.Mutex
	asked map[string]int
	seen  []http.Header

	inFlight, maxInFlight atomic.Int32
}

func newFake(t testing.TB, routes map[string]http.HandlerFunc) *fake {
	t.Helper()
	f := &fake{t: t, routes: routes, asked: map[string]int{}}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	// A dial the client raced and no longer needs is cut when the fake
	// closes; that is not the test's business.
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	n := f.inFlight.Add(1)
	defer f.inFlight.Add(-1)
	for m := f.maxInFlight.Load(); n > m && !f.maxInFlight.CompareAndSwap(m, n); m = f.maxInFlight.Load() {
	}
	key := r.Host + r.URL.Path
	f.mu.Lock()
	f.asked[key]++
	f.seen = append(f.seen, r.Header.Clone())
	f.mu.Unlock()
	if r.Method != http.MethodGet {
		f.t.Errorf("fake: %s %s; verify only GETs", r.Method, key)
	}
	h, ok := f.routes[key]
	if !ok {
		f.t.Errorf("fake: unexpected request for %s", key)
		http.Error(w, "unexpected", http.StatusTeapot)
		return
	}
	h(w, r)
}

func (f *fake) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[key]
}

func (f *fake) headers() []http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]http.Header(nil), f.seen...)
}

// settings reach the fake for the site's hosts and the origin through
// connect-to, trusting its certificate (valid for *.example.com).
func (f *fake) settings() Settings {
	_, port, _ := net.SplitHostPort(f.srv.Listener.Addr().String())
	pool := x509.NewCertPool()
	pool.AddCert(f.srv.Certificate())
	var cs []ConnectTo
	for _, h := range []string{"www.example.com", "other.example.com", "origin.example.com"} {
		cs = append(cs, ConnectTo{Host: h, Edge: "127.0.0.1", Port: port})
	}
	return Settings{RootCAs: pool, ConnectTo: cs, Backoff: time.Millisecond, Timeout: 5 * time.Second}
}

// body answers 200 with b and the given headers.
func body(b string, kv ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(kv); i += 2 {
			w.Header().Set(kv[i], kv[i+1])
		}
		_, _ = w.Write([]byte(b))
	}
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
}
