package ccusim

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ghost is the X-Cache tail a real edge names itself with.
const ghost = " from a127-0-0-1.deploy.akamaitechnologies.com (AkamaiGHost/22.3.1-ccusim) (-)"

// cacheStatus is Enhanced Debug's Akamai-Cache-Status for an X-Cache word.
var cacheStatus = map[string]string{
	tcpHit: "Hit from child", tcpMiss: "Miss from child",
	tcpRefreshHit: "RefreshHit from child", tcpRefreshMiss: "Miss from child",
}

// debug adds the debug headers the request asked for. With a debug key only a valid Enhanced
// Debug token counts and Pragma is ignored, as on a property that enables Enhanced Debug; an
// invalid token is ignored too, since the real edge does not say why.
func (e *Edge) debug(h http.Header, r *http.Request, host, cache string) {
	cacheKey := fmt.Sprintf("S/L/1234/%d/1d/%s%s", e.opts.CPCode, host, r.URL.RequestURI())
	if e.opts.DebugKey != nil {
		if validToken(e.opts.DebugKey, debugToken(r), r.URL.Path, e.s.now()) {
			h.Set("X-Cache", cache+ghost)
			h.Set("X-Cache-Key", cacheKey)
			h.Set("X-Akamai-Request-ID", requestID())
			h.Set("Akamai-Cache-Status", cacheStatus[cache])
		}
		return
	}
	words := pragma(r.Header.Values("Pragma"))
	if words["akamai-x-cache-on"] {
		h.Set("X-Cache", cache+ghost)
	}
	if words["akamai-x-get-cache-key"] {
		h.Set("X-Cache-Key", cacheKey)
	}
	if words["akamai-x-get-request-id"] {
		h.Set("X-Akamai-Request-ID", requestID())
	}
}

// pragma is the set of comma-separated Pragma words, lower case.
func pragma(values []string) map[string]bool {
	words := map[string]bool{}
	for _, v := range values {
		for _, w := range strings.Split(v, ",") {
			words[strings.ToLower(strings.TrimSpace(w))] = true
		}
	}
	return words
}

// requestID is 8 hex digits, as X-Akamai-Request-ID has.
func requestID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	return hex.EncodeToString(b)
}

// debugToken is the token of "Akamai-Debug: TOKEN [words…]" or "akamaidebugtoken: TOKEN".
func debugToken(r *http.Request) string {
	if f := strings.Fields(r.Header.Get("Akamai-Debug")); len(f) > 0 {
		return f[0]
	}
	return strings.TrimSpace(r.Header.Get("Akamaidebugtoken"))
}

// validToken checks "[st=UNIX~]exp=UNIX~acl=ACL~hmac=HEX": the HMAC-SHA256 with key of the text
// before "~hmac=", a time window that holds now, and an ACL that covers path.
func validToken(key []byte, token, path string, now time.Time) bool {
	i := strings.LastIndex(token, "~hmac=")
	if i < 0 {
		return false
	}
	signed := token[:i]
	got, err := hex.DecodeString(token[i+len("~hmac="):])
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(signed))
	if err != nil || !hmac.Equal(got, mac.Sum(nil)) {
		return false
	}
	fields := map[string]string{}
	for _, f := range strings.Split(signed, "~") {
		k, v, _ := strings.Cut(f, "=")
		fields[k] = v
	}
	return inWindow(fields, now.Unix()) && aclCovers(fields["acl"], path)
}

// inWindow says whether now is before exp (required) and not before st (optional).
func inWindow(fields map[string]string, now int64) bool {
	exp, err := strconv.ParseInt(fields["exp"], 10, 64)
	if err != nil || now > exp {
		return false
	}
	st, ok := fields["st"]
	if !ok {
		return true
	}
	start, err := strconv.ParseInt(st, 10, 64)
	return err == nil && now >= start
}

// aclCovers reads a token ACL: "%2f*" or "/*" is every path, else a percent-encoded path prefix
// ending in "*".
func aclCovers(acl, path string) bool {
	prefix, err := url.PathUnescape(acl)
	if err != nil || !strings.HasSuffix(prefix, "*") {
		return false
	}
	return strings.HasPrefix(path, strings.TrimSuffix(prefix, "*"))
}
