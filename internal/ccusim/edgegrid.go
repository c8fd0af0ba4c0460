package ccusim

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"
)

// authScheme is the moniker that starts every EdgeGrid Authorization header.
const authScheme = "EG1-HMAC-SHA256"

// timestampLayout is EdgeGrid's timestamp format; it is not RFC 3339 (no dashes in the date).
const timestampLayout = "20060102T15:04:05-0700"

// DefaultSignMaxBody is how many POST body bytes EdgeGrid hashes when nothing else is configured;
// every official client library uses this value.
const DefaultSignMaxBody = 131072

// defaultWindow is the clock skew the Akamai gateway tolerates (±30 s, per terraform-provider-akamai#758).
const defaultWindow = 30 * time.Second

// timestampRE is checked before parsing because time.Parse accepts offsets other than +0000.
var timestampRE = regexp.MustCompile(`^\d{8}T\d{2}:\d{2}:\d{2}\+0000$`)

// Details the gateway sends; the first three are verbatim from recorded Akamai responses.
const (
	detailBadTimestamp   = "Invalid timestamp"
	detailBadClientToken = "Invalid client token"
	detailBadSignature   = "The signature does not match"
	detailBadHeader      = "Missing or malformed EG1-HMAC-SHA256 Authorization header"
	detailNonceReused    = "Nonce has already been used"
)

// AuthError is an authentication failure, carrying the HTTP status (400 or 401) and the detail the
// Akamai API gateway would put in its problem body.
type AuthError struct {
	Status int
	Detail string
}

// Error reports the status and detail; it never contains credentials.
func (e *AuthError) Error() string {
	return fmt.Sprintf("edgegrid: %d %s", e.Status, e.Detail)
}

// Verifier checks EdgeGrid EG1-HMAC-SHA256 signatures. It is its own implementation of the
// algorithm (not edgegrid-golang's), so that client and simulator check each other.
// Use it through a pointer: it remembers nonces.
type Verifier struct {
	Secrets       map[string]Credential // by client token
	HeadersToSign []string              // canonical headers, in the given order (CCU uses none)
	MaxBody       int                   // bytes of a POST body hashed; 0 = 131072
	Window        time.Duration         // allowed clock skew, 0 = 30s
	Now           func() time.Time      // nil = time.Now

	mu     sync.Mutex
	nonces map[string]time.Time // client token + nonce -> when it may be forgotten
}

// authFields is a parsed Authorization header.
type authFields struct {
	clientToken, accessToken, timestamp, nonce, signature string
	unsigned                                              string // header up to and including "nonce=…;"
}

// Verify returns nil when header carries a valid signature for the request, or an *AuthError
// saying what is wrong. scheme and host are what the server actually serves (host with port),
// pathAndQuery is the escaped path plus "?" and the raw query when there is one.
func (v *Verifier) Verify(method, scheme, host, pathAndQuery string, header http.Header, body []byte) error {
	f, err := parseAuthorization(header.Get("Authorization"))
	if err != nil {
		return err
	}
	ts, err := v.checkTimestamp(f.timestamp)
	if err != nil {
		return err
	}
	cred, ok := v.Secrets[f.clientToken]
	if !ok {
		return &AuthError{Status: http.StatusBadRequest, Detail: detailBadClientToken}
	}
	data := DataToSign(method, scheme, host, pathAndQuery,
		canonicalHeaders(header, v.HeadersToSign), contentHash(method, body, v.maxBody()), f.unsigned)
	want := sign(cred.ClientSecret, f.timestamp, data)
	tokenOK := subtle.ConstantTimeCompare([]byte(f.accessToken), []byte(cred.AccessToken)) == 1
	if !tokenOK || !hmac.Equal([]byte(want), []byte(f.signature)) {
		return &AuthError{Status: http.StatusUnauthorized, Detail: detailBadSignature}
	}
	return v.rememberNonce(f.clientToken+"\x00"+f.nonce, ts)
}

// DataToSign returns the exact tab-joined string that is signed: method, scheme, host,
// path[?query], canonical headers, content hash and the Authorization header up to and including
// "nonce=…;". Empty fields keep their tab, as every EdgeGrid library does.
func DataToSign(method, scheme, host, pathAndQuery, canonicalHeaders, contentHash, unsignedAuth string) string {
	return strings.Join([]string{
		strings.ToUpper(method), strings.ToLower(scheme), host, pathAndQuery,
		canonicalHeaders, contentHash, unsignedAuth,
	}, "\t")
}

// sign returns base64(HMAC-SHA256(signingKey, data)). The signing key is itself the base64 text
// of HMAC-SHA256(secret, timestamp), and that text (not its decoded bytes) is the HMAC key:
// the classic EdgeGrid pitfall.
func sign(secret, timestamp, data string) string {
	return hmacBase64(signingKey(secret, timestamp), data)
}

// signingKey derives the per-timestamp key from the client secret used as a UTF-8 string.
func signingKey(secret, timestamp string) string {
	return hmacBase64(secret, timestamp)
}

// hmacBase64 is base64(HMAC-SHA256(key, msg)).
func hmacBase64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// unsignedHeader is the Authorization header without its signature, the 7th field of DataToSign.
func unsignedHeader(c Credential, timestamp, nonce string) string {
	return fmt.Sprintf("%s client_token=%s;access_token=%s;timestamp=%s;nonce=%s;",
		authScheme, c.ClientToken, c.AccessToken, timestamp, nonce)
}

// authorization builds a complete Authorization header; tests use it to reproduce the official
// vectors with the same code path Verify uses.
func authorization(c Credential, timestamp, nonce, method, scheme, host, pathAndQuery, canonHeaders, hash string) string {
	unsigned := unsignedHeader(c, timestamp, nonce)
	data := DataToSign(method, scheme, host, pathAndQuery, canonHeaders, hash, unsigned)
	return unsigned + "signature=" + sign(c.ClientSecret, timestamp, data)
}

// contentHash is base64(SHA-256(body[:maxBody])) for a POST with a body, else "". EdgeGrid hashes
// neither PUT nor PATCH bodies, and truncates rather than rejects long bodies.
func contentHash(method string, body []byte, maxBody int) string {
	if !strings.EqualFold(method, http.MethodPost) || len(body) == 0 {
		return ""
	}
	if len(body) > maxBody {
		body = body[:maxBody]
	}
	sum := sha256.Sum256(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// canonicalHeaders renders the signed headers in configuration order (as python and node do;
// Go v13 sorts them, which only matters when headers are signed, and CCU signs none):
// lower-case name, ":", the value trimmed with inner whitespace runs collapsed to one space.
func canonicalHeaders(h http.Header, names []string) string {
	var out []string
	for _, name := range names {
		vals, ok := h[http.CanonicalHeaderKey(name)]
		if !ok || len(vals) == 0 {
			continue
		}
		out = append(out, strings.ToLower(name)+":"+strings.Join(strings.Fields(vals[0]), " "))
	}
	return strings.Join(out, "\t")
}

// parseAuthorization splits the header's fields on ";" and each field on its FIRST "=" only,
// because base64 signatures end in "=".
func parseAuthorization(h string) (authFields, error) {
	bad := &AuthError{Status: http.StatusUnauthorized, Detail: detailBadHeader}
	rest, ok := strings.CutPrefix(h, authScheme+" ")
	i := strings.LastIndex(rest, ";signature=")
	if !ok || i < 0 || strings.Contains(rest[i+1:], ";") {
		return authFields{}, bad
	}
	kv := map[string]string{}
	for _, field := range strings.Split(rest, ";") {
		k, val, found := strings.Cut(strings.TrimSpace(field), "=")
		if !found {
			continue
		}
		kv[k] = val
	}
	f := authFields{clientToken: kv["client_token"], accessToken: kv["access_token"],
		timestamp: kv["timestamp"], nonce: kv["nonce"], signature: kv["signature"],
		unsigned: h[:len(authScheme)+1+i+1]}
	if f.clientToken == "" || f.accessToken == "" || f.timestamp == "" || f.nonce == "" || f.signature == "" {
		return authFields{}, bad
	}
	return f, nil
}

// checkTimestamp rejects malformed timestamps and those outside the skew window, which is what
// makes a captured request useless after a while.
func (v *Verifier) checkTimestamp(s string) (time.Time, error) {
	bad := &AuthError{Status: http.StatusBadRequest, Detail: detailBadTimestamp}
	if !timestampRE.MatchString(s) {
		return time.Time{}, bad
	}
	ts, err := time.Parse(timestampLayout, s)
	if err != nil {
		return time.Time{}, bad
	}
	skew := v.now().Sub(ts)
	if skew > v.window() || skew < -v.window() {
		return time.Time{}, bad
	}
	return ts, nil
}

// rememberNonce rejects a nonce seen before. A nonce only needs remembering until its timestamp
// leaves the window, after which checkTimestamp rejects the replay anyway.
func (v *Verifier) rememberNonce(key string, ts time.Time) error {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	if v.nonces == nil {
		v.nonces = map[string]time.Time{}
	}
	for k, forget := range v.nonces {
		if now.After(forget) {
			delete(v.nonces, k)
		}
	}
	if _, seen := v.nonces[key]; seen {
		return &AuthError{Status: http.StatusUnauthorized, Detail: detailNonceReused}
	}
	v.nonces[key] = ts.Add(v.window())
	return nil
}

func (v *Verifier) now() time.Time {
	if v.Now == nil {
		return time.Now()
	}
	return v.Now()
}

func (v *Verifier) window() time.Duration {
	if v.Window <= 0 {
		return defaultWindow
	}
	return v.Window
}

func (v *Verifier) maxBody() int {
	if v.MaxBody <= 0 {
		return DefaultSignMaxBody
	}
	return v.MaxBody
}
