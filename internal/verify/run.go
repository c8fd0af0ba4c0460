package verify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// The defaults of Settings' zero fields.
const (
	DefaultConcurrency = 8
	DefaultTimeout     = 60 * time.Second
	DefaultBackoff     = time.Second
	DefaultUserAgent   = "ccu-purge-verify"
	// maxBackoff caps the wait between two asks of a stale URL: Fast
	// Purge usually completes in about 5 s, so longer waits only waste
	// the budget.
	maxBackoff = 8 * time.Second
)

// verifier is one Run: its settings, compiled once, and its client.
type verifier struct {
	s         Settings
	f         *fetcher
	origin    *url.URL
	norms     []normalizer
	debug     http.Header
	tokenSent bool
	start     time.Time
}

// Run checks every target (the caller has already Picked them) and
// returns their results in the targets' order. onResult, when not nil,
// is called once per URL as soon as it is judged, from any goroutine but
// never two at a time. A URL that fails is a Result, never an error: the
// error is only for settings that cannot work (a normalizer that does
// not compile, a bad connect-to port or origin, Enhanced Debug without a
// key). When ctx ends (an interrupt), the URLs not judged yet are
// unknown and Run returns at once.
func Run(ctx context.Context, targets []Target, s Settings, onResult func(Result)) ([]Result, error) {
	v, err := newVerifier(s, targets)
	if err != nil {
		return nil, err
	}
	budget, cancel := context.WithTimeout(ctx, v.s.Timeout)
	defer cancel()
	results := make([]Result, len(targets))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i, t := range targets {
		wg.Go(func() {
			r := v.check(ctx, budget, t)
			results[i] = r
			if onResult != nil {
				mu.Lock()
				defer mu.Unlock()
				onResult(r)
			}
		})
	}
	wg.Wait()
	v.f.client.CloseIdleConnections()
	return results, nil
}

func newVerifier(s Settings, targets []Target) (*verifier, error) {
	s = withDefaults(s)
	v := &verifier{s: s, start: s.Now()}
	var err error
	if v.norms, err = compileNormalizers(s.Normalize); err != nil {
		return nil, err
	}
	if err := checkConnectTo(s.ConnectTo); err != nil {
		return nil, err
	}
	if v.origin, err = parseOrigin(s.Origin); err != nil {
		return nil, err
	}
	if v.debug, err = v.debugHeaders(); err != nil {
		return nil, err
	}
	v.f = newFetcher(s, siteHosts(s.Hosts, targets))
	return v, nil
}

func withDefaults(s Settings) Settings {
	if s.Concurrency <= 0 {
		s.Concurrency = DefaultConcurrency
	}
	if s.Timeout <= 0 {
		s.Timeout = DefaultTimeout
	}
	if s.Backoff <= 0 {
		s.Backoff = DefaultBackoff
	}
	if s.UserAgent == "" {
		s.UserAgent = DefaultUserAgent
	}
	if s.Now == nil {
		s.Now = time.Now
	}
	return s
}

func checkConnectTo(cs []ConnectTo) error {
	for _, c := range cs {
		if c.Host == "" || c.Edge == "" {
			return fmt.Errorf("--connect-to %q: it needs the site's host and the edge; write HOST:EDGE[:PORT]", c.String())
		}
		if _, err := ParseConnectTo(c.String()); err != nil {
			return err
		}
	}
	return nil
}

func parseOrigin(origin string) (*url.URL, error) {
	if origin == "" {
		return nil, nil
	}
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("verify.origin %q is not an http(s) URL; write it like https://origin.example.com", origin)
	}
	return u, nil
}

// debugHeaders are the headers every edge GET carries for Settings.Debug.
// The token lives only here and in requests: never in a Result.
func (v *verifier) debugHeaders() (http.Header, error) {
	h := http.Header{}
	mode, key := v.s.Debug, v.s.DebugKey
	switch {
	case mode == DebugEnhanced && len(key) == 0:
		return nil, errors.New("debug enhanced needs the property's Enhanced Debug key; give it from a secret, or use debug pragma")
	case mode == DebugEnhanced || (mode == DebugAuto && len(key) > 0):
		// The token outlives the budget a little, so the last retry's still counts.
		h.Set("Akamai-Debug", DebugToken(key, v.start, v.s.Timeout+time.Minute)+" cache")
		v.tokenSent = true
	case mode == DebugAuto || mode == DebugPragma:
		h.Set("Pragma", "akamai-x-cache-on, akamai-x-get-cache-key, akamai-x-get-request-id")
	case mode != DebugOff:
		return nil, fmt.Errorf("debug %q: use auto, pragma, enhanced or off", mode)
	}
	return h, nil
}

// siteHosts are the hosts redirects may go to: the given ones, else the
// targets' own.
func siteHosts(hosts []string, targets []Target) map[string]bool {
	m := map[string]bool{}
	for _, h := range hosts {
		m[strings.ToLower(h)] = true
	}
	if len(m) > 0 {
		return m
	}
	for _, h := range Hosts(targets) {
		m[h] = true
	}
	return m
}

// sincePurge is how many whole seconds ago the purges were accepted, and
// whether that is known.
func (v *verifier) sincePurge() (int, bool) {
	if v.s.PurgedAt.IsZero() {
		return 0, false
	}
	return int(v.s.Now().Sub(v.s.PurgedAt) / time.Second), true
}

func (v *verifier) elapsed() float64 { return v.s.Now().Sub(v.start).Seconds() }
