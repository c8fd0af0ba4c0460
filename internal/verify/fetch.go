package verify

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// maxBody bounds what one answer may make us hold in memory.
	maxBody = 64 << 20
	// maxRedirects is how many redirects inside the site are followed.
	maxRedirects = 5
	// requestTimeout stops one hung answer from eating the whole budget.
	requestTimeout = 20 * time.Second
)

// answer is one HTTP response, its body read whole (unless too big).
type answer struct {
	status   int
	header   http.Header
	body     []byte
	tooBig   bool
	redirect string // a Location outside the site, not followed
	tooMany  bool   // more than maxRedirects
	gets     int    // requests made, redirects included
}

// fetcher makes the GETs: one client, the connect-to rules applied at
// dial time, and a semaphore per dialled host.
type fetcher struct {
	client  *http.Client
	connect map[string]ConnectTo
	hosts   map[string]bool // where redirects may go
	ua      string
	logf    func(format string, args ...any)
	limit   int
	maxBody int64 // maxBody; tests lower it

	mu   sync.Mutex
	sems map[string]chan struct{}
}

func newFetcher(s Settings, hosts map[string]bool) *fetcher {
	f := &fetcher{connect: map[string]ConnectTo{}, hosts: hosts, ua: s.UserAgent, logf: s.Logf, limit: s.Concurrency, maxBody: maxBody, sems: map[string]chan struct{}{}}
	for _, c := range s.ConnectTo {
		f.connect[strings.ToLower(c.Host)] = c
	}
	dialer := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		Proxy: f.proxy,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return dialer.DialContext(ctx, network, f.dialAddr(addr))
		},
		TLSClientConfig:     &tls.Config{RootCAs: s.RootCAs, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: s.Concurrency,
		IdleConnTimeout:     30 * time.Second,
		TLSHandshakeTimeout: 10 * time.Second,
	}
	// No Jar: a cookie the site sets is never sent back. Redirects are
	// followed by hand, so each hop is checked against the site's hosts
	// and waits for its own host's semaphore.
	f.client = &http.Client{Transport: tr, Timeout: requestTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return f
}

// proxy keeps the environment's proxy except for a connect-to host: a
// proxy would choose its own edge, and the point is to reach that one.
func (f *fetcher) proxy(r *http.Request) (*url.URL, error) {
	if _, ok := f.connect[strings.ToLower(r.URL.Hostname())]; ok {
		return nil, nil
	}
	return http.ProxyFromEnvironment(r)
}

// dialAddr applies a connect-to rule to "host:port", like curl's
// --connect-to: the connection goes to the edge while TLS SNI and Host,
// which the transport takes from the URL, stay the site's.
func (f *fetcher) dialAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	c, ok := f.connect[strings.ToLower(host)]
	if !ok {
		return addr
	}
	if c.Port != "" {
		port = c.Port
	}
	return net.JoinHostPort(c.Edge, port)
}

// dialHost is the host a URL's connection really goes to: what the
// politeness limit counts, since several site hosts may share one edge.
func (f *fetcher) dialHost(u *url.URL) string {
	h := strings.ToLower(u.Hostname())
	if c, ok := f.connect[h]; ok {
		return strings.ToLower(c.Edge)
	}
	return h
}

// acquire waits for a slot of host's semaphore; release gives it back.
func (f *fetcher) acquire(ctx context.Context, host string) (release func(), err error) {
	f.mu.Lock()
	sem, ok := f.sems[host]
	if !ok {
		sem = make(chan struct{}, f.limit)
		f.sems[host] = sem
	}
	f.mu.Unlock()
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// get makes one GET of u with the extra headers, Host set to host when
// not "", and reads the body to at most maxBody.
func (f *fetcher) get(ctx context.Context, u *url.URL, extra http.Header, host string) (answer, error) {
	release, err := f.acquire(ctx, f.dialHost(u))
	if err != nil {
		return answer{}, err
	}
	defer release()
	bare := *u
	bare.User = nil // Go's client would send user:password@ as Basic credentials
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, bare.String(), nil)
	if err != nil {
		return answer{}, err
	}
	for k, v := range extra {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", f.ua)
	if host != "" {
		req.Host = host
	}
	resp, err := f.client.Do(req)
	if err != nil {
		f.log("GET %s%s (to %s): %v", &bare, hostNote(u, host), f.dialHost(u), err)
		return answer{}, err
	}
	defer resp.Body.Close()
	f.log("GET %s%s (to %s): %d, X-Cache %q, Age %q", &bare, hostNote(u, host), f.dialHost(u), resp.StatusCode, cut(resp.Header.Get("X-Cache")), cut(resp.Header.Get("Age")))
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBody+1))
	if err != nil {
		return answer{}, fmt.Errorf("read the body: %w", err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: body}
	if int64(len(body)) > f.maxBody {
		a.body, a.tooBig = nil, true
	}
	return a, nil
}

// hostNote names the Host header when it is not the URL's (the origin is
// asked with the site's).
func hostNote(u *url.URL, host string) string {
	if host == "" || host == u.Host {
		return ""
	}
	return " (Host " + host + ")"
}

// log is Settings.Logf, when set.
func (f *fetcher) log(format string, args ...any) {
	if f.logf != nil {
		f.logf(format, args...)
	}
}

// edge GETs rawURL through the edge, following redirects within the
// site's hosts; a redirect elsewhere is recorded, not followed.
func (f *fetcher) edge(ctx context.Context, rawURL string, debug http.Header) (answer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return answer{}, fmt.Errorf("the URL %q does not parse: %w", rawURL, err)
	}
	for hop := 0; ; hop++ {
		a, err := f.get(ctx, u, debug, "")
		a.gets = hop + 1
		if err != nil || !isRedirect(a.status) {
			return a, err
		}
		next, err := u.Parse(a.header.Get("Location"))
		switch {
		case err != nil || a.header.Get("Location") == "":
			return a, nil // a redirect without a usable Location: judged by its status
		case !f.follows(u, next):
			a.redirect = next.String()
			return a, nil
		case hop == maxRedirects:
			a.redirect, a.tooMany = next.String(), true
			return a, nil
		}
		u = next
	}
}

// follows reports whether a redirect from u to next stays on the site: one
// of its hosts, over http or https, and never from https down to http (the
// same page over cleartext is not what the https URL serves).
func (f *fetcher) follows(u, next *url.URL) bool {
	switch {
	case !f.hosts[strings.ToLower(next.Hostname())]:
		return false
	case u.Scheme == "https":
		return next.Scheme == "https"
	}
	return next.Scheme == "http" || next.Scheme == "https"
}

// origin GETs the URL's path and query from the origin, with the site's
// Host header, as the edge would ask it. Redirects are not followed: the
// origin's own answer is the evidence.
func (f *fetcher) origin(ctx context.Context, origin *url.URL, rawURL string) (answer, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return answer{}, err
	}
	o := *origin
	o.Path = strings.TrimSuffix(o.Path, "/") + u.Path
	o.RawPath = ""
	if u.RawPath != "" {
		o.RawPath = strings.TrimSuffix(origin.EscapedPath(), "/") + u.RawPath
	}
	o.RawQuery = u.RawQuery
	return f.get(ctx, &o, nil, u.Host)
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}
