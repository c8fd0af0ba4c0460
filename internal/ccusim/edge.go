package ccusim

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultEdgeCPCode is the CP code of every edge object unless EdgeOptions.CPCode says otherwise.
const DefaultEdgeCPCode = 424242

// EdgeOptions configure the simulated edge (see Server.StartEdge).
type EdgeOptions struct {
	// Origin is a folder (each file served at its path; Last-Modified = the file's mtime, ETag =
	// a quoted sha256 prefix of its bytes; "/a/" serves a/index.html, "/a" for a folder is a 301
	// to "/a/", a missing file 404) or an http(s):// URL fetched with RootCAs, whose
	// Edge-Cache-Tag header gives an object's cache tags.
	Origin   string
	RootCAs  *x509.CertPool // for an https URL origin; nil = system roots
	Hosts    []string       // site hostnames answered; empty = any. Another Host or SNI gets 400
	Network  string         // "production" (default) or "staging": purges for the other network do not apply
	CPCode   int64          // the CP code of every object (default 424242)
	DebugKey []byte         // Enhanced Debug key; when set, Pragma debug headers are ignored (as Akamai does)
	Latency  time.Duration  // added to every edge answer
}

// EdgeFault scripts how the edge misbehaves; Edge.Fault replaces the previous one.
type EdgeFault struct {
	LosePurges  int           // the next N purges accepted by the API never reach the edge
	Propagation time.Duration // purges take this much longer than estimatedSeconds to apply
	OriginLag   time.Duration // the origin serves a file's previous version for this long after it changed
}

// Edge is a running simulated Akamai edge: an HTTPS cache in front of an origin that honours
// the purges its Server accepts. All methods are safe for concurrent use.
type Edge struct {
	s      *Server
	opts   EdgeOptions
	hosts  map[string]bool
	origin *laggedOrigin
	cache  *edgeCache

	edge, orig *http.Server
	edgeLn     net.Listener
	origLn     net.Listener
	closing    chan struct{}
	once       sync.Once
	closeErr   error
	serving    sync.WaitGroup
	gets       atomic.Int64

	hmu      sync.Mutex // guards closed; handlers counts the running handlers Close waits for
	closed   bool
	handlers sync.WaitGroup

	fmu    sync.Mutex // guards fault and purges; taken after s.mu, never before it
	fault  EdgeFault
	purges []edgePurge // append-only, in acceptance order

	cmu   sync.Mutex // guards certs
	certs map[string]*tls.Certificate
}

// StartEdge starts the edge on two TLS listeners on 127.0.0.1:0, the edge (Addr) and the
// origin as the edge sees it (OriginURL). Certificates for any SNI name are issued on the fly by
// the simulator's own CA, so a client that trusts ca.pem and keeps the site's name as SNI
// connects as it would to the real edge.
func (s *Server) StartEdge(o EdgeOptions) (*Edge, error) {
	e, err := newEdge(s, o)
	if err != nil {
		return nil, err
	}
	if e.edgeLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("ccusim: edge listen: %w", err)
	}
	if e.origLn, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
		e.edgeLn.Close()
		return nil, fmt.Errorf("ccusim: edge origin listen: %w", err)
	}
	e.edge = e.httpServer(e.tracked(e.serveEdge))
	e.orig = e.httpServer(e.tracked(e.serveOrigin))
	s.mu.Lock()
	s.edges = append(s.edges, e)
	s.mu.Unlock()
	e.serve(e.edge, e.edgeLn)
	e.serve(e.orig, e.origLn)
	return e, nil
}

// newEdge validates o and fills its defaults.
func newEdge(s *Server, o EdgeOptions) (*Edge, error) {
	if o.Network == "" {
		o.Network = "production"
	}
	if o.Network != "production" && o.Network != "staging" {
		return nil, fmt.Errorf("ccusim: unknown edge network %q; valid networks are \"production\" and \"staging\"", o.Network)
	}
	if o.CPCode == 0 {
		o.CPCode = DefaultEdgeCPCode
	}
	e := &Edge{s: s, opts: o, hosts: map[string]bool{}, closing: make(chan struct{}), certs: map[string]*tls.Certificate{}}
	for _, h := range o.Hosts {
		e.hosts[strings.ToLower(h)] = true
	}
	raw, err := newOrigin(o.Origin, o.RootCAs)
	if err != nil {
		return nil, err
	}
	e.origin = &laggedOrigin{raw: raw, now: s.now, lag: e.originLag, seen: map[string][]version{}, at: map[string][]time.Time{}}
	e.cache = &edgeCache{objects: map[string]*cached{}}
	return e, nil
}

func (e *Edge) httpServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: e.certificate},
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(logWriter{e.s.opts.Logf}, "ccusim edge: ", 0),
	}
}

func (e *Edge) serve(srv *http.Server, ln net.Listener) {
	e.serving.Add(1)
	go func() {
		defer e.serving.Done()
		if err := srv.ServeTLS(ln, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
			e.s.logf("edge serve: %v", err)
		}
	}()
}

// certificate issues (once per name) a leaf for the client's SNI; no SNI (an IP) gets localhost's.
func (e *Edge) certificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	name := strings.ToLower(hello.ServerName)
	if name == "" {
		name = "localhost"
	}
	e.cmu.Lock()
	defer e.cmu.Unlock()
	if c, ok := e.certs[name]; ok {
		return c, nil
	}
	c, err := e.s.ca.issue(siteTemplate(name))
	if err != nil {
		return nil, err
	}
	e.certs[name] = c
	return c, nil
}

// Addr is "127.0.0.1:PORT": clients use --connect-to www.example.com:127.0.0.1:PORT.
func (e *Edge) Addr() string { return e.edgeLn.Addr().String() }

// OriginURL is "https://127.0.0.1:PORT2", the origin as the edge sees it (lag included), for any Host.
func (e *Edge) OriginURL() string { return "https://" + e.origLn.Addr().String() }

// Gets counts the GET and HEAD requests the edge served.
func (e *Edge) Gets() int { return int(e.gets.Load()) }

// Fault replaces the edge's scripted faults; the zero EdgeFault clears them.
func (e *Edge) Fault(f EdgeFault) {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	f.LosePurges = max(f.LosePurges, 0)
	e.fault = f
}

func (e *Edge) originLag() time.Duration {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	return e.fault.OriginLag
}

// Close stops both listeners and their connections and waits for the serve loops and every
// handler, so no goroutine of the edge outlives it; Server.Close calls it too.
func (e *Edge) Close() error {
	e.once.Do(func() {
		e.hmu.Lock()
		e.closed = true
		e.hmu.Unlock()
		close(e.closing)
		e.closeErr = errors.Join(e.edge.Close(), e.orig.Close())
		e.serving.Wait()
		e.handlers.Wait()
	})
	return e.closeErr
}

// tracked counts h's runs for Close; a request that arrives while closing is dropped.
func (e *Edge) tracked(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.hmu.Lock()
		if e.closed {
			e.hmu.Unlock()
			return
		}
		e.handlers.Add(1)
		e.hmu.Unlock()
		defer e.handlers.Done()
		h(w, r)
	})
}

// wait sleeps the configured latency unless the edge closes first.
func (e *Edge) wait() {
	if e.opts.Latency <= 0 {
		return
	}
	t := time.NewTimer(e.opts.Latency)
	defer t.Stop()
	select {
	case <-t.C:
	case <-e.closing:
	}
}

// Warm fetches each URL into the cache as a visitor's GET would (purges
// apply as usual), so a demo or a test starts from an edge that serves
// the release before the deploy. It returns the first URL that could not
// be read.
func (e *Edge) Warm(ctx context.Context, urls ...string) error {
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("ccusim edge: warm %q: %w", raw, err)
		}
		if _, err := e.lookup(ctx, strings.ToLower(u.Hostname()), u); err != nil {
			return fmt.Errorf("ccusim edge: warm %s: %w", raw, err)
		}
	}
	return nil
}
