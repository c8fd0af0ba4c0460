package verify

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxHeader is how much of a header value the evidence keeps: enough to
// read, too little for a hostile edge to bloat the report.
const maxHeader = 200

// edgeEvidence reads the edge's status and headers. It never reads
// Set-Cookie, and what was sent (the debug token) is not in an answer.
func edgeEvidence(a answer) Evidence {
	h := a.header
	ev := Evidence{
		Status:       a.status,
		XCache:       header(h, "X-Cache"),
		CacheStatus:  header(h, "Akamai-Cache-Status"),
		CacheKey:     header(h, "X-Cache-Key"),
		RequestID:    header(h, "X-Akamai-Request-ID"),
		ETag:         header(h, "ETag"),
		LastModified: header(h, "Last-Modified"),
		Redirect:     cut(a.redirect),
		FirstDiff:    -1,
	}
	ev.CPCode = cpCode(ev.CacheKey)
	ev.Age, _ = age(h)
	ev.ContentLength, _ = strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	if ev.ContentLength == 0 && a.body != nil {
		ev.ContentLength = int64(len(a.body))
	}
	return ev
}

// header is one header's value, cut to maxHeader bytes.
func header(h http.Header, name string) string { return cut(h.Get(name)) }

// cut shortens s to maxHeader bytes without splitting a character.
func cut(s string) string {
	if len(s) <= maxHeader {
		return s
	}
	n := maxHeader
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// cpCode reads the CP code from X-Cache-Key, its fourth field:
// "S/L/1234/424242/1d/www.example.com/a.html" is CP code 424242.
func cpCode(key string) int64 {
	f := strings.Split(key, "/")
	if len(f) < 4 {
		return 0
	}
	n, err := strconv.ParseInt(f[3], 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// age is the Age header in seconds, and whether there is one.
func age(h http.Header) (int, bool) {
	v := h.Get("Age")
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	return n, err == nil && n >= 0
}

// xCacheState is X-Cache's first word ("TCP_HIT from a23-…"), upper case.
func xCacheState(xc string) string {
	f := strings.Fields(xc)
	if len(f) == 0 {
		return ""
	}
	return strings.ToUpper(f[0])
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// firstDiff is the first offset where a and b differ, -1 if equal.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}
