package ccusim

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// maxOriginBody bounds what the edge reads of one origin answer.
const maxOriginBody = 64 << 20

// version is one answer of the origin for a path: what the edge caches and serves.
type version struct {
	status       int
	body         []byte
	lastModified time.Time // zero: the origin sent none
	etag         string
	contentType  string
	location     string
	tags         []string
	id           string // tells versions apart
}

// origin reads what the origin serves now for a URL's path and query.
type origin interface {
	read(ctx context.Context, u *url.URL) (version, error)
}

// newOrigin is a folder or an http(s):// URL origin.
func newOrigin(where string, roots *x509.CertPool) (origin, error) {
	if strings.HasPrefix(where, "http://") || strings.HasPrefix(where, "https://") {
		u, err := url.Parse(where)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("ccusim: edge origin %q is not a URL with a host; give a folder or https://HOST", where)
		}
		return newURLOrigin(u, roots), nil
	}
	if where == "" {
		return nil, errors.New("ccusim: the edge needs an origin: a folder or an http(s):// URL (--edge-origin)")
	}
	st, err := os.Stat(where)
	if err != nil {
		return nil, fmt.Errorf("ccusim: edge origin: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("ccusim: edge origin %q is not a folder; give the site's folder or an http(s):// URL", where)
	}
	return dirOrigin(where), nil
}

// dirOrigin serves a folder the way a static web server does.
type dirOrigin string

func (d dirOrigin) read(ctx context.Context, u *url.URL) (version, error) {
	clean := path.Clean("/" + u.Path)
	name := filepath.Join(string(d), filepath.FromSlash(clean))
	st, err := os.Stat(name)
	switch {
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrInvalid):
		return answer(http.StatusNotFound, "text/plain; charset=utf-8", []byte("404 page not found\n")), nil
	case err != nil:
		return version{}, err
	case st.IsDir() && !strings.HasSuffix(u.Path, "/"):
		v := answer(http.StatusMovedPermanently, "text/plain; charset=utf-8", nil)
		v.location = strings.TrimSuffix(clean, "/") + "/"
		if u.RawQuery != "" {
			v.location += "?" + u.RawQuery
		}
		return v, nil
	case st.IsDir():
		return d.read(ctx, &url.URL{Path: path.Join(clean, "index.html")})
	}
	return readFile(name)
}

// readFile is a 200 with the file's mtime as Last-Modified and a hash of its bytes as ETag.
func readFile(name string) (version, error) {
	body, err := os.ReadFile(name)
	if err != nil {
		return version{}, err
	}
	st, err := os.Stat(name)
	if err != nil {
		return version{}, err
	}
	ctype := mime.TypeByExtension(filepath.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	v := answer(http.StatusOK, ctype, body)
	sum := sha256.Sum256(body)
	v.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	v.lastModified = st.ModTime().UTC().Truncate(time.Second)
	v.id += v.lastModified.String()
	return v, nil
}

// answer is a version without validators.
func answer(status int, ctype string, body []byte) version {
	sum := sha256.Sum256(body)
	return version{status: status, body: body, contentType: ctype, id: fmt.Sprintf("%d %x", status, sum)}
}

// urlOrigin fetches from an HTTP(S) origin; redirects are passed on, not followed.
type urlOrigin struct {
	base   *url.URL
	client *http.Client
}

func newURLOrigin(base *url.URL, roots *x509.CertPool) *urlOrigin {
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	return &urlOrigin{base: base, client: &http.Client{
		Transport:     tr,
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (o *urlOrigin) read(ctx context.Context, u *url.URL) (version, error) {
	target := *o.base
	target.Path = strings.TrimSuffix(o.base.Path, "/") + u.Path
	target.RawPath = ""
	target.RawQuery = u.RawQuery
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target.String(), nil)
	if err != nil {
		return version{}, fmt.Errorf("edge origin: %w", err)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return version{}, fmt.Errorf("edge origin: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxOriginBody))
	if err != nil {
		return version{}, fmt.Errorf("edge origin: read %s: %w", target.String(), err)
	}
	v := answer(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	v.etag, v.location = resp.Header.Get("ETag"), resp.Header.Get("Location")
	if t, err := http.ParseTime(resp.Header.Get("Last-Modified")); err == nil {
		v.lastModified = t.UTC()
	}
	v.tags = splitTags(resp.Header.Values("Edge-Cache-Tag"))
	v.id += v.etag + v.lastModified.String() + v.location + strings.Join(v.tags, ",")
	return v, nil
}

// splitTags reads Edge-Cache-Tag: comma-separated tags, in one header or several.
func splitTags(values []string) []string {
	var tags []string
	for _, v := range values {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
	}
	return tags
}

// laggedOrigin remembers each distinct version of a path and when it first saw it, so that with
// a lag it can serve the newest version first seen at least lag ago: an origin (a replica, a
// slow deploy) that is not updated yet when the purge lands.
type laggedOrigin struct {
	raw  origin
	now  func() time.Time
	lag  func() time.Duration
	mu   sync.Mutex
	seen map[string][]version
	at   map[string][]time.Time
}

// get reads the origin and returns the version the lag lets it serve.
func (o *laggedOrigin) get(ctx context.Context, u *url.URL) (version, error) {
	v, err := o.raw.read(ctx, u)
	if err != nil {
		return version{}, err
	}
	now, lag := o.now(), o.lag()
	key := u.RequestURI()
	o.mu.Lock()
	defer o.mu.Unlock()
	vs := o.seen[key]
	if len(vs) == 0 || vs[len(vs)-1].id != v.id {
		o.seen[key] = append(vs, v)
		o.at[key] = append(o.at[key], now)
	}
	return o.pick(key, now.Add(-lag)), nil
}

// pick is the newest version first seen by cutoff; the first version ever seen is served at once.
// Callers hold o.mu.
func (o *laggedOrigin) pick(key string, cutoff time.Time) version {
	vs, at := o.seen[key], o.at[key]
	for i := len(vs) - 1; i > 0; i-- {
		if !at[i].After(cutoff) {
			return vs[i]
		}
	}
	return vs[0]
}

// notModified is the origin's answer to a conditional GET: If-Modified-Since against
// Last-Modified to the second, and If-None-Match only when there is no Last-Modified.
func notModified(v version, r *http.Request) bool {
	ims, err := http.ParseTime(r.Header.Get("If-Modified-Since"))
	if err != nil {
		ims = time.Time{}
	}
	return unchanged(v, ims, r.Header.Get("If-None-Match"))
}

// unchanged says whether v is not modified since ims (zero: none) or still matches inm ("": none).
func unchanged(v version, ims time.Time, inm string) bool {
	if v.status != http.StatusOK {
		return false
	}
	if !v.lastModified.IsZero() {
		return !ims.IsZero() && !v.lastModified.After(ims)
	}
	return inm != "" && v.etag != "" && inm == v.etag
}

// serveOrigin answers OriginURL: the origin as the edge sees it, lag included, for any Host.
func (e *Edge) serveOrigin(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Server", "ccusim-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "only GET and HEAD", http.StatusMethodNotAllowed)
		return
	}
	v, err := e.origin.get(r.Context(), r.URL)
	if err != nil {
		e.s.logf("origin %s: %v", r.URL.Path, err)
		http.Error(w, "origin read failed", http.StatusBadGateway)
		return
	}
	if len(v.tags) > 0 {
		w.Header().Set("Edge-Cache-Tag", strings.Join(v.tags, ","))
	}
	writeVersion(w, r, v, notModified(v, r))
}

// writeVersion writes v's headers and, unless a 304 or a HEAD, its body.
func writeVersion(w http.ResponseWriter, r *http.Request, v version, notMod bool) {
	h := w.Header()
	if !v.lastModified.IsZero() {
		h.Set("Last-Modified", v.lastModified.Format(http.TimeFormat))
	}
	if v.etag != "" {
		h.Set("ETag", v.etag)
	}
	if v.location != "" {
		h.Set("Location", v.location)
	}
	if notMod {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if v.contentType != "" {
		h.Set("Content-Type", v.contentType)
	}
	h.Set("Content-Length", fmt.Sprint(len(v.body)))
	w.WriteHeader(v.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body)
	}
}
