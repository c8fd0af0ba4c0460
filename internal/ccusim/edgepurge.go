package ccusim

import (
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// edgePurge is an accepted purge as the edge applies it: once applyAt has passed, to the
// objects cached before it was accepted that it covers.
type edgePurge struct {
	lost    bool
	delete  bool // v3 delete, v2 remove; else invalidate
	network string
	applyAt time.Time
	kind    string          // url, cpcode or tag
	objects map[string]bool // url: "host/path?query" with the host lower case
}

// accept binds an accepted purge to the faults armed now. The server calls it under s.mu, in
// acceptance order.
func (e *Edge) accept(p Purge, estimated time.Duration) {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	ep := edgePurge{
		delete: p.Action == "delete" || p.Action == "remove", network: p.Network,
		applyAt: p.Submitted.Add(estimated + e.fault.Propagation), kind: p.Type, objects: map[string]bool{},
	}
	if e.fault.LosePurges > 0 {
		e.fault.LosePurges--
		ep.lost = true
	}
	if ep.kind == "arl" {
		ep.kind = "url"
	}
	for _, o := range p.Objects {
		if ep.kind == "url" {
			o = purgeKey(p.Hostname, o)
		}
		ep.objects[o] = true
	}
	e.purges = append(e.purges, ep)
}

// purgeKey is a purged URL without its scheme or default port, host lower case: "http://" and
// "https://" purge the same object here, because the edge serves the site over HTTPS only.
func purgeKey(hostname, object string) string {
	if hostname != "" {
		return strings.ToLower(hostname) + object
	}
	u, err := url.Parse(object)
	if err != nil || u.Host == "" {
		return object // an ARL or something else no edge URL equals
	}
	host := u.Host
	if p := u.Port(); p == "443" || p == "80" {
		host = u.Hostname() // the default port names the same site
	}
	return strings.ToLower(host) + u.RequestURI()
}

// since returns the purges accepted from the seq-th on. The slice is append-only, so its
// elements may be read after the lock is released.
func (e *Edge) since(seq int) []edgePurge {
	e.fmu.Lock()
	defer e.fmu.Unlock()
	return e.purges[min(seq, len(e.purges)):]
}

// covers says whether the purge, applied by now, reaches obj.
func (e *Edge) covers(p edgePurge, obj *cached, now time.Time) bool {
	if p.lost || p.network != e.opts.Network || p.applyAt.After(now) {
		return false
	}
	switch p.kind {
	case "url":
		return p.objects[obj.purgeKey]
	case "cpcode":
		return p.objects[strconv.FormatInt(e.opts.CPCode, 10)]
	default:
		for _, t := range obj.tags {
			if p.objects[t] {
				return true
			}
		}
		return false
	}
}

// cached is one object in the edge's cache.
type cached struct {
	version
	purgeKey  string
	validated time.Time // fetched or revalidated: Age counts from here
	seq       int       // how many purges had been accepted when it was fetched or revalidated
}

// edgeCache maps scheme+host+path+query to the cached copy.
type edgeCache struct {
	mu      sync.Mutex
	objects map[string]*cached
}

func (c *edgeCache) get(key string) *cached {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.objects[key]
}

func (c *edgeCache) put(key string, obj *cached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.objects[key] = obj
}

func (c *edgeCache) drop(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.objects, key)
}

// purged says what the purges accepted since obj was cached and applied by now do to it:
// "delete", "invalidate", or "" for nothing. A delete wins over an invalidate.
func (e *Edge) purged(obj *cached, now time.Time) string {
	ps := e.since(obj.seq)
	verdict := ""
	for _, p := range ps {
		if !e.covers(p, obj, now) {
			continue
		}
		if p.delete {
			return "delete"
		}
		verdict = "invalidate"
	}
	return verdict
}
