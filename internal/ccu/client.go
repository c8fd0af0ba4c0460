// Package ccu sends purge batches to Akamai's Fast Purge API (CCU v3) or
// the legacy CCU REST API v2, signed with EdgeGrid, and says exactly which
// batches were accepted.
package ccu

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/redact"
)

// Options tune a Client.
type Options struct {
	// CAFile is a PEM file of extra certificates to trust, such as the
	// simulator's; the system roots (and SSL_CERT_FILE) are trusted too.
	CAFile    string
	UserAgent string
	// Logf, when set, receives one line per request: method, path, status,
	// supportId. Never headers or credentials.
	Logf func(format string, args ...any)
	// Now is the clock compared with the server's Date header to diagnose
	// "Invalid timestamp"; nil = time.Now.
	Now func() time.Time
}

// Client submits purge batches.
type Client struct {
	cfg   *edgegrid.Config
	http  *http.Client
	opts  Options
	conns *conns
	// redact removes the credentials from every answer as it arrives: a
	// server may echo them, and text is cut to length before it is shown.
	redact *redact.Redactor
}

func (c *Client) now() time.Time {
	if c.opts.Now != nil {
		return c.opts.Now()
	}
	return time.Now()
}

// Result is what the API said about an accepted batch.
type Result struct {
	HTTPStatus       int    `json:"httpStatus"`
	PurgeID          string `json:"purgeId,omitempty"`
	SupportID        string `json:"supportId,omitempty"`
	EstimatedSeconds int    `json:"estimatedSeconds,omitempty"`
	ProgressURI      string `json:"progressUri,omitempty"`
	PingAfterSeconds int    `json:"pingAfterSeconds,omitempty"`
	Detail           string `json:"detail,omitempty"`
}

// New makes a client for the credentials in cfg, which must come from
// edgegrid.New (a hand-built Config has MaxBody 0 and signs POST bodies
// wrongly).
func New(cfg *edgegrid.Config, opts Options) (*Client, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	cs := &conns{set: map[*trackedConn]struct{}{}}
	tr.DialContext = cs.dial((&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext)
	if opts.CAFile != "" {
		pool, err := CertPool(opts.CAFile)
		if err != nil {
			return nil, err
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "ccu-purge"
	}
	// No http.Client.Timeout: a fixed cap per attempt (it was 60 s) cut
	// off a 201 that took longer and sent the purge again. Each attempt
	// lasts as long as its context, which Submit bounds by what is left of
	// the budget (--timeout) plus the grace for requests in flight; only
	// the steps before anything is sent have their own limits (dial 30 s,
	// TLS handshake 10 s), since retrying those is always safe.
	hc := &http.Client{Transport: tr,
		// A redirect would resend a signed purge to another URL: refuse it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &Client{cfg: cfg, opts: opts, http: hc, conns: cs, redact: redact.New(Secrets(cfg)...)}, nil
}

// CertPool is the system's roots plus the certificates in file (--ca-cert):
// the API client and the verifier trust the same ones.
func CertPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read CA certificate: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA certificate %s holds no PEM certificate", file)
	}
	return pool, nil
}

// CloseIdleConnections closes the kept-alive connections not in use.
func (c *Client) CloseIdleConnections() { c.http.CloseIdleConnections() }

// Close ends every connection the client opened, idle or not: once a run
// is over, a request abandoned at its deadline (a server that never
// answered) must not keep a connection and its goroutines alive.
func (c *Client) Close() {
	c.http.CloseIdleConnections()
	if c.conns != nil {
		c.conns.closeAll()
	}
}

// conns tracks the client's connections so Close can end them all.
type conns struct {
	mu  sync.Mutex
	set map[*trackedConn]struct{}
}

type trackedConn struct {
	net.Conn
	owner *conns
	once  sync.Once
}

func (t *trackedConn) Close() error {
	t.once.Do(func() {
		t.owner.mu.Lock()
		delete(t.owner.set, t)
		t.owner.mu.Unlock()
	})
	return t.Conn.Close()
}

func (cs *conns) dial(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		t := &trackedConn{Conn: c, owner: cs}
		cs.mu.Lock()
		cs.set[t] = struct{}{}
		cs.mu.Unlock()
		return t, nil
	}
}

func (cs *conns) closeAll() {
	cs.mu.Lock()
	all := make([]*trackedConn, 0, len(cs.set))
	for t := range cs.set {
		all = append(all, t)
	}
	cs.mu.Unlock()
	for _, t := range all {
		t.Close()
	}
}

// Purge submits one batch in one request, without retries. It succeeds
// only when the API answers 201 and the body agrees; anything else is an
// error, an *APIError when the API said why.
func (c *Client) Purge(ctx context.Context, b purge.Batch) (Result, error) {
	res, _, err := c.once(ctx, b)
	return res, err
}

// once sends one request for b and returns the answer's headers too, for
// the pacer.
func (c *Client) once(ctx context.Context, b purge.Batch) (Result, http.Header, error) {
	path, body, err := Request(b)
	if err != nil {
		return Result{}, nil, err
	}
	if len(body) > purge.MaxBodyBytes {
		return Result{}, nil, fmt.Errorf("request body of %d bytes exceeds the API's %d-byte limit", len(body), purge.MaxBodyBytes)
	}
	resp, data, err := c.do(ctx, http.MethodPost, path, body)
	switch {
	case resp != nil && resp.StatusCode == http.StatusCreated && err != nil:
		return Result{}, resp.Header, unreadable201(data, err)
	case err != nil:
		return Result{}, nil, err
	}
	res, err := accepted(resp, data)
	return res, resp.Header, err
}

func (c *Client) do(ctx context.Context, method, path string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, "https://"+c.cfg.Host+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opts.UserAgent)
	// Signing reads the body to hash it and puts it back.
	c.cfg.SignRequest(req)
	var answered atomic.Bool
	req = req.WithContext(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { answered.Store(true) }}))
	resp, err := c.http.Do(req)
	if err != nil && answered.Load() && method == http.MethodPost {
		return nil, nil, fmt.Errorf("%s %s: %w: %w", method, path, errCutAnswer, redactURLError(err))
	}
	if err != nil && ctx.Err() != nil {
		// The run's context ended it: say so in words (the caller knows
		// whether it was the budget or an interrupt), not Go's text.
		return nil, nil, &stopError{fmt.Sprintf("%s %s: stopped before its answer", method, path), []error{ctx.Err(), errTransport}}
	}
	if err != nil {
		cause := redactURLError(err)
		err = connFailed(method, path, cause)
		// --verbose shows failures too, not only answers, in the same shape.
		c.logf("%s %s -> %s (%s)", method, path, Reason(err), clean(cause.Error(), maxField))
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	// Before any field is cut to length: half a token passes a redaction.
	data = []byte(c.redact.String(string(data)))
	c.logf("%s %s -> %d %s", method, path, resp.StatusCode, supportID(data))
	// Stopped while the body arrived (Ctrl-C during a --wait poll): in
	// words, still wrapping the context's error, never Go's text. A GET's
	// body may also end early without an error when the server side goes
	// first; a query is only worth its whole answer. A POST's answer is
	// kept whatever: its 201 is the purge's fate (see accepted).
	if ctx.Err() != nil && (err != nil || method == http.MethodGet) {
		return resp, data, &stopError{fmt.Sprintf("%s %s: stopped while its answer arrived", method, path), []error{ctx.Err(), errTransport}}
	}
	if err != nil {
		// resp comes too: after a 201 status line the purge is accepted,
		// and once must not have it retried as a dropped connection.
		return resp, data, fmt.Errorf("%s %s: read answer: %w: %w", method, path, errTransport, err)
	}
	if resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnauthorized {
		resp.Header.Set(skewHeader, clockSkew(c.now(), resp.Header.Get("Date")).String())
	}
	return resp, data, nil
}

func (c *Client) logf(format string, args ...any) {
	if c.opts.Logf != nil {
		c.opts.Logf(format, args...)
	}
}

// errCutAnswer is a purge whose answer began and broke off inside its
// headers. Go's transport then hides the status line, which may have said
// 201: sending again could purge twice what Akamai already took, so the
// request is not retried and its objects are listed as not confirmed.
var errCutAnswer = errors.New("the answer broke off inside its headers, so whether the purge was accepted is unknown; not sent again: run again for a confirmed purge")

// errTransport marks a failure of the connection, not of the request: a
// reset, a timeout, a dropped answer. Retrying may succeed.
var errTransport = errors.New("connection failed")

// connFailed says how a request's connection failed: marked errTransport
// when a retry may pass, and errRefused too when the host refused it;
// with the fix when it will not pass.
func connFailed(method, path string, err error) error {
	if why := permanentTransport(err); why != "" {
		return fmt.Errorf("%s %s: %s: %w", method, path, why, err)
	}
	if refused(err) {
		return fmt.Errorf("%s %s: %w: %w: %w", method, path, errTransport, errRefused, err)
	}
	if transient(err) {
		return fmt.Errorf("%s %s: %w: %w", method, path, errTransport, err)
	}
	return fmt.Errorf("%s %s: %w", method, path, err)
}

// transient tells connection failures worth a retry from ones that will not
// pass (a certificate that is not trusted, a host that does not exist).
func transient(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.IsTemporary || dns.IsTimeout
	}
	var cert *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	if errors.As(err, &cert) || errors.As(err, &unknown) || errors.As(err, &host) || errors.Is(err, context.Canceled) {
		return false
	}
	return true
}

// redactURLError keeps the transport error but not the request, so nothing
// signed is ever echoed.
func redactURLError(err error) error {
	var ue interface{ Unwrap() error }
	if errors.As(err, &ue) {
		if inner := ue.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}

func supportID(data []byte) string {
	if m, ok := fields(data); ok && str(m, "supportId") != "" {
		return "supportId " + str(m, "supportId")
	}
	return ""
}

// Submitter sends batches: a Client, or a DryRunner.
type Submitter interface {
	Submit(ctx context.Context, batches []purge.Batch, o SubmitOptions) []Sent
}

// DryRunner is a Submitter that sends nothing: see DryRun.
type DryRunner struct {
	Would func(b purge.Batch, path string, body []byte)
}

// Submit builds each request as Client.Submit would and hands it to Would.
func (d DryRunner) Submit(_ context.Context, batches []purge.Batch, _ SubmitOptions) []Sent {
	return DryRun(batches, d.Would)
}

// DryRun is Submit without sending: each batch's request is built as it
// would be sent and handed to would; a batch that cannot be built (a CP
// code that is not a number) ends with that error, as it would.
func DryRun(batches []purge.Batch, would func(b purge.Batch, path string, body []byte)) []Sent {
	out := make([]Sent, 0, len(batches))
	for i, b := range batches {
		s := Sent{Batch: i, Request: b}
		path, body, err := Request(b)
		if err != nil {
			s.Err = err
		} else {
			would(b, path, body)
		}
		out = append(out, s)
	}
	return out
}

// Request returns the endpoint path and exact JSON body a batch is sent as.
func Request(b purge.Batch) (string, []byte, error) {
	objects, err := wireObjects(b)
	if err != nil {
		return "", nil, err
	}
	switch b.API {
	case purge.FastPurge:
		// ARLs go to the url endpoint: Fast Purge takes both there.
		typ := b.Type
		if typ.IsURL() {
			typ = purge.URL
		}
		body, err := json.Marshal(map[string]any{"objects": objects})
		return "/ccu/v3/" + string(b.Action) + "/" + string(typ) + "/" + string(b.Network), body, err
	case purge.CCUv2:
		typ, action := "arl", string(b.Action)
		if b.Type == purge.CPCode {
			typ = "cpcode"
		}
		if b.Action == purge.Delete {
			action = "remove" // v2's name for delete
		}
		body, err := json.Marshal(v2Body{Objects: objects, Type: typ, Action: action, Domain: string(b.Network)})
		return "/ccu/v2/queues/" + string(b.Queue), body, err
	}
	return "", nil, fmt.Errorf("unknown API %q; valid APIs are \"fast-purge\" and \"ccu-v2\"", b.API)
}

type v2Body struct {
	Objects []any  `json:"objects"`
	Type    string `json:"type"`
	Action  string `json:"action"`
	Domain  string `json:"domain"`
}

// wireObjects sends CP codes as JSON numbers, as the OpenAPI schema says.
func wireObjects(b purge.Batch) ([]any, error) {
	out := make([]any, len(b.Objects))
	for i, o := range b.Objects {
		if b.Type != purge.CPCode {
			out[i] = o
			continue
		}
		n, err := strconv.ParseInt(o, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("CP code %q is not a number", o)
		}
		out[i] = n
	}
	return out, nil
}

// accepted reads a purge answer: 201 with a body whose httpStatus is 201
// and a purgeId. A 201 is never sent again, whatever its body: see
// unconfirmed.
func accepted(resp *http.Response, data []byte) (Result, error) {
	if resp.StatusCode != http.StatusCreated {
		e := parseError(resp, data)
		e.ClockSkew, _ = time.ParseDuration(resp.Header.Get(skewHeader))
		return Result{}, e
	}
	r, ok := result(data)
	if !ok {
		purgeID, supportID := salvage(data)
		return Result{}, unconfirmed("unreadable answer", "but its body is not JSON", purgeID, supportID)
	}
	if r.HTTPStatus != http.StatusCreated {
		return r, &APIError{Status: resp.StatusCode, Title: "contradicting answer", Detail: fmt.Sprintf("the API answered 201 but its body says httpStatus %d, so the purge is not confirmed; not sent again", r.HTTPStatus), SupportID: r.SupportID}
	}
	if r.PurgeID == "" {
		return r, unconfirmed("unconfirmed answer", "without a purgeId", "", r.SupportID)
	}
	return r, nil
}

// unreadable201 is a 201 whose body could not be read to its end: cut
// short, chunked without an end, gzip that is not, or slower than the
// budget. readErr is why.
func unreadable201(partial []byte, readErr error) error {
	purgeID, supportID := salvage(partial)
	why := "but its body could not be read (" + clean(readErr.Error(), maxField) + ")"
	if errors.Is(readErr, context.Canceled) || errors.Is(readErr, context.DeadlineExceeded) {
		why = "but its body had not arrived when the time budget (--timeout) and the grace for requests in flight ran out"
	}
	return unconfirmed("unreadable answer", why, purgeID, supportID)
}

// unconfirmed is a 201 without a readable purgeId. The status line is the
// API's word that it accepted the request, so it is never sent again (a
// retry would purge twice and spend the account's rate limit); but the
// promise is that every object ends confirmed with its purgeId or listed
// as not purged, so without a purgeId its objects are not purged (exit 1),
// and whatever ids could be read are kept for Akamai support.
func unconfirmed(title, why, purgeID, supportID string) *APIError {
	return &APIError{Status: http.StatusCreated, Title: title, Accepted: true, PurgeID: purgeID, SupportID: supportID,
		Detail: "the API answered 201 (accepted) " + why + ", so the purge is not confirmed; not sent again: run again for a confirmed purge"}
}

// salvage reads the purgeId and supportId that are whole in the start of a
// JSON object cut anywhere: a decoder's tokens stop at the first one that
// is incomplete, so a purgeId cut in half is never taken.
func salvage(data []byte) (purgeID, supportID string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", ""
	}
	for {
		k, err := dec.Token()
		key, isKey := k.(string)
		if err != nil || !isKey {
			return purgeID, supportID
		}
		v, err := dec.Token()
		if err != nil {
			return purgeID, supportID
		}
		if _, nested := v.(json.Delim); nested {
			return purgeID, supportID // an object or array value: the rest is not read
		}
		if s, ok := v.(string); ok && key == "purgeId" {
			purgeID = clean(s, maxField)
		} else if ok && key == "supportId" {
			supportID = clean(s, maxField)
		}
	}
}

// result reads an accepted answer's members one by one, so one of the
// wrong type does not lose the purgeId; text is cleaned, because a
// purgeId goes into reports, logs and CI outputs (a newline there would
// write another GITHUB_OUTPUT line). ok is false when data is not a JSON
// object.
func result(data []byte) (r Result, ok bool) {
	m, ok := fields(data)
	if !ok {
		return r, false
	}
	r.HTTPStatus, _ = num(m, "httpStatus")
	r.EstimatedSeconds, r.PingAfterSeconds = answerSeconds(m, "estimatedSeconds"), answerSeconds(m, "pingAfterSeconds")
	r.PurgeID, r.SupportID, r.ProgressURI, r.Detail = str(m, "purgeId"), str(m, "supportId"), str(m, "progressUri"), str(m, "detail")
	return r, true
}
