package ccu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode"
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

// problem is both error shapes: CCU's (httpStatus, supportId) and the API
// gateway's (status, requestId).
type problem struct {
	HTTPStatus  int    `json:"httpStatus"`
	Status      int    `json:"status"`
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	SupportID   string `json:"supportId"`
	RequestID   string `json:"requestId"`
	DescribedBy string `json:"describedBy"`
	// Only in 429 answers.
	RateLimitRemaining *int `json:"rateLimitRemaining"`
}

func parseError(resp *http.Response, data []byte) *APIError {
	e := &APIError{Status: resp.StatusCode}
	var p problem
	if json.Unmarshal(data, &p) != nil {
		e.Title = http.StatusText(resp.StatusCode)
		e.Detail = snippet(data)
		return e
	}
	e.Title, e.Detail, e.SupportID, e.RequestID, e.DescribedBy = p.Title, p.Detail, p.SupportID, p.RequestID, p.DescribedBy
	e.Gateway = p.HTTPStatus == 0 && p.Status != 0
	e.RateLimitRemaining = p.RateLimitRemaining
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
	s := strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return ' '
	}, tags.ReplaceAllString(string(data), " "))
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
