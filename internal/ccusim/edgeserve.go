package ccusim

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Akamai's X-Cache words for how the edge answered.
const (
	tcpMiss        = "TCP_MISS"
	tcpHit         = "TCP_HIT"
	tcpRefreshHit  = "TCP_REFRESH_HIT"
	tcpRefreshMiss = "TCP_REFRESH_MISS"
)

// edgeAnswer is what the edge serves for one request and how it got it.
type edgeAnswer struct {
	v         version
	validated time.Time
	cache     string // tcpMiss…
}

// serveEdge answers a site request like an Akamai edge: from the cache, after the purges that
// apply, else from the origin.
func (e *Edge) serveEdge(w http.ResponseWriter, r *http.Request) {
	e.wait()
	h := w.Header()
	h.Set("Server", "AkamaiGHost")
	h.Set("Date", e.s.now().UTC().Format(http.TimeFormat))
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		http.Error(w, "ccusim edge: only GET and HEAD are served", http.StatusMethodNotAllowed)
		return
	}
	host, err := e.siteHost(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	e.gets.Add(1)
	a, err := e.lookup(r.Context(), host, r.URL)
	if err != nil {
		e.s.logf("edge %s%s: %v", host, r.URL.Path, err)
		http.Error(w, "ccusim edge: the origin did not answer", http.StatusBadGateway)
		return
	}
	e.s.logf("edge %s https://%s%s: %d %s", r.Method, host, r.URL.RequestURI(), a.v.status, a.cache)
	e.debug(h, r, host, a.cache)
	if a.v.status == http.StatusOK {
		h.Set("Age", fmt.Sprint(int64(e.s.now().Sub(a.validated)/time.Second)))
	}
	writeVersion(w, r, a.v, notModified(a.v, r))
}

// siteHost is the request's Host, lower case without a port, if the edge serves it (and the
// TLS SNI name, when sent).
func (e *Edge) siteHost(r *http.Request) (string, error) {
	host := strings.ToLower(r.Host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if len(e.hosts) == 0 {
		return host, nil
	}
	sni := ""
	if r.TLS != nil {
		sni = strings.ToLower(r.TLS.ServerName)
	}
	for _, name := range []string{host, sni} {
		if name != "" && !e.hosts[name] {
			return "", fmt.Errorf("ccusim edge: %q is not a site of this edge; it serves %s (use --connect-to SITE:%s)", name, e.siteList(), e.Addr())
		}
	}
	return host, nil
}

func (e *Edge) siteList() string {
	names := make([]string, 0, len(e.hosts))
	for h := range e.hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// lookup serves the cached copy unless an applied purge deleted it (fetch again) or
// invalidated it (revalidate with the origin).
func (e *Edge) lookup(ctx context.Context, host string, u *url.URL) (edgeAnswer, error) {
	pkey := host + u.RequestURI()
	key := "https://" + pkey
	obj := e.cache.get(key)
	if obj == nil {
		return e.fetch(ctx, key, pkey, u, tcpMiss)
	}
	switch e.purged(obj, e.s.now()) {
	case "delete":
		e.cache.drop(key)
		return e.fetch(ctx, key, pkey, u, tcpMiss)
	case "invalidate":
		return e.revalidate(ctx, key, u, obj)
	}
	return edgeAnswer{v: obj.version, validated: obj.validated, cache: tcpHit}, nil
}

// fetch reads the origin and caches a 200; other answers (404, 301) are passed on uncached.
func (e *Edge) fetch(ctx context.Context, key, pkey string, u *url.URL, cache string) (edgeAnswer, error) {
	// Counted before the read, so a purge accepted meanwhile still applies to this copy.
	seq, at := e.accepted(), e.s.now()
	v, err := e.origin.get(ctx, u)
	if err != nil {
		return edgeAnswer{}, err
	}
	if v.status == http.StatusOK {
		e.cache.put(key, &cached{version: v, purgeKey: pkey, validated: at, seq: seq})
	} else {
		e.cache.drop(key)
	}
	return edgeAnswer{v: v, validated: at, cache: cache}, nil
}

// revalidate asks the origin whether the copy changed, with If-Modified-Since = its
// Last-Modified (If-None-Match only without one), as an invalidate makes Akamai do: if the origin
// says not modified, the old bytes stay, even when they did change.
func (e *Edge) revalidate(ctx context.Context, key string, u *url.URL, obj *cached) (edgeAnswer, error) {
	seq, at := e.accepted(), e.s.now()
	v, err := e.origin.get(ctx, u)
	if err != nil {
		return edgeAnswer{}, err
	}
	inm := ""
	if obj.lastModified.IsZero() {
		inm = obj.etag
	}
	if unchanged(v, obj.lastModified, inm) {
		kept := *obj
		kept.validated, kept.seq = at, seq
		e.cache.put(key, &kept)
		return edgeAnswer{v: obj.version, validated: at, cache: tcpRefreshHit}, nil
	}
	if v.status == http.StatusOK {
		e.cache.put(key, &cached{version: v, purgeKey: obj.purgeKey, validated: at, seq: seq})
	} else {
		e.cache.drop(key)
	}
	return edgeAnswer{v: v, validated: at, cache: tcpRefreshMiss}, nil
}

// accepted counts the purges accepted so far.
func (e *Edge) accepted() int {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	return len(e.purges)
}
