package ccu

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// maxMessage is the longest an API error may read: five capped fields,
// the clock-skew or status hint and the fixed words around them.
const maxMessage = 5*maxField*4 + 400

// FuzzParseError reads arbitrary answers with arbitrary statuses the way
// the client does (accepted for a purge, parseError for a GET): no panic;
// the message is valid UTF-8, printable on one line and of bounded
// length; a CCU or gateway JSON body's title, detail, supportId and
// requestId come through; an accepted answer's texts are printable too.
func FuzzParseError(f *testing.F) {
	for _, s := range []struct {
		status int
		body   string
	}{
		{201, `{"httpStatus":201,"purgeId":"e535071c-26b2-11e7-94d7-276f2f54d938","supportId":"17PY1492793544958045-219026624","estimatedSeconds":5,"detail":"Request accepted"}`},
		{201, `{"httpStatus":201,"purgeId":"a\nfrom=x","estimatedSeconds":"5"}`},
		{400, `{"type":"https://problems.purge.akamaiapis.net/-/pep-authn/request-error","title":"Bad request","status":400,"detail":"Invalid timestamp","instance":"https://akab-x.purge.akamaiapis.net/ccu/v3/invalidate/url/production","method":"POST","serverIp":"104.81.220.111","clientIp":"89.67.63.134","requestId":"a73affa","requestTime":"2017-06-29T15:03:40Z"}`},
		{403, `{"supportId":"17PY1498402073417329-261436608","title":"unauthorized arl","httpStatus":403,"detail":"http://www.example.com/a is not authorized","describedBy":"https://api.ccu.akamai.com/ccu/v2/errors/unauthorized-arl"}`},
		{429, `{"httpStatus":429,"title":"Too Many Requests","rateLimitRemaining":"lots","supportId":"S1"}`},
		{507, `{"httpStatus":507,"title":"queue is full","detail":"User's queue is full","supportId":"17SY1"}`},
		{502, "<html><head><title>502</title></head><body><h1>Bad Gateway</h1>\x1b[31m\x00\xff</body></html>"},
		{500, `{"title":"` + strings.Repeat("\u00e9\\u001b[2J", 200) + `"}`},
		{502, strings.Repeat("a", 199) + "ééé"}, // cut at byte 200: mid-rune
		{999, "\xe2\x82"}, {-1, ""}, {0, "null"}, {200, `[1,2]`}, {404, `"just a string"`}, {400, `{"title":null,"detail":{"a":1}}`},
	} {
		f.Add(s.status, []byte(s.body), "Mon, 06 May 2024 07:08:09 GMT")
	}
	f.Fuzz(func(t *testing.T, status int, body []byte, date string) {
		resp := &http.Response{StatusCode: status, Header: http.Header{}}
		resp.Header.Set(skewHeader, clockSkew(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC), date).String())
		res, err := accepted(resp, body)
		if status != http.StatusCreated && err == nil {
			t.Fatalf("status %d accepted", status)
		}
		if err == nil && res.PurgeID == "" {
			t.Fatal("accepted without a purgeId")
		}
		for _, s := range []string{res.PurgeID, res.SupportID, res.ProgressURI, res.Detail} {
			checkPrintable(t, s, maxField*4+4)
		}
		if err != nil {
			checkPrintable(t, err.Error(), maxMessage)
		}
		e := parseError(resp, body)
		checkPrintable(t, e.Error(), maxMessage)
		checkFieldsCome(t, body, e)
	})
}

func checkPrintable(t *testing.T, s string, max int) {
	t.Helper()
	if !utf8.ValidString(s) || len(s) > max {
		t.Fatalf("message of %d bytes (max %d), valid UTF-8 %v: %q", len(s), max, utf8.ValidString(s), s)
	}
	for _, r := range s {
		if !unicode.IsPrint(r) {
			t.Fatalf("message has the unprintable %q: %q", r, s)
		}
	}
}

// checkFieldsCome: short printable fields of a JSON problem body appear in
// the message exactly.
func checkFieldsCome(t *testing.T, body []byte, e *APIError) {
	t.Helper()
	var p map[string]any
	if json.Unmarshal(body, &p) != nil {
		return
	}
	msg := e.Error()
	for _, k := range []string{"title", "detail", "supportId", "requestId"} {
		v, ok := p[k].(string)
		if !ok || v == "" || clean(v, maxField) != v {
			continue
		}
		if k == "requestId" && e.SupportID != "" {
			continue // the message names one id: supportId first
		}
		if !strings.Contains(msg, v) {
			t.Fatalf("%s %q is missing from %q", k, v, msg)
		}
	}
}

// secretMark is in every credential value of the seeds: the error of
// LoadCredentials must never show it, whatever the file's shape.
const secretMark = "S3CR3T"

// FuzzLoadCredentials loads arbitrary .edgerc bytes: no panic; either a
// usable config (bare host, all four fields) or an error wrapping
// ErrNoCredentials; and the error never shows a credential value. Inputs
// where the mark is outside a credential line are skipped: there it is no
// secret.
func FuzzLoadCredentials(f *testing.F) {
	full := "[ccu]\nhost = akab-h.purge.akamaiapis.net\nclient_token = akab-ct-S3CR3T-1\nclient_secret = S3CR3T+c2VjcmV0PQ==\naccess_token = akab-at-S3CR3T-2\n"
	for _, s := range []string{
		full, "[default]\n" + full[6:], strings.Replace(full, "ccu", "other", 1),
		"[ccu]\nhost = h\nclient_secret S3CR3T-no-equals\n",
		"[ccu]\nhost = h\nclient_secret = \"\"\"S3CR3T-open-quote\n",
		"[ccu]\nmax_body = 1\\\nclient_secret = S3CR3T-continued\nhost=h\nclient_token=a\naccess_token=b\n",
		"[ccu]\nmax_body = x\nhost=h\nclient_token=akab-S3CR3T\nclient_secret=S3CR3T\naccess_token=S3CR3T-3\n",
		"[ccu]\nhost = https://akab-h.purge.akamaiapis.net/\nclient_token = ct\nclient_secret = S3CR3T-4\naccess_token = at\n",
		"[ccu\nclient_secret = S3CR3T-5\n", "client_secret = S3CR3T-6\n[ccu]\n", "[ccu]\n[ccu]\nclient_token: S3CR3T-7\n",
		"\xef\xbb\xbf[ccu]\nclient_secret = `S3CR3T-8`\n", "", "\x00", "[ccu]\nhost = h\x00\nclient_token=a\nclient_secret=b\naccess_token=c\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, secretMark) && !credentialLine(line) {
				return
			}
		}
		path := filepath.Join(t.TempDir(), "edgerc")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		cfg, err := LoadCredentials(Source{Edgerc: path, Section: "ccu", FileOnly: true})
		if err == nil {
			if !bareHost(cfg.Host) || cfg.MaxBody <= 0 {
				t.Fatalf("loaded host %q max body %d", cfg.Host, cfg.MaxBody)
			}
			return
		}
		if !errors.Is(err, ErrNoCredentials) {
			t.Fatalf("error does not say what failed: %v", err)
		}
		if strings.Contains(err.Error(), secretMark) {
			t.Fatalf("error shows a credential: %v", err)
		}
	})
}

func credentialLine(line string) bool {
	for _, k := range []string{"client_secret", "access_token", "client_token"} {
		if strings.Contains(line, k) {
			return true
		}
	}
	return false
}
