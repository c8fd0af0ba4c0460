package ccusim

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

var (
	fuzzNow  = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	fuzzCred = Credential{ClientToken: "akab-fuzz-ct", ClientSecret: "ZnV6ei1zZWNyZXQ=", AccessToken: "akab-fuzz-at"}
)

func fuzzVerifier() *Verifier {
	return &Verifier{
		Secrets:       map[string]Credential{fuzzCred.ClientToken: fuzzCred},
		HeadersToSign: []string{"X-Test1"},
		MaxBody:       64,
		Now:           func() time.Time { return fuzzNow },
	}
}

// FuzzVerifyArbitrary sends whatever a client may send: any Authorization
// header, method, host, path and body. Verify must not panic, and must
// answer nil or an *AuthError with a 400 or 401, never anything else.
func FuzzVerifyArbitrary(f *testing.F) {
	ts := fuzzNow.Format(timestampLayout)
	good := authorization(fuzzCred, ts, "n1", "POST", "https", "h:1", "/p", "", contentHash("POST", []byte("{}"), 64))
	for _, s := range []string{
		good, "", authScheme, authScheme + " ", authScheme + " ;signature=", authScheme + " signature=x",
		authScheme + " client_token=;access_token=;timestamp=;nonce=;signature=",
		authScheme + " client_token=akab-fuzz-ct;access_token=a;timestamp=99999999T99:99:99+0000;nonce=n;signature=x",
		authScheme + " client_token=akab-fuzz-ct;access_token=a;timestamp=" + ts + ";nonce=n;signature=x;",
		strings.Replace(good, ";nonce=", ";nonce=;nonce=", 1), "EG1-HMAC-SHA256 \x00=\xff;signature==",
	} {
		f.Add(s, "POST", "h:1", "/p", []byte("{}"))
	}
	f.Add(good, "GET", "", "", []byte(nil))
	f.Add(good, "\x00", "h:1", "/p?q=\xff", []byte(strings.Repeat("x", 100)))
	f.Fuzz(func(t *testing.T, auth, method, host, path string, body []byte) {
		h := http.Header{"Authorization": {auth}, "X-Test1": {"v"}}
		err := fuzzVerifier().Verify(method, "https", host, path, h, body)
		if err == nil {
			return
		}
		var ae *AuthError
		if !errors.As(err, &ae) || (ae.Status != http.StatusBadRequest && ae.Status != http.StatusUnauthorized) || ae.Detail == "" {
			t.Fatalf("Verify returned %T %v, want an *AuthError with 400 or 401", err, err)
		}
		if strings.Contains(ae.Error(), fuzzCred.ClientSecret) {
			t.Fatalf("error shows the secret: %v", ae)
		}
	})
}

// FuzzVerifySigned signs a request the way a client does, checks that it
// verifies, then changes one byte of one signed field (the Authorization
// header, method, host, path, a signed header, the hashed part of a POST
// body): a fresh verifier must refuse it. Changes that signing defines as
// equal are skipped: the method's case (signed upper-cased), whitespace
// runs in a signed header (signed collapsed), body bytes past MaxBody.
func FuzzVerifySigned(f *testing.F) {
	f.Add(true, "/ccu/v3/invalidate/url/production", "x1", []byte(`{"objects":["https://a.com/"]}`), "n1", uint8(0), uint16(0), byte('A'))
	f.Add(false, "/ccu/v2/queues/default?x=1", "a  b", []byte(nil), "nonce-2", uint8(1), uint16(3), byte('/'))
	f.Add(true, "/p", "", []byte(strings.Repeat("z", 100)), "n", uint8(4), uint16(63), byte(0))
	f.Add(true, "/p", "v", []byte("{}"), "n", uint8(2), uint16(2), byte(';'))
	f.Add(true, "/p", "v", []byte("{}"), "n", uint8(3), uint16(0), byte('q'))
	f.Add(true, "/p", "v", []byte("{}"), "n", uint8(5), uint16(1), byte(' '))
	f.Fuzz(func(t *testing.T, post bool, path, hval string, body []byte, nonce string, field uint8, at uint16, b byte) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		if !token(nonce) {
			return // a client's nonce is a UUID
		}
		const host = "127.0.0.1:8443"
		ts := fuzzNow.Format(timestampLayout)
		req := signedReq{method: method, host: host, path: path, hval: hval, body: body}
		req.auth = authorization(fuzzCred, ts, nonce, method, "https", host, path,
			canonicalHeaders(http.Header{"X-Test1": {hval}}, []string{"X-Test1"}), contentHash(method, body, 64))
		if err := req.verify(); err != nil {
			t.Fatalf("a correctly signed request fails: %v", err)
		}
		if !req.mutate(field, int(at), b) {
			return
		}
		if err := req.verify(); err == nil {
			t.Fatalf("field %d changed at %d to %q still verifies: %+v", field%6, at, b, req)
		}
	})
}

type signedReq struct {
	method, host, path, hval string
	body                     []byte
	auth                     string
}

func (r *signedReq) verify() error {
	h := http.Header{"Authorization": {r.auth}, "X-Test1": {r.hval}}
	return fuzzVerifier().Verify(r.method, "https", r.host, r.path, h, r.body)
}

// mutate sets byte at of one field to b; false when that is no change to
// what is signed.
func (r *signedReq) mutate(field uint8, at int, b byte) bool {
	set := func(s string) (string, bool) {
		if len(s) == 0 || s[at%len(s)] == b {
			return s, false
		}
		i := at % len(s)
		return s[:i] + string([]byte{b}) + s[i+1:], true
	}
	var ok bool
	switch field % 6 {
	case 0:
		r.auth, ok = set(r.auth)
	case 1:
		var m string
		m, ok = set(r.method)
		ok = ok && !strings.EqualFold(m, r.method)
		r.method = m
	case 2:
		r.host, ok = set(r.host)
	case 3:
		r.path, ok = set(r.path)
	case 4:
		if r.method != http.MethodPost || len(r.body) == 0 {
			return false
		}
		i := at % min(len(r.body), 64)
		ok = r.body[i] != b
		r.body = append([]byte(nil), r.body...)
		r.body[i] = b
	case 5:
		old := canonicalHeaders(http.Header{"X-Test1": {r.hval}}, []string{"X-Test1"})
		r.hval, ok = set(r.hval)
		now := canonicalHeaders(http.Header{"X-Test1": {r.hval}}, []string{"X-Test1"})
		ok = ok && old != now
	}
	return ok
}

// token reports a non-empty run of visible ASCII other than ";" and "=",
// what a client's nonce is (a UUID).
func token(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == ';' || s[i] == '=' {
			return false
		}
	}
	return s != ""
}
