package ccusim

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults documented by Akamai for the CCU v2 queues and Fast Purge.
const (
	// DefaultMaxBody is the documented CCU request body limit in bytes; larger bodies get 413.
	DefaultMaxBody = 50000
	// DefaultV2Seconds is the typical v2 estimatedSeconds: v2 purges took about 4–7 minutes.
	DefaultV2Seconds = 420
	// DefaultV3Seconds is the estimatedSeconds Fast Purge answers: it completes in about 5 s.
	DefaultV3Seconds = 5
)

// rfc3339Z is the UTC timestamp form CCU uses in bodies ("2014-02-19T21:16:20Z").
const rfc3339Z = "2006-01-02T15:04:05Z"

// Credential is one EdgeGrid API client the simulator accepts.
type Credential struct{ ClientToken, ClientSecret, AccessToken string }

// Options configure a Server; the zero value is a working simulator.
type Options struct {
	Credentials   []Credential                     // accepted clients; empty = one random credential generated at Start
	Now           func() time.Time                 // clock for body timestamps and purge lifecycles; nil = time.Now
	MaxBody       int                              // request body limit, default 50000 (413 above)
	QueueCapacity map[string]int                   // v2 queue limits in objects, default {"default":10000,"emergency":10}
	V2Seconds     int                              // v2 estimatedSeconds and time until Done, default 420; <0 = Done at once
	V3Seconds     int                              // Fast Purge estimatedSeconds, default 5 (DefaultV3Seconds); <0 = 0
	Logf          func(format string, args ...any) // optional request log (method, path, status; never secrets)

	// Buckets sizes the Fast Purge token buckets; nil = Akamai's real sizes (RealBuckets), so a
	// client's pacing is tested by default. Use Unlimited() for tests that must never see 429.
	Buckets *Buckets

	// V2MaxObjects, if positive, answers 413 to a v2 POST with more objects. Off by default: the
	// "500 objects per request" figure comes from an Akamai blog post, not the API reference,
	// and the status the real API used for it is unknown (413 is a guess a splitting client handles).
	V2MaxObjects int

	// OnServed, if set, is called (from the handler goroutine) each time a purge POST ends, with
	// the same record Served() keeps, so tests can wait for an outcome instead of polling.
	OnServed func(Served)

	// AuthNow is the clock for the ±30 s signature timestamp check; nil = time.Now. It is separate
	// from Now because real clients sign with the wall clock: a test that advances Now to finish a
	// v2 purge must not thereby make every later signature "Invalid timestamp".
	AuthNow func() time.Time
}

// Server is a running simulator. All methods are safe for concurrent use.
type Server struct {
	opts     Options
	verifier *Verifier
	creds    []Credential
	srv      *http.Server
	ln       net.Listener
	caPEM    []byte
	ca       *authority
	done     chan struct{}
	closeErr error
	once     sync.Once
	requests atomic.Int64
	latency  atomic.Int64 // time.Duration added to every request
	limits   *limiter

	// closing is closed by Close so delayed and hanging handlers end; handlers counts the
	// handlers running, which Close waits for so none outlives the Server.
	closing  chan struct{}
	hmu      sync.Mutex
	closed   bool
	handlers sync.WaitGroup

	mu       sync.Mutex
	purges   []Purge
	served   []Served
	steps    []Step
	v2       map[string]*v2Record
	refused  map[string]bool
	failN    int
	failWith problem
	edges    []*Edge // told of each accepted purge, closed by Close
}

// Purge is one accepted purge request.
type Purge struct {
	API       string    // "v3" or "v2"
	Action    string    // v3: invalidate|delete; v2: remove|invalidate
	Type      string    // url|cpcode|tag (v3); arl|cpcode (v2)
	Network   string    // production|staging (v2 "domain")
	Queue     string    // v2 only: default|emergency
	Hostname  string    // v3 url purges sent in the {"hostname":…,"objects":[paths]} form
	Objects   []string  // as sent; cpcodes formatted as decimal strings
	PurgeID   string    // as returned to the client
	SupportID string    // as returned to the client
	Submitted time.Time // on the Options.Now clock
}

// Start listens with TLS on 127.0.0.1:0 using a freshly generated CA and leaf certificate
// (ECDSA P-256, SAN IP 127.0.0.1 and DNS localhost), and serves until Close.
func Start(opts Options) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	tlsCfg, ca, err := newTLS()
	if err != nil {
		return nil, fmt.Errorf("ccusim: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("ccusim: listen: %w", err)
	}
	s.ln, s.ca, s.caPEM = ln, ca, ca.pem()
	s.srv = &http.Server{
		Handler:           s,
		TLSConfig:         tlsCfg,
		ReadHeaderTimeout: 10 * time.Second,
		// http.Server logs TLS handshake failures to stderr by default; library code must not print.
		ErrorLog: log.New(logWriter{s.opts.Logf}, "ccusim: ", 0),
	}
	go s.serve()
	return s, nil
}

// newServer validates opts, fills defaults and builds everything but the listener.
func newServer(opts Options) (*Server, error) {
	creds := append([]Credential(nil), opts.Credentials...)
	if len(creds) == 0 {
		creds = []Credential{newCredential()}
	}
	secrets := map[string]Credential{}
	for i, c := range creds {
		if c.ClientToken == "" || c.ClientSecret == "" || c.AccessToken == "" {
			return nil, fmt.Errorf("ccusim: credential %d: client token, client secret and access token are all required", i)
		}
		secrets[c.ClientToken] = c
	}
	buckets := RealBuckets()
	if opts.Buckets != nil {
		buckets = *opts.Buckets
	}
	if err := buckets.validate(); err != nil {
		return nil, err
	}
	opts.QueueCapacity = queueCapacity(opts.QueueCapacity)
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.V2Seconds == 0 {
		opts.V2Seconds = DefaultV2Seconds
	} else if opts.V2Seconds < 0 {
		opts.V2Seconds = 0
	}
	opts.V3Seconds = v3Seconds(opts.V3Seconds)
	s := &Server{
		opts:     opts,
		creds:    creds,
		verifier: &Verifier{Secrets: secrets, Now: opts.AuthNow},
		done:     make(chan struct{}),
		closing:  make(chan struct{}),
		v2:       map[string]*v2Record{},
		refused:  map[string]bool{},
	}
	s.limits = newLimiter(buckets, s.now())
	return s, nil
}

// v3Seconds fills in the default estimatedSeconds: 0 is the default, negative is none.
func v3Seconds(n int) int {
	if n == 0 {
		return DefaultV3Seconds
	}
	return max(n, 0)
}

// queueCapacity fills in the documented limits for queues the caller did not configure.
func queueCapacity(in map[string]int) map[string]int {
	out := map[string]int{"default": 10000, "emergency": 10}
	for q, n := range in {
		if _, known := out[q]; known && n > 0 {
			out[q] = n
		}
	}
	return out
}

func (s *Server) serve() {
	defer close(s.done)
	err := s.srv.ServeTLS(s.ln, "", "")
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		s.logf("serve: %v", err)
	}
}

// Close stops the listener and all connections, ends delayed and hanging handlers, and waits for
// the serve loop and every handler to return, so no goroutine of the Server outlives it.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.hmu.Lock()
		s.closed = true
		s.hmu.Unlock()
		close(s.closing)
		s.closeErr = errors.Join(s.srv.Close(), s.closeEdges())
		<-s.done
		s.handlers.Wait()
	})
	return s.closeErr
}

// closeEdges closes every edge StartEdge started.
func (s *Server) closeEdges() error {
	s.mu.Lock()
	edges := s.edges
	s.mu.Unlock()
	var errs []error
	for _, e := range edges {
		errs = append(errs, e.Close())
	}
	return errors.Join(errs...)
}

// record keeps an accepted purge and tells the edges, in acceptance order (both under s.mu), so
// an edge's faults (a lost purge, a slower propagation) bind to the purges accepted while they
// are armed. Callers hold s.mu.
func (s *Server) record(p Purge) {
	s.purges = append(s.purges, p)
	for _, e := range s.edges {
		e.accept(p, s.estimated(p.API))
	}
}

// estimated is the estimatedSeconds the API answered, after which the edge applies a purge.
func (s *Server) estimated(api string) time.Duration {
	if api == "v2" {
		return time.Duration(s.opts.V2Seconds) * time.Second
	}
	return time.Duration(s.opts.V3Seconds) * time.Second
}

// enter registers a running handler unless Close has begun (WaitGroup.Add must not race Wait).
func (s *Server) enter() bool {
	s.hmu.Lock()
	defer s.hmu.Unlock()
	if s.closed {
		return false
	}
	s.handlers.Add(1)
	return true
}

// Host returns "127.0.0.1:PORT", the value for the .edgerc host key.
func (s *Server) Host() string { return s.ln.Addr().String() }

// URL returns "https://127.0.0.1:PORT".
func (s *Server) URL() string { return "https://" + s.Host() }

// CACertPEM returns the PEM of the CA certificate clients must trust.
func (s *Server) CACertPEM() []byte { return bytes.Clone(s.caPEM) }

// Credential returns the first accepted credential, the one WriteFiles writes.
func (s *Server) Credential() Credential { return s.creds[0] }

// Requests counts every HTTP request received, including rejected ones, so tests can assert
// that a client retried (or did not).
func (s *Server) Requests() int { return int(s.requests.Load()) }

// WriteFiles writes DIR/.edgerc (mode 0600, sections [ccu] and [default]) and DIR/ca.pem,
// returning their paths. Both sections are written because Akamai's CLI defaults to [ccu] and
// the libraries to [default].
func (s *Server) WriteFiles(dir string) (edgerc, caFile string, err error) {
	edgerc = filepath.Join(dir, ".edgerc")
	caFile = filepath.Join(dir, "ca.pem")
	c := s.Credential()
	var b strings.Builder
	for _, section := range []string{"ccu", "default"} {
		fmt.Fprintf(&b, "[%s]\nhost = %s\nclient_token = %s\nclient_secret = %s\naccess_token = %s\n\n",
			section, s.Host(), c.ClientToken, c.ClientSecret, c.AccessToken)
	}
	if err := writePrivate(edgerc, []byte(b.String())); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(caFile, s.caPEM, 0o644); err != nil {
		return "", "", fmt.Errorf("ccusim: write %q: %w", caFile, err)
	}
	return edgerc, caFile, nil
}

// writePrivate writes a secrets file readable only by its owner, even if it existed before with
// looser permissions (os.WriteFile keeps an existing file's mode).
func writePrivate(path string, data []byte) error {
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return fmt.Errorf("ccusim: write %q: %w", path, err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		return fmt.Errorf("ccusim: chmod %q: %w", path, err)
	}
	return nil
}

// Purges returns every purge the simulator accepted, in arrival order.
func (s *Server) Purges() []Purge {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Purge, len(s.purges))
	for i, p := range s.purges {
		p.Objects = append([]string(nil), p.Objects...)
		out[i] = p
	}
	return out
}

// Fail makes the next n purge POSTs (v2 or v3, after authentication and validation succeeded)
// answer with status and a CCU problem body, replacing any earlier Fail. Empty title/detail take
// a default for the status. A status outside 400–599 is treated as 500, since only errors make
// sense here. Scripted steps (Script) are taken first; Fail applies to requests no step claimed,
// before rate limiting, so an injected failure costs no tokens.
func (s *Server) Fail(n, status int, title, detail string) {
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN = max(n, 0)
	s.failWith = problem{HTTPStatus: status, Title: title, Detail: detail}
}

// Refuse makes any purge whose objects include one of these answer 403 "unauthorized arl" (or
// "unauthorized cpcode"/"unauthorized tag") with the first refused object as detail. Like the real
// API, the whole request fails. CP codes are given as decimal strings.
func (s *Server) Refuse(objects ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range objects {
		s.refused[o] = true
	}
}

func (s *Server) now() time.Time {
	if s.opts.Now == nil {
		return time.Now()
	}
	return s.opts.Now()
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf(format, args...)
	}
}

// logWriter routes http.Server's internal log lines to Options.Logf, or drops them.
type logWriter struct{ logf func(string, ...any) }

func (l logWriter) Write(p []byte) (int, error) {
	if l.logf != nil {
		l.logf("%s", strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

// readBody reads enough of the body to both hash it for the signature (the first 131072 bytes)
// and tell whether it exceeds MaxBody, without buffering arbitrarily large uploads.
func (s *Server) readBody(r *http.Request) ([]byte, error) {
	limit := max(s.opts.MaxBody, s.verifier.maxBody()) + 1
	return io.ReadAll(io.LimitReader(r.Body, int64(limit)))
}

// StartIn starts a simulator with opts and writes its .edgerc and CA
// certificate to dir (created if missing), returning their paths.
func StartIn(dir string, opts Options) (*Server, string, string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, "", "", fmt.Errorf("simulator folder: %w", err)
	}
	sim, err := Start(opts)
	if err != nil {
		return nil, "", "", fmt.Errorf("start simulator: %w", err)
	}
	edgerc, ca, err := sim.WriteFiles(dir)
	if err != nil {
		sim.Close()
		return nil, "", "", fmt.Errorf("write simulator files: %w", err)
	}
	return sim, edgerc, ca, nil
}
