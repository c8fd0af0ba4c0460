package ccusim_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// site is the hostname the edge tests ask for.
const site = "www.example.com"

// oldTime and newTime are file mtimes: a deploy that keeps oldTime changes bytes but not
// Last-Modified.
var (
	oldTime = time.Date(2024, 11, 1, 10, 0, 0, 0, time.UTC)
	newTime = time.Date(2024, 11, 20, 10, 0, 0, 0, time.UTC)
)

// edgeSim is a simulator with a running edge, a fake clock driving both, and a client that
// dials the edge for every host while keeping the URL's host as SNI and Host (--connect-to).
type edgeSim struct {
	*sim
	edge   *ccusim.Edge
	clock  *fakeClock
	dir    string
	pool   *x509.CertPool
	client *http.Client
}

// startEdge starts a simulator (unlimited buckets, the fake clock) and an edge whose origin is
// a fresh folder holding a.html (unless eo.Origin is set).
func startEdge(t *testing.T, opts ccusim.Options, eo ccusim.EdgeOptions) *edgeSim {
	t.Helper()
	clock := newClock()
	unlimited := ccusim.Unlimited()
	opts.Now, opts.Buckets = clock.Now, &unlimited
	s := start(t, opts)
	dir := t.TempDir()
	writeFile(t, dir, "a.html", "old a", oldTime)
	if eo.Origin == "" {
		eo.Origin = dir
	}
	e, err := s.StartEdge(eo)
	if err != nil {
		t.Fatalf("StartEdge: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CACertPEM())
	tr := &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, e.Addr())
		},
	}
	t.Cleanup(tr.CloseIdleConnections)
	return &edgeSim{sim: s, edge: e, clock: clock, dir: dir, pool: pool, client: &http.Client{Transport: tr}}
}

func writeFile(t *testing.T, dir, name, body string, mtime time.Time) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

// edgeReply is one edge answer.
type edgeReply struct {
	status int
	header http.Header
	body   string
}

// ask sends method url with header lines "Name: value" through client.
func ask(t *testing.T, client *http.Client, method, url string, header ...string) edgeReply {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range header {
		k, v, _ := strings.Cut(h, ": ")
		if k == "Host" { // Go sends req.Host, not a Host header
			req.Host = v
		}
		req.Header.Add(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return edgeReply{resp.StatusCode, resp.Header, string(body)}
}

// get asks the edge for path on the site with the legacy Pragma debug headers.
func (s *edgeSim) get(t *testing.T, path string) edgeReply {
	t.Helper()
	return ask(t, s.client, http.MethodGet, "https://"+site+path, "Pragma: akamai-x-cache-on, akamai-x-get-cache-key")
}

// purge posts a signed purge and insists it was accepted.
func (s *edgeSim) purge(t *testing.T, path, body string) {
	t.Helper()
	if r := s.do(t, post(path, body)); r.status != http.StatusCreated {
		t.Fatalf("POST %s: %d %s", path, r.status, r.raw)
	}
}

// xcache is the first word of X-Cache.
func (r edgeReply) xcache() string {
	w, _, _ := strings.Cut(r.header.Get("X-Cache"), " ")
	return w
}

// want checks the body, the X-Cache word and Age of an answer.
func (r edgeReply) want(t *testing.T, body, xcache, age string) {
	t.Helper()
	if r.status != http.StatusOK || r.body != body || r.xcache() != xcache || r.header.Get("Age") != age {
		t.Errorf("got %d %q X-Cache %q Age %q, want 200 %q %s Age %s", r.status, r.body, r.header.Get("X-Cache"), r.header.Get("Age"), body, xcache, age)
	}
}

func TestEdgeMissThenHit(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	first := ask(t, s.client, http.MethodGet, "https://"+site+"/a.html", "Pragma: akamai-x-cache-on", "X-Secret: s3cret")
	first.want(t, "old a", "TCP_MISS", "0")
	for name, v := range first.header {
		if strings.Contains(strings.Join(v, " "), "s3cret") {
			t.Errorf("header %s echoes the request: %q", name, v)
		}
	}
	if first.header.Get("Server") != "AkamaiGHost" || first.header.Get("Date") == "" {
		t.Errorf("Server %q Date %q, want AkamaiGHost and a date", first.header.Get("Server"), first.header.Get("Date"))
	}
	if got := first.header.Get("X-Cache"); !strings.HasSuffix(got, " from a127-0-0-1.deploy.akamaitechnologies.com (AkamaiGHost/22.3.1-ccusim) (-)") {
		t.Errorf("X-Cache %q lacks the edge's name", got)
	}
	if got := first.header.Get("Last-Modified"); got != oldTime.Format(http.TimeFormat) {
		t.Errorf("Last-Modified %q, want the file's mtime", got)
	}
	writeFile(t, s.dir, "a.html", "new a", newTime) // no purge: the edge keeps serving its copy
	s.clock.Advance(7 * time.Second)
	s.get(t, "/a.html").want(t, "old a", "TCP_HIT", "7")
	s.clock.Advance(3 * time.Second)
	head := ask(t, s.client, http.MethodHead, "https://"+site+"/a.html")
	if head.status != http.StatusOK || head.body != "" || head.header.Get("Age") != "10" || head.header.Get("Content-Length") != "5" {
		t.Errorf("HEAD: %d %q Age %q Content-Length %q, want 200, no body, Age 10, 5", head.status, head.body, head.header.Get("Age"), head.header.Get("Content-Length"))
	}
	if r := ask(t, s.client, http.MethodPost, "https://"+site+"/a.html"); r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST answered %d, want 405", r.status)
	}
	if got := s.edge.Gets(); got != 3 {
		t.Errorf("Gets() = %d, want 3 (GET, GET, HEAD)", got)
	}
}

func TestEdgePurges(t *testing.T) {
	const aURL = `["https://www.example.com/a.html"]`
	tests := []struct {
		name     string
		network  string        // the edge's
		path     string        // the purge POST
		body     string        //
		newMtime bool          // the deploy changes Last-Modified (else only the bytes)
		after    time.Duration // since the purge
		body2    string        // want
		xcache   string
	}{
		{"invalidate before estimatedSeconds", "", "/ccu/v3/invalidate/url", objects(`"https://www.example.com/a.html"`), true, 4 * time.Second, "old a", "TCP_HIT"},
		{"invalidate with a new Last-Modified", "", "/ccu/v3/invalidate/url", `{"objects":` + aURL + `}`, true, 5 * time.Second, "new a", "TCP_REFRESH_MISS"},
		{"invalidate with Last-Modified unchanged", "", "/ccu/v3/invalidate/url", `{"objects":` + aURL + `}`, false, 5 * time.Second, "old a", "TCP_REFRESH_HIT"},
		{"delete with Last-Modified unchanged", "", "/ccu/v3/delete/url", `{"objects":` + aURL + `}`, false, 5 * time.Second, "new a", "TCP_MISS"},
		{"delete in the hostname form", "", "/ccu/v3/delete/url", `{"hostname":"WWW.example.com","objects":["/a.html"]}`, false, 5 * time.Second, "new a", "TCP_MISS"},
		{"delete of the http URL", "", "/ccu/v3/delete/url", urls("http://www.example.com/a.html"), false, 5 * time.Second, "new a", "TCP_MISS"},
		{"delete of the URL with its port", "", "/ccu/v3/delete/url", urls("https://WWW.Example.com:443/a.html"), false, 5 * time.Second, "new a", "TCP_MISS"},
		{"delete of the URL with a query", "", "/ccu/v3/delete/url", urls("https://www.example.com/a.html?v=2"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"delete of another URL", "", "/ccu/v3/delete/url", urls("https://www.example.com/b.html"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"delete of another host", "", "/ccu/v3/delete/url", urls("https://example.com/a.html"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"delete of the CP code before estimatedSeconds", "", "/ccu/v3/delete/cpcode", objects("424242"), false, 4 * time.Second, "old a", "TCP_HIT"},
		{"delete of the CP code", "", "/ccu/v3/delete/cpcode", objects("424242"), false, 5 * time.Second, "new a", "TCP_MISS"},
		{"invalidate of the CP code", "", "/ccu/v3/invalidate/cpcode", objects("424242"), true, 5 * time.Second, "new a", "TCP_REFRESH_MISS"},
		{"delete of another CP code", "", "/ccu/v3/delete/cpcode", objects("1234"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"staging purge on production", "", "/ccu/v3/delete/url/staging", urls("https://www.example.com/a.html"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"staging purge on staging", "staging", "/ccu/v3/delete/url/staging", urls("https://www.example.com/a.html"), false, 5 * time.Second, "new a", "TCP_MISS"},
		{"production purge on staging", "staging", "/ccu/v3/delete/url/production", urls("https://www.example.com/a.html"), false, 5 * time.Second, "old a", "TCP_HIT"},
		{"v2 remove before its estimatedSeconds", "", "/ccu/v2/queues/default", urls("https://www.example.com/a.html"), false, 59 * time.Second, "old a", "TCP_HIT"},
		{"v2 remove", "", "/ccu/v2/queues/default", urls("https://www.example.com/a.html"), false, 60 * time.Second, "new a", "TCP_MISS"},
		{"v2 invalidate of the CP code", "", "/ccu/v2/queues/default", `{"type":"cpcode","action":"invalidate","objects":["424242"]}`, false, 60 * time.Second, "old a", "TCP_REFRESH_HIT"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startEdge(t, ccusim.Options{V2Seconds: 60}, ccusim.EdgeOptions{Network: tc.network})
			s.get(t, "/a.html").want(t, "old a", "TCP_MISS", "0")
			mtime := oldTime
			if tc.newMtime {
				mtime = newTime
			}
			writeFile(t, s.dir, "a.html", "new a", mtime)
			s.clock.Advance(time.Second)
			s.purge(t, tc.path, tc.body)
			s.clock.Advance(tc.after)
			age := "0"
			if tc.xcache == "TCP_HIT" { // the copy fetched before the purge, still served
				age = strconv.Itoa(int((time.Second + tc.after) / time.Second))
			}
			r := s.get(t, "/a.html")
			r.want(t, tc.body2, tc.xcache, age)
			s.clock.Advance(2 * time.Second) // the purge applies once: then the copy is a hit again
			if tc.xcache != "TCP_HIT" {
				s.get(t, "/a.html").want(t, tc.body2, "TCP_HIT", "2")
			}
		})
	}
}

func TestEdgeFaults(t *testing.T) {
	t.Run("a lost purge", func(t *testing.T) {
		s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
		s.edge.Fault(ccusim.EdgeFault{LosePurges: 1})
		s.get(t, "/a.html").want(t, "old a", "TCP_MISS", "0")
		writeFile(t, s.dir, "a.html", "new a", newTime)
		s.purge(t, "/ccu/v3/delete/url", urls("https://www.example.com/a.html"))
		s.clock.Advance(10 * time.Second)
		s.get(t, "/a.html").want(t, "old a", "TCP_HIT", "10")
		s.purge(t, "/ccu/v3/delete/url", urls("https://www.example.com/a.html")) // only the first is lost
		s.clock.Advance(5 * time.Second)
		s.get(t, "/a.html").want(t, "new a", "TCP_MISS", "0")
	})
	t.Run("slow propagation", func(t *testing.T) {
		s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
		s.edge.Fault(ccusim.EdgeFault{Propagation: 10 * time.Second})
		s.get(t, "/a.html").want(t, "old a", "TCP_MISS", "0")
		writeFile(t, s.dir, "a.html", "new a", newTime)
		s.purge(t, "/ccu/v3/delete/url", urls("https://www.example.com/a.html"))
		s.clock.Advance(14 * time.Second)
		s.get(t, "/a.html").want(t, "old a", "TCP_HIT", "14")
		s.clock.Advance(time.Second)
		s.get(t, "/a.html").want(t, "new a", "TCP_MISS", "0")
	})
	t.Run("an origin that lags", func(t *testing.T) {
		s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
		s.edge.Fault(ccusim.EdgeFault{OriginLag: 30 * time.Second})
		s.get(t, "/a.html").want(t, "old a", "TCP_MISS", "0") // the first version is served at once
		writeFile(t, s.dir, "a.html", "new a", newTime)
		s.purge(t, "/ccu/v3/delete/url", urls("https://www.example.com/a.html"))
		s.clock.Advance(5 * time.Second)
		s.get(t, "/a.html").want(t, "old a", "TCP_MISS", "0") // the origin saw "new a" just now
		origin := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}}}
		if r := ask(t, origin, http.MethodGet, s.edge.OriginURL()+"/a.html", "Host: "+site); r.body != "old a" {
			t.Errorf("OriginURL served %q within the lag, want the previous version", r.body)
		}
		s.clock.Advance(30 * time.Second)
		if r := ask(t, origin, http.MethodGet, s.edge.OriginURL()+"/a.html"); r.body != "new a" {
			t.Errorf("OriginURL served %q after the lag, want the new version", r.body)
		}
		s.purge(t, "/ccu/v3/delete/url", urls("https://www.example.com/a.html"))
		s.clock.Advance(5 * time.Second)
		s.get(t, "/a.html").want(t, "new a", "TCP_MISS", "0")
	})
}

func TestEdgeFolderOrigin(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	writeFile(t, s.dir, "docs/index.html", "docs index", oldTime)
	noRedirect := *s.client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	tests := []struct {
		path     string
		status   int
		body     string
		location string
	}{
		{"/docs/", 200, "docs index", ""},
		{"/docs/index.html", 200, "docs index", ""},
		{"/docs", 301, "", "/docs/"},
		{"/docs?x=1", 301, "", "/docs/?x=1"},
		{"/missing.html", 404, "404 page not found\n", ""},
		{"/../a.html", 200, "old a", ""},
	}
	for _, tc := range tests {
		r := ask(t, &noRedirect, http.MethodGet, "https://"+site+tc.path)
		if r.status != tc.status || r.body != tc.body || r.header.Get("Location") != tc.location {
			t.Errorf("GET %s: %d %q Location %q, want %d %q %q", tc.path, r.status, r.body, r.header.Get("Location"), tc.status, tc.body, tc.location)
		}
	}
	writeFile(t, s.dir, "missing.html", "here now", oldTime) // a 404 was not cached
	s.get(t, "/missing.html").want(t, "here now", "TCP_MISS", "0")
}

func TestEdgeOriginConditional(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	origin := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.pool}}}
	lm := oldTime.Format(http.TimeFormat)
	tests := []struct {
		header string
		status int
	}{
		{"If-Modified-Since: " + lm, 304},
		{"If-Modified-Since: " + oldTime.Add(time.Second).Format(http.TimeFormat), 304},
		{"If-Modified-Since: " + oldTime.Add(-time.Second).Format(http.TimeFormat), 200},
		{"X-None: 1", 200},
	}
	for _, tc := range tests {
		if r := ask(t, origin, http.MethodGet, s.edge.OriginURL()+"/a.html", tc.header); r.status != tc.status {
			t.Errorf("origin GET with %s: %d, want %d", tc.header, r.status, tc.status)
		}
	}
	r := ask(t, origin, http.MethodGet, s.edge.OriginURL()+"/a.html")
	sum := sha256.Sum256([]byte("old a"))
	if want := `"` + hex.EncodeToString(sum[:])[:16] + `"`; r.header.Get("ETag") != want || r.header.Get("Last-Modified") != lm {
		t.Errorf("origin ETag %q Last-Modified %q, want %s %s", r.header.Get("ETag"), r.header.Get("Last-Modified"), want, lm)
	}
}

func TestEdgeHosts(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{Hosts: []string{"WWW.example.com", "static.example.com"}})
	if r := s.get(t, "/a.html"); r.status != http.StatusOK {
		t.Errorf("a served host answered %d", r.status)
	}
	r := ask(t, s.client, http.MethodGet, "https://other.example.com/a.html")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"other.example.com" is not a site of this edge; it serves static.example.com, www.example.com`) {
		t.Errorf("another host: %d %q, want 400 naming the sites", r.status, r.body)
	}
	// SNI of a served site, Host of another.
	r = ask(t, s.client, http.MethodGet, "https://static.example.com/a.html", "Host: other.example.com")
	if r.status != http.StatusBadRequest {
		t.Errorf("Host not served under a served SNI: %d, want 400", r.status)
	}
	sni := s.clientWithSNI(t, "other.example.com")
	if r := ask(t, sni, http.MethodGet, "https://"+site+"/a.html"); r.status != http.StatusBadRequest {
		t.Errorf("SNI not served: %d, want 400", r.status)
	}
	if got := s.edge.Gets(); got != 1 {
		t.Errorf("Gets() = %d, want 1: refused hosts are not served", got)
	}
}

// clientWithSNI dials the edge sending name as SNI whatever the URL says.
func (s *edgeSim) clientWithSNI(t *testing.T, name string) *http.Client {
	base := s.client.Transport.(*http.Transport)
	tr := base.Clone()
	tr.TLSClientConfig.ServerName = name
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr}
}

func TestEdgeAnySNI(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	for _, name := range []string{"www.example.com", "Static.Example.ORG", "localhost"} {
		conn, err := tls.Dial("tcp", s.edge.Addr(), &tls.Config{RootCAs: s.pool, ServerName: name})
		if err != nil {
			t.Errorf("SNI %s: %v", name, err)
			continue
		}
		leaf := conn.ConnectionState().PeerCertificates[0]
		if err := leaf.VerifyHostname(name); err != nil {
			t.Errorf("SNI %s: %v", name, err)
		}
		conn.Close()
	}
	if _, err := tls.Dial("tcp", s.edge.Addr(), &tls.Config{RootCAs: x509.NewCertPool(), ServerName: site}); err == nil {
		t.Error("a client that does not trust the simulator's CA connected")
	}
}

func TestEdgeTags(t *testing.T) {
	upstream := httptestTLS(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Edge-Cache-Tag", "blog, page-"+strings.Trim(r.URL.Path, "/"))
		w.Header().Set("Last-Modified", oldTime.Format(http.TimeFormat))
		_, _ = io.WriteString(w, "v"+r.Header.Get("X-Version"))
	})
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{Origin: upstream.URL, RootCAs: upstream.pool})
	s.get(t, "/post").want(t, "v", "TCP_MISS", "0")
	s.get(t, "/other").want(t, "v", "TCP_MISS", "0")
	s.purge(t, "/ccu/v3/delete/tag", urls("page-post"))
	s.clock.Advance(4 * time.Second)
	s.get(t, "/post").want(t, "v", "TCP_HIT", "4") // before estimatedSeconds
	s.clock.Advance(time.Second)
	s.get(t, "/post").want(t, "v", "TCP_MISS", "0")
	s.get(t, "/other").want(t, "v", "TCP_HIT", "5")
	s.purge(t, "/ccu/v3/invalidate/tag", urls("blog"))
	s.clock.Advance(5 * time.Second)
	s.get(t, "/other").want(t, "v", "TCP_REFRESH_HIT", "0") // Last-Modified unchanged
	if r := s.get(t, "/post"); r.header.Get("Edge-Cache-Tag") != "" {
		t.Errorf("the edge passed Edge-Cache-Tag on: %q", r.header.Get("Edge-Cache-Tag"))
	}
}

// tlsOrigin is an HTTPS origin on loopback and the pool that trusts it.
type tlsOrigin struct {
	URL  string
	pool *x509.CertPool
}

func httptestTLS(t *testing.T, h http.HandlerFunc) tlsOrigin {
	t.Helper()
	srv := httptest.NewTLSServer(h)
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return tlsOrigin{URL: srv.URL, pool: pool}
}

// signToken makes an Enhanced Debug token the way Akamai's docs describe, independently of the
// edge's check: hex(HMAC-SHA256(key, fields)) appended as "~hmac=".
func signToken(key []byte, fields string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(fields))
	return fields + "~hmac=" + hex.EncodeToString(mac.Sum(nil))
}

func TestEdgeDebugHeaders(t *testing.T) {
	key := []byte("0123456789abcdef")
	clock := newClock() // startEdge's clock starts at the same instant
	now := clock.Now().Unix()
	exp := "exp=" + strconv.FormatInt(now+60, 10)
	all := []string{"X-Cache", "X-Cache-Key", "X-Akamai-Request-ID", "Akamai-Cache-Status"}
	pragmaAll := "Pragma: akamai-x-cache-on, akamai-x-get-cache-key, akamai-x-get-request-id"
	tests := []struct {
		name   string
		key    []byte
		header string
		want   []string // headers present; the others must be absent
	}{
		{"pragma", nil, pragmaAll, all[:3]},
		{"pragma subset, upper case", nil, "Pragma: AKAMAI-X-CACHE-ON", all[:1]},
		{"pragma request id only", nil, "Pragma: akamai-x-get-request-id", all[2:3]},
		{"no debug asked", nil, "Accept: */*", nil},
		{"token without a key", nil, "Akamai-Debug: " + signToken(key, exp+"~acl=%2f*"), nil},
		{"pragma with a key", key, pragmaAll, nil},
		{"valid token", key, "Akamai-Debug: " + signToken(key, exp+"~acl=%2f*") + " x-cache cache-key", all},
		{"valid token, old header", key, "akamaidebugtoken: " + signToken(key, exp+"~acl=/*"), all},
		{"valid token with st", key, "Akamai-Debug: " + signToken(key, "st="+strconv.FormatInt(now-5, 10)+"~"+exp+"~acl=%2F*"), all},
		{"acl prefix covering the path", key, "Akamai-Debug: " + signToken(key, exp+"~acl=%2fa.*"), all},
		{"expired", key, "Akamai-Debug: " + signToken(key, "exp="+strconv.FormatInt(now-1, 10)+"~acl=%2f*"), nil},
		{"not yet valid", key, "Akamai-Debug: " + signToken(key, "st="+strconv.FormatInt(now+5, 10)+"~"+exp+"~acl=%2f*"), nil},
		{"wrong key", key, "Akamai-Debug: " + signToken([]byte("another key"), exp+"~acl=%2f*"), nil},
		{"tampered acl", key, "Akamai-Debug: " + strings.Replace(signToken(key, exp+"~acl=%2fb*"), "%2fb*", "%2f*", 1), nil},
		{"wrong acl", key, "Akamai-Debug: " + signToken(key, exp+"~acl=%2fdocs%2f*"), nil},
		{"acl without a star", key, "Akamai-Debug: " + signToken(key, exp+"~acl=%2fa.html"), nil},
		{"no hmac", key, "Akamai-Debug: " + exp + "~acl=%2f*", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{DebugKey: tc.key})
			r := ask(t, s.client, http.MethodGet, "https://"+site+"/a.html", tc.header)
			for _, h := range all {
				if got, want := r.header.Get(h) != "", contains(tc.want, h); got != want {
					t.Errorf("%s present %v, want %v (%q)", h, got, want, r.header.Get(h))
				}
			}
			checkDebugValues(t, r)
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkDebugValues checks the form of whichever debug headers are present on a first (miss) GET.
func checkDebugValues(t *testing.T, r edgeReply) {
	t.Helper()
	if v := r.header.Get("X-Cache"); v != "" && r.xcache() != "TCP_MISS" {
		t.Errorf("X-Cache %q, want TCP_MISS", v)
	}
	if v := r.header.Get("X-Cache-Key"); v != "" && v != "S/L/1234/424242/1d/www.example.com/a.html" {
		t.Errorf("X-Cache-Key %q", v)
	}
	if v := r.header.Get("X-Akamai-Request-ID"); v != "" {
		if _, err := hex.DecodeString(v); err != nil || len(v) != 8 {
			t.Errorf("X-Akamai-Request-ID %q, want 8 hex digits", v)
		}
	}
	if v := r.header.Get("Akamai-Cache-Status"); v != "" && v != "Miss from child" {
		t.Errorf("Akamai-Cache-Status %q, want Miss from child", v)
	}
}

func TestEdgeCacheStatusOnRefresh(t *testing.T) {
	key := []byte("k")
	s := startEdge(t, ccusim.Options{V3Seconds: -1}, ccusim.EdgeOptions{DebugKey: key})
	token := "Akamai-Debug: " + signToken(key, "exp="+strconv.FormatInt(s.clock.Now().Unix()+600, 10)+"~acl=%2f*")
	url := "https://" + site + "/a.html"
	steps := []struct{ xcache, status string }{{"TCP_MISS", "Miss from child"}, {"TCP_HIT", "Hit from child"}, {"TCP_REFRESH_HIT", "RefreshHit from child"}}
	for i, st := range steps {
		if i == 2 {
			s.purge(t, "/ccu/v3/invalidate/url", urls("https://www.example.com/a.html"))
		}
		r := ask(t, s.client, http.MethodGet, url, token)
		if r.xcache() != st.xcache || r.header.Get("Akamai-Cache-Status") != st.status {
			t.Errorf("GET %d: X-Cache %q Akamai-Cache-Status %q, want %s, %s", i+1, r.header.Get("X-Cache"), r.header.Get("Akamai-Cache-Status"), st.xcache, st.status)
		}
	}
}

func TestEstimatedSeconds(t *testing.T) {
	for _, tc := range []struct {
		opt  int
		want float64
	}{{0, 5}, {2, 2}, {-1, 0}} {
		s := startEdge(t, ccusim.Options{V3Seconds: tc.opt}, ccusim.EdgeOptions{})
		r := s.do(t, post("/ccu/v3/delete/url", urls("https://www.example.com/a.html")))
		if got := r.body["estimatedSeconds"]; got != tc.want {
			t.Errorf("V3Seconds %d: estimatedSeconds %v, want %v", tc.opt, got, tc.want)
		}
	}
}

func TestEdgeClosedWithServer(t *testing.T) {
	srv, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	e, err := srv.StartEdge(ccusim.EdgeOptions{Origin: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if conn, err := net.Dial("tcp", e.Addr()); err == nil {
		conn.Close()
		t.Error("the edge still listens after Server.Close")
	}
	if err := e.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
}

func TestStartEdgeRejects(t *testing.T) {
	srv := start(t, ccusim.Options{})
	file := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		o    ccusim.EdgeOptions
		want string
	}{
		{ccusim.EdgeOptions{}, "needs an origin"},
		{ccusim.EdgeOptions{Origin: file}, "is not a folder"},
		{ccusim.EdgeOptions{Origin: filepath.Join(t.TempDir(), "none")}, "no such file"},
		{ccusim.EdgeOptions{Origin: "https://"}, "not a URL with a host"},
		{ccusim.EdgeOptions{Origin: t.TempDir(), Network: "stagign"}, `valid networks are "production" and "staging"`},
	} {
		if _, err := srv.StartEdge(tc.o); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("StartEdge(%+v): %v, want %q", tc.o, err, tc.want)
		}
	}
}

func TestEdgeBanner(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	port := s.edge.Addr()[strings.LastIndex(s.edge.Addr(), ":")+1:]
	for _, tc := range []struct {
		hosts []string
		want  []string
	}{
		{[]string{"www.example.com", "static.example.com"}, []string{"  --connect-to www.example.com:127.0.0.1:" + port + "\n",
			"  --connect-to static.example.com:127.0.0.1:" + port + "\n", "curl --connect-to www.example.com:443:127.0.0.1:" + port + " --cacert ca.pem https://www.example.com/"}},
		{nil, []string{"  --connect-to SITE:127.0.0.1:" + port + "\n"}},
	} {
		got := (&ccusim.Flags{EdgeHosts: tc.hosts}).EdgeBanner(s.edge, "ca.pem")
		for _, want := range append(tc.want, "Edge listening on "+s.edge.Addr(), "the origin as the edge sees it: "+s.edge.OriginURL()) {
			if !strings.Contains(got, want) {
				t.Errorf("EdgeBanner lacks %q:\n%s", want, got)
			}
		}
	}
}

// Many clients at once, while purges arrive: run with -race.
func TestEdgeConcurrent(t *testing.T) {
	s := startEdge(t, ccusim.Options{V3Seconds: -1}, ccusim.EdgeOptions{})
	for i := range 20 {
		writeFile(t, s.dir, "p"+strconv.Itoa(i)+".html", "page", oldTime)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for range 3 {
				if r := ask(t, s.client, http.MethodGet, "https://"+site+"/p"+strconv.Itoa(i)+".html"); r.status != 200 || r.body != "page" {
					t.Errorf("GET p%d: %d %q", i, r.status, r.body)
				}
			}
		}()
		go func() {
			defer wg.Done()
			s.do(t, post("/ccu/v3/invalidate/url", urls("https://www.example.com/p"+strconv.Itoa(i)+".html")))
		}()
	}
	wg.Wait()
	if got := s.edge.Gets(); got != 60 {
		t.Errorf("Gets() = %d, want 60", got)
	}
}

// The latency is added to every answer (a lower bound only, so it cannot flake).
func TestEdgeLatency(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{Latency: 20 * time.Millisecond})
	began := time.Now()
	s.get(t, "/a.html")
	if took := time.Since(began); took < 20*time.Millisecond {
		t.Errorf("a GET took %v, less than the 20ms latency", took)
	}
}

// Without Last-Modified the edge revalidates with the ETag: the same ETag keeps the old bytes.
func TestEdgeRevalidatesWithETag(t *testing.T) {
	var mu sync.Mutex
	body, etag := "one", `"1"`
	upstream := httptestTLS(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("ETag", etag)
		_, _ = io.WriteString(w, body)
	})
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{Origin: upstream.URL, RootCAs: upstream.pool})
	steps := []struct{ body, etag, want, xcache string }{
		{"two", `"1"`, "one", "TCP_REFRESH_HIT"},
		{"three", `"3"`, "three", "TCP_REFRESH_MISS"},
	}
	s.get(t, "/x").want(t, "one", "TCP_MISS", "0")
	for _, st := range steps {
		mu.Lock()
		body, etag = st.body, st.etag
		mu.Unlock()
		s.purge(t, "/ccu/v3/invalidate/url", urls("https://www.example.com/x"))
		s.clock.Advance(5 * time.Second)
		s.get(t, "/x").want(t, st.want, st.xcache, "0")
	}
}

// BenchmarkEdgeGet measures cached GETs through the edge from parallel clients, the verifier's
// load (1,000 URLs with 50 ms latency is the benchmark; latency is left out here).
func BenchmarkEdgeGet(b *testing.B) {
	srv, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.html"), []byte("page"), 0o644); err != nil {
		b.Fatal(err)
	}
	e, err := srv.StartEdge(ccusim.EdgeOptions{Origin: dir})
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CACertPEM())
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 64,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, e.Addr())
		}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get("https://" + site + "/a.html")
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}

func TestEdgeWarm(t *testing.T) {
	s := startEdge(t, ccusim.Options{}, ccusim.EdgeOptions{})
	if err := s.edge.Warm(context.Background(), "https://"+site+"/a.html"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, s.dir, "a.html", "new a", newTime)
	s.clock.Advance(2 * time.Second)
	s.get(t, "/a.html").want(t, "old a", "TCP_HIT", "2")
	if got := s.edge.Gets(); got != 1 {
		t.Errorf("Gets() = %d after Warm and one GET, want 1: warming is not a visitor's request", got)
	}
	if err := s.edge.Warm(context.Background(), "https://"+site+"/%zz"); err == nil || !strings.Contains(err.Error(), "%zz") {
		t.Errorf("Warm of a bad URL = %v, want an error naming it", err)
	}
}
