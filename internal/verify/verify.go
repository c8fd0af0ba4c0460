// Package verify checks that the edge serves what was deployed after a
// purge was accepted: a 201 from Fast Purge says Akamai took the request,
// not that the edge stopped serving the old copy (an invalidate
// revalidates with If-Modified-Since, so a deploy that changes the bytes
// but not Last-Modified stays stale after a "successful" purge). It GETs
// a sample of the purged URLs through the edge and judges each fresh,
// stale or unknown, with the evidence, retrying stale ones until a time
// budget runs out.
//
// It knows HTTP and the edge's debug headers, not git, the config file or
// the purge API: the caller gives it Targets (a URL and, when known, the
// bytes it should serve) and Settings, and formats the Results it gets
// back (package report).
package verify

import (
	"crypto/x509"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Verdict is what a URL was judged.
type Verdict string

// The verdicts, best first.
const (
	// Fresh: the edge serves the deployed object (or, for a deleted
	// file, a 404 or 410).
	Fresh Verdict = "fresh"
	// Stale: the edge still serves something else, after every retry
	// the budget allowed.
	Stale Verdict = "stale"
	// Unknown: no check could decide (no expected content, no origin, no
	// debug headers; an error; a redirect off the site).
	Unknown Verdict = "unknown"
)

// Target is one purged URL to check.
type Target struct {
	URL string `json:"url"`
	// Batch is the 1-based plan batch (request) that purged it: the
	// sample keeps at least one URL of each.
	Batch int `json:"batch,omitempty"`
	// Action is how it was purged: after an invalidate the edge may keep
	// its copy when the origin's Last-Modified did not change.
	Action purge.Action `json:"action,omitempty"`
	// Deleted marks a URL whose file the deploy removed: a 404 or 410 is
	// fresh.
	Deleted bool `json:"deleted,omitempty"`
	// Want is the deployed body (from --site-dir or the blob the rules
	// mapped to the URL); WantKnown says whether there is one (an empty
	// file is a Want too).
	Want      []byte `json:"-"`
	WantKnown bool   `json:"-"`
	// Source is the repository or site-dir path the URL was mapped from,
	// for the report; "" when unknown.
	Source string `json:"source,omitempty"`
	// CPCodes are the CP codes the config says serve this URL's host
	// (cpcodes, cpcode_covers); an answer from another one is reported.
	CPCodes []int64 `json:"-"`
}

// Settings are one verification's knobs; the zero value of a field means
// its default.
type Settings struct {
	// Sample chooses which targets are checked (see Pick).
	Sample Sample
	// Seed makes the sample deterministic: the same seed, the same URLs.
	Seed int64
	// Concurrency is the most requests in flight per host; 0 = 8.
	Concurrency int
	// Timeout is the whole budget, retries included; 0 = 60 s.
	Timeout time.Duration
	// PurgedAt is when the purges were accepted: an object whose Age
	// says it was cached before that is stale. Zero = unknown.
	PurgedAt time.Time
	// ConnectTo sends requests for a host to another edge host or IP
	// (and port) while TLS SNI and Host stay the site's, like curl's
	// --connect-to: "www.example.com" → "www.example.com.edgekey-staging.net".
	ConnectTo []ConnectTo
	// Origin is the origin's base URL ("https://origin.example.com"): the
	// same path is asked there, with the site's Host header, and its
	// validators or body compared with the edge's. "" = no origin check.
	Origin string
	// Hosts are the site's hosts: redirects are followed only to these.
	// Empty = the targets' own hosts.
	Hosts []string
	// Debug chooses the debug headers sent (see DebugMode).
	Debug DebugMode
	// DebugKey is the property's Enhanced Debug key (hex-decoded): with
	// it, requests carry an Akamai-Debug token. Never printed.
	DebugKey []byte
	// Normalize strips edge rewrites from both bodies before comparing.
	Normalize []Normalizer
	// UserAgent names the tool; RootCAs, when set, replaces the system
	// roots (the simulator's CA in tests and the demo).
	UserAgent string
	RootCAs   *x509.CertPool
	// Backoff is the first wait before asking a stale URL again (doubled
	// each time, at most 8 s); 0 = 1 s. Tests shorten it.
	Backoff time.Duration
	// Now is the clock; nil = time.Now.
	Now func() time.Time
	// Logf, when set (--verbose), gets a line per GET: the URL, the Host
	// when it is not the URL's, the status and X-Cache, never a header
	// sent (the debug token). Called from any goroutine.
	Logf func(format string, args ...any)
}

// Sample is how many targets to check: All, a Count, or a Percent of
// them. Whatever it says, Pick keeps at least one URL per batch and every
// HTML page.
type Sample struct {
	All     bool
	Count   int
	Percent float64 // 0–100
}

// ConnectTo is one --connect-to HOST:EDGE[:PORT] rule.
type ConnectTo struct {
	Host string // the site's host, as in the URL
	Edge string // the host or IP to connect to
	Port string // "" = the URL's port
}

// DebugMode is which of Akamai's debug mechanisms a request uses.
type DebugMode string

// The debug modes.
const (
	// DebugAuto sends an Akamai-Debug token when a key is set, and the
	// legacy Pragma headers otherwise.
	DebugAuto DebugMode = ""
	// DebugPragma sends Pragma: akamai-x-cache-on, akamai-x-get-cache-key,
	// akamai-x-get-request-id.
	DebugPragma DebugMode = "pragma"
	// DebugEnhanced sends Akamai-Debug with a token (needs DebugKey).
	DebugEnhanced DebugMode = "enhanced"
	// DebugOff sends no debug header.
	DebugOff DebugMode = "off"
)

// Normalizer strips matches of its patterns from a body whose URL path
// matches Glob before the bodies are compared.
type Normalizer struct {
	Glob  string   // "" = every path
	Strip []string // regular expressions (RE2)
}

// Result is one URL's verdict and the evidence for it.
type Result struct {
	URL    string  `json:"url"`
	Result Verdict `json:"result"`
	// Checks are the checks that ran on the last attempt, strongest
	// first: content, origin, cache, status.
	Checks []Check `json:"checks"`
	// Attempts counts the GETs made; Seconds is how long after the
	// verification started the URL was first judged fresh (or, if never,
	// when the last attempt ended).
	Attempts int      `json:"attempts"`
	Seconds  float64  `json:"seconds"`
	Evidence Evidence `json:"evidence"`
	// Diagnosis says why a URL is stale or unknown, and Hint what to do
	// about it; both "" for a fresh URL.
	Diagnosis string `json:"diagnosis,omitempty"`
	Hint      string `json:"hint,omitempty"`
	Source    string `json:"source,omitempty"`
	Batch     int    `json:"batch,omitempty"`
}

// Check is one kind of evidence and what it said.
type Check struct {
	Name   string  `json:"name"` // content, origin, cache or status
	Result Verdict `json:"result"`
	Detail string  `json:"detail,omitempty"`
}

// The check names.
const (
	CheckContent = "content"
	CheckOrigin  = "origin"
	CheckCache   = "cache"
	CheckStatus  = "status"
)

// Evidence is what the edge (and the origin) answered on the last
// attempt. Header values are as received, cut to 200 bytes; never a
// cookie or a debug token.
type Evidence struct {
	Status        int    `json:"status,omitempty"`
	XCache        string `json:"xCache,omitempty"`
	CacheStatus   string `json:"cacheStatus,omitempty"` // Akamai-Cache-Status
	CacheKey      string `json:"cacheKey,omitempty"`
	CPCode        int64  `json:"cpcode,omitempty"` // read from the cache key
	RequestID     string `json:"requestId,omitempty"`
	Age           int    `json:"age,omitempty"`
	ETag          string `json:"etag,omitempty"`
	LastModified  string `json:"lastModified,omitempty"`
	ContentLength int64  `json:"contentLength,omitempty"`
	BodySHA256    string `json:"bodySha256,omitempty"`
	WantSHA256    string `json:"wantSha256,omitempty"`
	// FirstDiff is the byte offset where the edge's (normalised) body
	// first differs from the deployed one; -1 when they are equal or
	// there was nothing to compare.
	FirstDiff int `json:"firstDiff,omitempty"`
	// Origin* are what the origin answered for the same path.
	OriginStatus       int    `json:"originStatus,omitempty"`
	OriginETag         string `json:"originEtag,omitempty"`
	OriginLastModified string `json:"originLastModified,omitempty"`
	OriginSHA256       string `json:"originSha256,omitempty"`
	Redirect           string `json:"redirect,omitempty"` // a Location not followed
	Error              string `json:"error,omitempty"`
}

// Summary counts the results.
type Summary struct {
	Checked int `json:"checked"`
	Fresh   int `json:"fresh"`
	Stale   int `json:"stale"`
	Unknown int `json:"unknown"`
	// Of is how many URLs the sample was taken from.
	Of int `json:"of"`
}

// Summarize counts results; of is the number of targets sampled from.
func Summarize(results []Result, of int) Summary {
	s := Summary{Checked: len(results), Of: of}
	for _, r := range results {
		switch r.Result {
		case Fresh:
			s.Fresh++
		case Stale:
			s.Stale++
		default:
			s.Unknown++
		}
	}
	return s
}

// Verification is a whole verification as the --report JSON carries it
// under "verify".
type Verification struct {
	Summary Summary `json:"summary"`
	// Sample is the sample asked for ("10%", "all"); OnStale the exit
	// policy (fail or warn).
	Sample  string   `json:"sample"`
	OnStale string   `json:"onStale"`
	Results []Result `json:"results"`
	// Error says why the verification stopped early, if it did.
	Error string `json:"error,omitempty"`
}
