package verify

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// attempt is what one ask of the edge (and the origin) showed.
type attempt struct {
	verdict    Verdict
	checks     []Check
	ev         Evidence
	diag, hint string
	retry      bool // unknown by an error or a 5xx: edges fail transiently
	gets       int
	err        error
	hasAge     bool
	originLags bool
	cpOther    string // the config's CP codes, when the edge answered from another
}

func (at *attempt) add(name string, v Verdict, detail string) {
	at.checks = append(at.checks, Check{Name: name, Result: v, Detail: detail})
}

func (at *attempt) unknown(diag, hint string) {
	at.verdict, at.diag, at.hint = Unknown, diag, hint
}

// try asks the edge once and judges the answer.
func (v *verifier) try(ctx context.Context, t Target) attempt {
	if at, ok := notFetchable(t.URL); !ok {
		return at
	}
	a, err := v.f.edge(ctx, t.URL, v.debug)
	at := attempt{gets: max(a.gets, 1), err: err}
	if err != nil {
		at.ev = Evidence{Error: cut(err.Error()), FirstDiff: -1}
		at.add(CheckStatus, Unknown, "no answer")
		at.unknown("the edge did not answer: "+at.ev.Error, "check the URL's host and --connect-to; edges fail transiently, so run verify again")
		at.retry = true
		return at
	}
	at.ev = edgeEvidence(a)
	_, at.hasAge = age(a.header)
	if v.stopped(a, &at) || v.judgeStatus(ctx, t, &at) {
		return at
	}
	u, _ := url.Parse(t.URL)
	var edgeBody []byte
	if !a.tooBig { // too big with an origin: its validators decide
		edgeBody = normalize(v.norms, u.Path, a.body)
		at.ev.BodySHA256 = hexSHA(edgeBody)
		v.judgeContent(t, u.Path, edgeBody, &at)
	}
	v.judgeOrigin(ctx, t, u.Path, edgeBody, &at)
	v.judgeCache(t, &at)
	at.decide()
	if at.verdict == Stale {
		diagnoseStale(t, &at)
	}
	return at
}

// notFetchable judges a URL no GET can reach (no http(s) scheme, no
// host, a bad escape): unknown at once, since asking again until the
// budget ends cannot change it.
func notFetchable(rawURL string) (attempt, bool) {
	u, err := url.Parse(rawURL)
	if err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		return attempt{}, true
	}
	at := attempt{ev: Evidence{FirstDiff: -1}} // no GET made
	at.add(CheckStatus, Unknown, "not fetched")
	at.unknown("the URL is not an absolute http(s) URL, so it was not fetched", "check the URL: write it like https://www.example.com/a.html")
	return at, false
}

// stopped judges an answer that cannot be checked: a redirect off the
// site, too many redirects, a body too big.
func (v *verifier) stopped(a answer, at *attempt) bool {
	switch {
	case a.tooMany:
		at.add(CheckStatus, Unknown, fmt.Sprintf("%d redirects", maxRedirects+1))
		at.unknown(fmt.Sprintf("more than %d redirects", maxRedirects), "check the site's redirects for a loop")
	case a.redirect != "":
		at.add(CheckStatus, Unknown, fmt.Sprintf("%d to %s", a.status, at.ev.Redirect))
		at.unknown("redirected off the site's hosts to "+at.ev.Redirect, "verify the URL it redirects to, or name that host among the site's hosts")
	case a.tooBig && v.origin == nil:
		at.add(CheckStatus, Unknown, "body larger than 64 MiB")
		at.unknown("body larger than 64 MiB", "give verify.origin, whose validators can be compared, or leave the URL out of the sample")
	default:
		return false
	}
	return true
}

// judgeStatus decides what the status alone decides: a deleted file, a
// 404, an edge error. It returns false for a 2xx, which the body checks
// judge.
func (v *verifier) judgeStatus(ctx context.Context, t Target, at *attempt) bool {
	st := at.ev.Status
	switch {
	case t.Deleted && (st == http.StatusNotFound || st == http.StatusGone):
		at.add(CheckStatus, Fresh, fmt.Sprintf("%d for a deleted file", st))
		at.verdict = Fresh
	case t.Deleted && st == http.StatusOK:
		at.add(CheckStatus, Stale, "the edge still serves a deleted file")
		at.verdict = Stale
	case st == http.StatusNotFound:
		v.judgeNotFound(ctx, t, at)
	case st >= 500:
		at.add(CheckStatus, Unknown, fmt.Sprintf("the edge answered %d", st))
		at.unknown(fmt.Sprintf("the edge answered %d", st), "edges fail transiently: run verify again later")
		at.retry = true
	case st < 200 || st > 299:
		at.add(CheckStatus, Unknown, fmt.Sprintf("the edge answered %d", st))
		at.unknown(fmt.Sprintf("the edge answered %d", st), "check that the URL is public and served by this property")
	default:
		return false
	}
	return true
}

// judgeNotFound tells a stale 404 (the origin has the file now) from a
// file that is missing everywhere.
func (v *verifier) judgeNotFound(ctx context.Context, t Target, at *attempt) {
	if v.origin == nil {
		at.add(CheckStatus, Unknown, "the edge answers 404")
		at.unknown("the edge answers 404", "give verify.origin to tell a stale 404 from a file the deploy does not have")
		return
	}
	o, err := v.f.origin(ctx, v.origin, t.URL)
	at.ev.OriginStatus = o.status
	switch {
	case err != nil:
		at.add(CheckStatus, Unknown, "the edge answers 404 and the origin did not answer")
		at.unknown("the edge answers 404 and the origin did not answer: "+cut(err.Error()), "check verify.origin, or run verify again")
		at.retry = true
	case o.status == http.StatusOK:
		at.add(CheckStatus, Stale, "the edge answers 404 but the origin serves the file")
		at.verdict = Stale
		at.diag = "the edge still answers 404 while the origin serves the file: it may have cached the 404"
		at.hint = "purge the URL again once the origin serves it, or shorten the property's negative-caching TTL"
	default:
		at.add(CheckStatus, Unknown, "the edge and the origin answer 404")
		at.unknown(fmt.Sprintf("the edge answers 404 and the origin %d", o.status), "check the URL: the deploy may not have this file")
	}
}

// judgeContent compares the (normalised) body with the deployed file.
func (v *verifier) judgeContent(t Target, urlPath string, body []byte, at *attempt) {
	if !t.WantKnown {
		return
	}
	want := normalize(v.norms, urlPath, t.Want)
	at.ev.WantSHA256 = hexSHA(want)
	if d := firstDiff(body, want); d >= 0 {
		at.ev.FirstDiff = d
		at.add(CheckContent, Stale, fmt.Sprintf("the body differs from the deployed file at byte %d", d))
		return
	}
	at.add(CheckContent, Fresh, "the body equals the deployed file")
}

// judgeOrigin compares the edge's answer with the origin's for the same
// path, and notes an origin that does not serve the deployed file yet.
func (v *verifier) judgeOrigin(ctx context.Context, t Target, urlPath string, edgeBody []byte, at *attempt) {
	if v.origin == nil {
		return
	}
	o, err := v.f.origin(ctx, v.origin, t.URL)
	if err != nil {
		if ctx.Err() != nil {
			at.err = err // cut short by the budget: the ask before stands (see check)
		}
		at.add(CheckOrigin, Unknown, "the origin did not answer: "+cut(err.Error()))
		return
	}
	at.ev.OriginStatus = o.status
	at.ev.OriginETag, at.ev.OriginLastModified = header(o.header, "ETag"), header(o.header, "Last-Modified")
	if o.status != http.StatusOK {
		at.add(CheckOrigin, Unknown, fmt.Sprintf("the origin answered %d", o.status))
		return
	}
	if o.tooBig || at.ev.BodySHA256 == "" { // the bodies were not both read
		at.add(validatorsCheck(at.ev, edgeEvidence(o)))
		return
	}
	originBody := normalize(v.norms, urlPath, o.body)
	at.ev.OriginSHA256 = hexSHA(originBody)
	if t.WantKnown && !bytes.Equal(originBody, normalize(v.norms, urlPath, t.Want)) {
		at.originLags = true
	}
	if at.ev.OriginSHA256 == at.ev.BodySHA256 {
		at.add(CheckOrigin, Fresh, "the body equals the origin's")
		return
	}
	at.add(CheckOrigin, Stale, "the body differs from the origin's")
}

// validatorsCheck compares ETag, Last-Modified and Content-Length, for
// when the bodies were not both read.
func validatorsCheck(edge, origin Evidence) (string, Verdict, string) {
	if origin.ETag == "" && origin.LastModified == "" {
		return CheckOrigin, Unknown, "the bodies are too large to compare and the origin sends no ETag or Last-Modified"
	}
	if edge.ETag == origin.ETag && edge.LastModified == origin.LastModified && edge.ContentLength == origin.ContentLength {
		return CheckOrigin, Fresh, "ETag, Last-Modified and Content-Length equal the origin's"
	}
	return CheckOrigin, Stale, "ETag, Last-Modified or Content-Length differ from the origin's"
}

// judgeCache reads the edge's own account: the debug headers and Age
// against the purge time. It is recorded only when it says something or
// nothing else could decide.
func (v *verifier) judgeCache(t Target, at *attempt) {
	c := v.cacheCheck(at)
	if c.Detail != "" {
		at.checks = append(at.checks, c)
	}
	if v.tokenSent && at.ev.XCache == "" && at.ev.CacheKey == "" && at.ev.CacheStatus == "" {
		// Akamai answers an invalid token or a property without
		// Enhanced Debug as if no debug header had been sent.
		at.add(CheckCache, Unknown, "the edge returned no debug headers: check the Enhanced Debug key and that the property enables it")
	}
	cp := at.ev.CPCode
	if cp == 0 || len(t.CPCodes) == 0 || slices.Contains(t.CPCodes, cp) {
		return
	}
	names := make([]string, len(t.CPCodes))
	for i, n := range t.CPCodes {
		names[i] = fmt.Sprint(n)
	}
	at.cpOther = strings.Join(names, ", ")
	at.add(CheckCache, Unknown, fmt.Sprintf("answered from CP code %d, the config names %s", cp, at.cpOther))
}

func (v *verifier) cacheCheck(at *attempt) Check {
	ev := at.ev
	xc := xCacheState(ev.XCache)
	cs := strings.ToLower(ev.CacheStatus)
	since, dated := v.sincePurge()
	hit := xc == "TCP_HIT" || xc == "TCP_MEM_HIT" || strings.HasPrefix(cs, "hit")
	c := Check{Name: CheckCache, Result: Unknown}
	switch {
	case xc == "TCP_MISS" || xc == "TCP_REFRESH_MISS" || strings.HasPrefix(cs, "miss"):
		c.Result, c.Detail = Fresh, cacheLabel(ev)+": the edge fetched it from the origin"
	case at.hasAge && dated && ev.Age > since:
		c.Result, c.Detail = Stale, fmt.Sprintf("cached %d s ago, before the purge", ev.Age)
	case at.hasAge && dated:
		c.Result, c.Detail = Fresh, fmt.Sprintf("cached %d s ago, after the purge", ev.Age)
	case hit || xc != "":
		c.Detail = cacheLabel(ev) + ", with no Age and purge time to date it"
	}
	return c
}

func cacheLabel(ev Evidence) string {
	if s := xCacheState(ev.XCache); s != "" {
		return s
	}
	return "Akamai-Cache-Status " + ev.CacheStatus
}

// decide takes the verdict of the strongest check that had one:
// content, then origin, then cache.
func (at *attempt) decide() {
	for _, name := range []string{CheckContent, CheckOrigin, CheckCache} {
		for _, c := range at.checks {
			if c.Name == name && c.Result != Unknown {
				at.verdict = c.Result
				return
			}
		}
	}
	at.undecided()
}

// undecided is the diagnosis when no check decided: what the edge's cache
// headers said, if anything, so the hint does not ask for what was given.
func (at *attempt) undecided() {
	var said []string
	for _, c := range at.checks {
		if c.Name == CheckCache && c.Detail != "" {
			said = append(said, c.Detail)
		}
	}
	if len(said) == 0 {
		at.unknown("nothing could tell fresh from stale: no deployed file, no origin, no cache headers", "give --site-dir or verify.origin, or a debug key")
		return
	}
	at.unknown("nothing could tell fresh from stale: "+strings.Join(said, "; "), "give --site-dir or verify.origin, or verify the purge's --report (its time dates the edge's Age)")
}

// originServes says what a lagging origin serves, in words a reader can
// check against the edge's answer.
func originServes(ev Evidence) string {
	if ev.OriginSHA256 == ev.BodySHA256 {
		return "it serves the same old file as the edge, not the deployed file"
	}
	return fmt.Sprintf("it serves a body (SHA-256 %.12s…) that is neither the deployed file nor the edge's", ev.OriginSHA256)
}

// diagnoseStale names the known causes of a stale answer; the caller
// gives the rest the generic "still stale" diagnosis.
func diagnoseStale(t Target, at *attempt) {
	xc := xCacheState(at.ev.XCache)
	switch {
	case at.originLags:
		at.diag = "the origin is not updated yet: " + originServes(at.ev)
		at.hint = "wait for the origin to sync, or give the purge a --delay"
	case t.Action == purge.Invalidate && (xc == "TCP_REFRESH_HIT" || xc == "TCP_IMS_HIT" || (at.ev.LastModified != "" && at.ev.LastModified == at.ev.OriginLastModified)):
		at.diag = "the edge revalidated its copy with If-Modified-Since and the origin's Last-Modified did not change"
		at.hint = "purge with action: delete, or make the origin change Last-Modified/ETag when a file changes"
	case at.cpOther != "":
		at.diag = fmt.Sprintf("the edge answered from CP code %d: a CP-code purge of %s does not cover it", at.ev.CPCode, at.cpOther)
		at.hint = "add that CP code to the rule's cpcodes, or purge the URL itself"
	}
}
