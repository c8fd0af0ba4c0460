package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
)

const (
	token  = "akab-client-token-0123456789abcdef"
	secret = "SeCrEt+with/base64=chars0123456789"
)

func TestString(t *testing.T) {
	t.Parallel()
	r := New(token, secret, "short", "")
	auth := "EG1-HMAC-SHA256 client_token=" + token + ";access_token=akab-x;timestamp=20261201T22:00:00+0000;nonce=n-1;signature=c2ln+bmF0dXJl/PQ=="
	for _, tc := range []struct {
		name, in, want string
	}{
		{"raw", "detail: " + token + " end", "detail: *** end"},
		{"std base64", "b=" + base64.StdEncoding.EncodeToString([]byte(secret)), "b=***"},
		{"raw std base64", "b=" + base64.RawStdEncoding.EncodeToString([]byte(secret)) + ".", "b=***."},
		{"url base64", base64.URLEncoding.EncodeToString([]byte(secret)), "***"},
		{"raw url base64", base64.RawURLEncoding.EncodeToString([]byte(secret)), "***"},
		{"query escaped", "?s=" + url.QueryEscape(secret), "?s=***"},
		{"path escaped", "/p/" + url.PathEscape(secret), "/p/***"},
		{"hex", hex.EncodeToString([]byte(token)), "***"},
		{"HEX", strings.ToUpper(hex.EncodeToString([]byte(token))), "***"},
		{"header in JSON", `{"detail":"` + auth + `","x":1}`, `{"detail":"[Authorization header removed]","x":1}`},
		{"header in HTML", "<p>Authorization: " + auth + "</p>", "<p>Authorization: [Authorization header removed]</p>"},
		{"header with spaces", "eg1-hmac-sha256 client_token=a; access_token=b; signature=c; end", "[Authorization header removed]; end"},
		{"scheme named in prose kept", "Missing or malformed EG1-HMAC-SHA256 Authorization header", "Missing or malformed EG1-HMAC-SHA256 Authorization header"},
		{"short values kept", "a short answer", "a short answer"},
		{"nothing to hide", "HTTP 400: bad request", "HTTP 400: bad request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.String(tc.in); got != tc.want {
				t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestNilRedactorRemovesHeaders(t *testing.T) {
	t.Parallel()
	var r *Redactor
	if got := r.String("x EG1-HMAC-SHA256 client_token=a;signature=b"); strings.Contains(got, "EG1") || strings.Contains(got, "client_token") {
		t.Errorf("nil Redactor kept the header: %q", got)
	}
}

func TestWriter(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := New(token).Writer(&b)
	msg := fmt.Sprintf("purgeId %s accepted\n", token)
	n, err := fmt.Fprint(w, msg)
	if err != nil || n != len(msg) {
		t.Errorf("Write = %d, %v; want %d, nil", n, err, len(msg))
	}
	if got := b.String(); got != "purgeId *** accepted\n" {
		t.Errorf("wrote %q", got)
	}
	if u, ok := w.(interface{ Unwrap() io.Writer }); !ok || u.Unwrap() != io.Writer(&b) {
		t.Errorf("the Writer does not unwrap to the writer it redacts")
	}
}
