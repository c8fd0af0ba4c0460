package ccu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// skewHeader carries the measured clock skew from do to accepted inside
// the client; it is never sent.
const skewHeader = "X-Ccu-Purge-Clock-Skew"

// clockSkew is local minus server time, from the answer's Date header.
func clockSkew(local time.Time, date string) time.Duration {
	t, err := http.ParseTime(date)
	if err != nil {
		return 0
	}
	return local.Sub(t)
}

// skewed ignores differences the Date header's one-second precision and
// the request's own duration explain.
func skewed(d time.Duration) bool { return abs(d) > 5*time.Second }

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func aheadBehind(d time.Duration) string {
	if d < 0 {
		return "behind"
	}
	return "ahead of"
}

// APIError is a purge the API did not accept, with what it said.
type APIError struct {
	Status      int    `json:"status"`
	Title       string `json:"title,omitempty"`
	Detail      string `json:"detail,omitempty"`
	SupportID   string `json:"supportId,omitempty"`
	RequestID   string `json:"requestId,omitempty"` // the API gateway's id for auth errors
	DescribedBy string `json:"describedBy,omitempty"`
	// ClockSkew is how far this machine's clock is ahead of the server's
	// (negative: behind), when an authentication failure came with a Date.
	ClockSkew time.Duration `json:"-"`
	// RateLimitRemaining is a 429 body's count of tokens left.
	RateLimitRemaining *int `json:"rateLimitRemaining,omitempty"`
	// Gateway is set for the API gateway's error form (status, requestId):
	// authentication failures, not judgements on the objects.
	Gateway bool `json:"gateway,omitempty"`
	// Accepted is set when the status line said 201 but the body did not
	// confirm it (unreadable, cut, no purgeId): the API took the request,
	// which is never sent again; PurgeID is whatever whole id was read.
	Accepted bool   `json:"accepted,omitempty"`
	PurgeID  string `json:"purgeId,omitempty"`
}

// Error reads like "HTTP 507: queue is full: User's queue is full (supportId …)".
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d", e.Status)
	if e.Title != "" {
		b.WriteString(": " + e.Title)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	switch {
	case e.PurgeID != "" && e.SupportID != "":
		fmt.Fprintf(&b, " (purgeId %s, supportId %s)", e.PurgeID, e.SupportID)
	case e.PurgeID != "":
		fmt.Fprintf(&b, " (purgeId %s)", e.PurgeID)
	case e.SupportID != "":
		fmt.Fprintf(&b, " (supportId %s)", e.SupportID)
	case e.RequestID != "":
		fmt.Fprintf(&b, " (requestId %s)", e.RequestID)
	}
	if skewed(e.ClockSkew) {
		fmt.Fprintf(&b, "; this machine's clock is %s %s the server's (its Date header): Akamai allows 30s, so set the clock right (NTP)", abs(e.ClockSkew).Round(time.Second), aheadBehind(e.ClockSkew))
	} else if h := hint(e.Status); h != "" {
		b.WriteString("; " + h)
	}
	return b.String()
}

func hint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "check the .edgerc credentials and that this machine's clock is right"
	case http.StatusForbidden:
		return "the API client's credentials do not cover these objects: grant it CCU access to their CP codes"
	case http.StatusInsufficientStorage:
		return "the purge queue is full: wait for it to drain and run again"
	case http.StatusTooManyRequests:
		return "the account's rate limit is exhausted: run again later"
	}
	return ""
}

// maxField caps each text field taken from an answer: a body may be
// megabytes of anything, and an error message is one line in a log.
const maxField = 300

// fields decodes a JSON object's members without failing on one of the
// wrong type, so a 429 whose rateLimitRemaining is a string still shows
// its title and supportId. ok is false when data is not a JSON object.
func fields(data []byte) (m map[string]json.RawMessage, ok bool) {
	return m, json.Unmarshal(data, &m) == nil && m != nil
}

// str is member key as clean text; "" when absent or not a string.
func str(m map[string]json.RawMessage, key string) string {
	var s string
	if json.Unmarshal(m[key], &s) != nil {
		return ""
	}
	return clean(s, maxField)
}

// num is member key as a whole number; ok is false when absent or not one.
func num(m map[string]json.RawMessage, key string) (n int, ok bool) {
	return n, json.Unmarshal(m[key], &n) == nil && m[key] != nil && string(m[key]) != "null"
}

// parseError reads a refusal in both error shapes, CCU's (httpStatus,
// supportId) and the API gateway's (status, requestId), else shows the
// start of the body as text.
func parseError(resp *http.Response, data []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	m, ok := fields(data)
	if !ok {
		e.Title = http.StatusText(resp.StatusCode)
		e.Detail = snippet(data)
		return e
	}
	e.Title, e.Detail, e.SupportID, e.RequestID, e.DescribedBy = str(m, "title"), str(m, "detail"), str(m, "supportId"), str(m, "requestId"), str(m, "describedBy")
	_, hasHTTPStatus := num(m, "httpStatus")
	status, hasStatus := num(m, "status")
	e.Gateway = !hasHTTPStatus && hasStatus && status != 0
	if n, ok := num(m, "rateLimitRemaining"); ok {
		e.RateLimitRemaining = &n
	}
	if e.Title == "" {
		e.Title = http.StatusText(resp.StatusCode)
	}
	return e
}

// tags matches HTML markup, dropped from error pages' text.
var tags = regexp.MustCompile(`(?s)<[^>]*>`)

// snippet shows the start of a non-JSON answer (an HTML error page, say):
// its text, printable characters only.
func snippet(data []byte) string {
	if len(data) > 64<<10 {
		data = data[:64<<10] // the start is what is shown; spare the regexp the rest
	}
	return clean(tags.ReplaceAllString(string(data), " "), 200)
}

// clean makes text from an answer safe to print on one line: invalid
// UTF-8 and non-printable characters (controls, terminal escapes,
// newlines) become spaces, runs of spaces one, "::" becomes ": :" (GitHub
// runs "::error::…" or "::add-mask::…" as a command wherever a line starts
// with it after spaces) and "##[" becomes "# #[" (the runner's legacy form,
// "##[error]…", "##[stop-commands]…", which it obeys anywhere in a line),
// and it is cut to at most max runes at a rune boundary, with "…" when
// cut.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, " "))
	s = strings.Join(strings.Fields(s), " ")
	for strings.Contains(s, "::") { // ":::" leaves "::" after one pass
		s = strings.ReplaceAll(s, "::", ": :")
	}
	for strings.Contains(s, "##[") {
		s = strings.ReplaceAll(s, "##[", "# #[")
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
