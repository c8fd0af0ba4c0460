package ccusim

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// vectorConfig is the shared configuration of the official EdgeGrid vector files.
type vectorConfig struct {
	BaseURL         string       `json:"base_url"`
	AccessToken     string       `json:"access_token"`
	ClientToken     string       `json:"client_token"`
	ClientSecret    string       `json:"client_secret"`
	MaxBody         int          `json:"max_body"`
	HeadersToSign   []string     `json:"headers_to_sign"`
	Nonce           string       `json:"nonce"`
	Timestamp       string       `json:"timestamp"`
	Tests           []vectorCase `json:"tests"`
	JSONTestHash    string       `json:"jsontest_hash"`
	SignKeyTest     string       `json:"sign_key_test"`
	ContentHashTest string       `json:"content_hash_test"`
}

// vectorCase is one official signing test.
type vectorCase struct {
	TestName string `json:"testName"`
	Request  struct {
		Method  string              `json:"method"`
		Path    string              `json:"path"`
		Data    string              `json:"data"`
		Headers []map[string]string `json:"headers"`
	} `json:"request"`
	ExpectedAuthorization string `json:"expectedAuthorization"`
	ExpectedDataToSign    string `json:"expectedDataToSign"`
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "edgegrid", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
}

func (c vectorConfig) credential() Credential {
	return Credential{ClientToken: c.ClientToken, ClientSecret: c.ClientSecret, AccessToken: c.AccessToken}
}

func (c vectorConfig) verifier(t *testing.T) *Verifier {
	t.Helper()
	ts, err := time.Parse(timestampLayout, c.Timestamp)
	if err != nil {
		t.Fatal(err)
	}
	return &Verifier{
		Secrets:       map[string]Credential{c.ClientToken: c.credential()},
		HeadersToSign: c.HeadersToSign,
		MaxBody:       c.MaxBody,
		Now:           func() time.Time { return ts },
	}
}

// vectorRequest turns a vector into what a server sees: host (the Host header, else the base
// URL's), escaped path plus query, and the other headers.
func vectorRequest(t *testing.T, c vectorConfig, tc vectorCase) (host, pathAndQuery string, h http.Header) {
	t.Helper()
	base, err := url.Parse(c.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	host, h = base.Host, http.Header{}
	for _, kv := range tc.Request.Headers {
		for k, v := range kv {
			if strings.EqualFold(k, "Host") {
				host = v
				continue
			}
			h[http.CanonicalHeaderKey(k)] = []string{v} // raw, to keep leading spaces as sent
		}
	}
	u, err := url.Parse(tc.Request.Path)
	if err != nil {
		t.Fatal(err)
	}
	pathAndQuery = u.EscapedPath()
	if u.RawQuery != "" {
		pathAndQuery += "?" + u.RawQuery
	}
	return host, pathAndQuery, h
}

// checkVector signs the vector with our implementation, compares the full Authorization (and the
// data to sign when the file has it), then checks Verify accepts the official header.
func checkVector(t *testing.T, c vectorConfig, tc vectorCase) {
	host, pq, h := vectorRequest(t, c, tc)
	method, body := tc.Request.Method, []byte(tc.Request.Data)
	canon := canonicalHeaders(h, c.HeadersToSign)
	hash := contentHash(method, body, c.MaxBody)
	got := authorization(c.credential(), c.Timestamp, c.Nonce, method, "https", host, pq, canon, hash)
	if diff := cmp.Diff(tc.ExpectedAuthorization, got); diff != "" {
		t.Errorf("Authorization (-want +got):\n%s", diff)
	}
	if tc.ExpectedDataToSign != "" {
		data := DataToSign(method, "https", host, pq, canon, hash, "")
		if diff := cmp.Diff(tc.ExpectedDataToSign, data); diff != "" {
			t.Errorf("data to sign (-want +got):\n%s", diff)
		}
	}
	h.Set("Authorization", tc.ExpectedAuthorization)
	if err := c.verifier(t).Verify(method, "https", host, pq, h, body); err != nil {
		t.Errorf("Verify(official header) = %v, want nil", err)
	}
}

func TestPerlVectors(t *testing.T) {
	var c vectorConfig
	readJSON(t, "edgegrid-perl_t_testdata.json", &c)
	if len(c.Tests) != 12 {
		t.Fatalf("perl vectors: %d tests, want 12", len(c.Tests))
	}
	for _, tc := range c.Tests {
		t.Run(tc.TestName, func(t *testing.T) { checkVector(t, c, tc) })
	}
}

func TestPythonVectors(t *testing.T) {
	var c vectorConfig
	readJSON(t, "edgegrid-python_testdata.json", &c)
	readJSON(t, "edgegrid-python_testcases.json", &c.Tests)
	if len(c.Tests) != 15 {
		t.Fatalf("python vectors: %d tests, want 15", len(c.Tests))
	}
	for _, tc := range c.Tests {
		t.Run(tc.TestName, func(t *testing.T) { checkVector(t, c, tc) })
	}
}

func TestGoV1Vectors(t *testing.T) {
	var perl, c vectorConfig
	// v1.2.2 hard-codes the same config as the perl file in its signer_test.go.
	readJSON(t, "edgegrid-perl_t_testdata.json", &perl)
	readJSON(t, "edgegrid-golang-v1.2.2_testdata.json", &c)
	tests := c.Tests
	c, c.Tests = perl, nil
	for _, tc := range tests {
		t.Run(tc.TestName, func(t *testing.T) {
			if tc.TestName == "GET with querystring" {
				// The old Go test put "?p1=1&p2=2" into url.Path, so its expected signature covers
				// "/testapi/v1/t1%3Fp1=1&p2=2": a Go-only artefact. The cross-language value for
				// this request is checked by TestPerlVectors and TestPythonVectors.
				t.Skip("Go v1-specific signature of an escaped '?' (see comment)")
			}
			checkVector(t, c, tc)
		})
	}
}

func TestPythonSingleVectors(t *testing.T) {
	var c vectorConfig
	readJSON(t, "edgegrid-python_testdata.json", &c)
	jsonAuth := authorization(c.credential(), c.Timestamp, c.Nonce, "POST", "https",
		"akaa-baseurl-xxxxxxxxxxx-xxxxxxxxxxxxx.luna.akamaiapis.net", "/testapi/v1/t3?extended=true", "",
		contentHash("POST", []byte(`{"key": "value"}`), DefaultSignMaxBody))
	tests := []struct{ name, want, got string }{
		{"sign_key_test", c.SignKeyTest, signingKey(c.ClientSecret, c.Timestamp)},
		{"content_hash_test", c.ContentHashTest, contentHash("POST", []byte("test_body"), DefaultSignMaxBody)},
		{"jsontest_hash", c.JSONTestHash, jsonAuth},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.want == "" {
				t.Fatal("vector missing from testdata")
			}
			if diff := cmp.Diff(tc.want, tc.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestCCUDerivedVectors(t *testing.T) {
	var perl vectorConfig
	readJSON(t, "edgegrid-perl_t_testdata.json", &perl)
	var f struct {
		Host    string `json:"host"`
		Vectors []struct {
			Method, Path, Body, ContentHash, DataToSign, Authorization string
		} `json:"vectors"`
	}
	readJSON(t, "ccu-derived-vectors.json", &f)
	for _, v := range f.Vectors {
		t.Run(v.Method+" "+v.Path, func(t *testing.T) {
			hash := contentHash(v.Method, []byte(v.Body), DefaultSignMaxBody)
			unsigned := unsignedHeader(perl.credential(), perl.Timestamp, perl.Nonce)
			got := []string{hash, DataToSign(v.Method, "https", f.Host, v.Path, "", hash, unsigned),
				authorization(perl.credential(), perl.Timestamp, perl.Nonce, v.Method, "https", f.Host, v.Path, "", hash)}
			if diff := cmp.Diff([]string{v.ContentHash, v.DataToSign, v.Authorization}, got); diff != "" {
				t.Errorf("[hash, data, authorization] (-want +got):\n%s", diff)
			}
			ver := perl.verifier(t)
			ver.HeadersToSign, ver.MaxBody = nil, 0
			h := http.Header{"Authorization": {v.Authorization}}
			if err := ver.Verify(v.Method, "https", f.Host, v.Path, h, []byte(v.Body)); err != nil {
				t.Errorf("Verify = %v, want nil", err)
			}
		})
	}
}

// verifyCase describes one request presented to a Verifier whose clock reads now.
type verifyCase struct {
	name     string
	signedAt time.Duration // timestamp offset from now
	signer   Credential    // credential used to sign
	header   func(string) string
	body     string // body presented to Verify (signed body is always signedBody)
	path     string // path presented to Verify
	want     *AuthError
}

func TestVerifyRejects(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	good := Credential{ClientToken: "akab-ct", ClientSecret: "c2VjcmV0PT0=", AccessToken: "akab-at"}
	const signedBody, signedPath = `{"objects":["https://example.com/a"]}`, "/ccu/v3/invalidate/url?accountSwitchKey=1-X"
	badSig := &AuthError{Status: 401, Detail: detailBadSignature}
	badTS := &AuthError{Status: 400, Detail: detailBadTimestamp}
	badHeader := &AuthError{Status: 401, Detail: detailBadHeader}
	tests := []verifyCase{
		{name: "valid", signer: good},
		{name: "29s old accepted", signedAt: -29 * time.Second, signer: good},
		{name: "29s ahead accepted", signedAt: 29 * time.Second, signer: good},
		{name: "31s old rejected", signedAt: -31 * time.Second, signer: good, want: badTS},
		{name: "31s ahead rejected", signedAt: 31 * time.Second, signer: good, want: badTS},
		{name: "wrong secret", signer: Credential{good.ClientToken, "other-secret=", good.AccessToken}, want: badSig},
		{name: "wrong access token", signer: Credential{good.ClientToken, good.ClientSecret, "akab-other"}, want: badSig},
		{name: "unknown client token", signer: Credential{"akab-nobody", good.ClientSecret, good.AccessToken},
			want: &AuthError{Status: 400, Detail: detailBadClientToken}},
		{name: "tampered body", signer: good, body: `{"objects":["https://example.com/b"]}`, want: badSig},
		{name: "tampered path", signer: good, path: "/ccu/v3/delete/url?accountSwitchKey=1-X", want: badSig},
		{name: "missing header", signer: good, header: func(string) string { return "" }, want: badHeader},
		{name: "other scheme", signer: good, header: func(h string) string {
			return strings.Replace(h, authScheme, "EG1-HMAC-SHA1", 1)
		}, want: badHeader},
		{name: "signature not last", signer: good, header: func(h string) string { return h + ";x=y" }, want: badHeader},
		{name: "timestamp not +0000", signer: good, header: func(h string) string {
			return strings.Replace(h, "+0000", "+0100", 1)
		}, want: badTS},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Secrets: map[string]Credential{good.ClientToken: good}, Now: func() time.Time { return now }}
			ts := now.Add(tc.signedAt).Format(timestampLayout)
			h := authorization(tc.signer, ts, "nonce-"+tc.name, "POST", "https", "127.0.0.1:8443", signedPath, "",
				contentHash("POST", []byte(signedBody), DefaultSignMaxBody))
			if tc.header != nil {
				h = tc.header(h)
			}
			body, path := signedBody, signedPath
			if tc.body != "" {
				body = tc.body
			}
			if tc.path != "" {
				path = tc.path
			}
			err := v.Verify("POST", "https", "127.0.0.1:8443", path, http.Header{"Authorization": {h}}, []byte(body))
			compareAuthError(t, tc.want, err)
		})
	}
}

func compareAuthError(t *testing.T, want *AuthError, err error) {
	t.Helper()
	var got *AuthError
	if err != nil && !errors.As(err, &got) {
		t.Fatalf("Verify error %T %v, want *AuthError", err, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Verify (-want +got):\n%s", diff)
	}
}

func TestVerifyNonceReuse(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c := Credential{ClientToken: "akab-ct", ClientSecret: "secret=", AccessToken: "akab-at"}
	v := &Verifier{Secrets: map[string]Credential{c.ClientToken: c}, Now: func() time.Time { return now }}
	ts := now.Format(timestampLayout)
	signed := func(nonce string) http.Header {
		return http.Header{"Authorization": {authorization(c, ts, nonce, "GET", "https", "h", "/ccu/v2/queues/default", "", "")}}
	}
	steps := []struct {
		nonce string
		want  *AuthError
	}{
		{"n1", nil},
		{"n2", nil},
		{"n1", &AuthError{Status: 401, Detail: detailNonceReused}},
	}
	for i, s := range steps {
		err := v.Verify("GET", "https", "h", "/ccu/v2/queues/default", signed(s.nonce), nil)
		t.Run(s.nonce+"#"+string(rune('0'+i)), func(t *testing.T) { compareAuthError(t, s.want, err) })
	}
}

// TestVerifyTruncatedBody checks that only the first MaxBody bytes are signed: bytes after the
// limit may change, bytes before it may not.
func TestVerifyTruncatedBody(t *testing.T) {
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	c := Credential{ClientToken: "akab-ct", ClientSecret: "secret=", AccessToken: "akab-at"}
	signed := strings.Repeat("a", 3000)
	flip := func(i int) string { return signed[:i] + "b" + signed[i+1:] }
	tests := []struct {
		name, body string
		want       *AuthError
	}{
		{"same body", signed, nil},
		{"changed after max_body", flip(2500), nil},
		{"changed at last hashed byte", flip(2047), &AuthError{Status: 401, Detail: detailBadSignature}},
		{"changed early", flip(10), &AuthError{Status: 401, Detail: detailBadSignature}},
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v := &Verifier{Secrets: map[string]Credential{c.ClientToken: c}, MaxBody: 2048, Now: func() time.Time { return now }}
			ts := now.Format(timestampLayout)
			h := authorization(c, ts, "n"+string(rune('a'+i)), "POST", "https", "h", "/p", "",
				contentHash("POST", []byte(signed), 2048))
			err := v.Verify("POST", "https", "h", "/p", http.Header{"Authorization": {h}}, []byte(tc.body))
			compareAuthError(t, tc.want, err)
		})
	}
}
