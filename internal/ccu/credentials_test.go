package ccu

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Damaged .edgerc files fail with ErrNoCredentials and a message that
// names the fix, never a credential value.
func TestLoadCredentialsHostile(t *testing.T) {
	const secrets = "client_token = akab-ct-S3CR3T\nclient_secret = S3CR3T+c2VjcmV0PQ==\naccess_token = akab-at-S3CR3T\n"
	for _, tc := range []struct{ name, file, want string }{
		{"missing host", "[ccu]\n" + secrets, `lacks a field: required option is missing from edgerc: "host"`},
		{"missing access_token", "[ccu]\nhost = h.example\nclient_token = akab-ct-S3CR3T\nclient_secret = S3CR3T\n", `"access_token"`},
		{"host ending in /", "[ccu]\nhost = akab-h.purge.akamaiapis.net/\n" + secrets, "without https:// or a trailing /"},
		{"host with https://", "[ccu]\nhost = https://akab-h.purge.akamaiapis.net\n" + secrets, "without https:// or a trailing /"},
		{"host with a path", "[ccu]\nhost = akab-h.purge.akamaiapis.net/ccu\n" + secrets, "must be a bare host name"},
		{"host with a user", "[ccu]\nhost = user@evil.example\n" + secrets, "must be a bare host name"},
		{"host with a space", "[ccu]\nhost = akab-h.purge akamaiapis.net\n" + secrets, "must be a bare host name"},
		{"host with a query", "[ccu]\nhost = h.example?x=1\n" + secrets, "must be a bare host name"},
		{"empty host", "[ccu]\nhost =\n" + secrets, "must be a bare host name"},
		{"no = on the secret line", "[ccu]\nhost = h.example\nclient_secret S3CR3T-no-equals\n", "cannot parse"},
		{"open quote before the secret", "[ccu]\nhost = h\nclient_secret = \"\"\"S3CR3T\n", "cannot parse"},
		{"continuation swallows the secret", "[ccu]\nmax_body = 1\\\nclient_secret = S3CR3T\nhost=h\nclient_token=a\naccess_token=b\n", `"client_secret"`},
		{"empty file", "", "has no [ccu] section"},
		{"binary", "\x00\x01\x02", "cannot parse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeEdgerc(t, tc.file)
			_, err := LoadCredentials(Source{Edgerc: path, Section: "ccu", FileOnly: true})
			if err == nil || !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want ErrNoCredentials containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "S3CR3T") {
				t.Errorf("error shows a credential: %v", err)
			}
		})
	}
}

func TestPermissionWarning(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		mode os.FileMode
		want string // "" = no warning
	}{
		{"0600", 0o600, ""},
		{"0400", 0o400, ""},
		{"0644", 0o644, "other users can access it (mode 0644): run chmod 600 "},
		{"0640", 0o640, "(mode 0640)"},
		{"0604", 0o604, "(mode 0604)"},
		{"0666", 0o666, "(mode 0666)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, "edgerc-"+tc.name)
			if err := os.WriteFile(path, []byte("[ccu]\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tc.mode); err != nil {
				t.Fatal(err)
			}
			got := PermissionWarning(path, noEnv)
			if tc.want == "" {
				if got != "" {
					t.Fatalf("warning for mode %o: %q", tc.mode, got)
				}
				return
			}
			if !strings.Contains(got, tc.want) || !strings.Contains(got, path) || strings.Contains(got, "\n") {
				t.Fatalf("PermissionWarning = %q, want one line naming %s containing %q", got, path, tc.want)
			}
		})
	}
	if got := PermissionWarning(filepath.Join(dir, "none"), noEnv); got != "" {
		t.Errorf("missing file: %q", got)
	}
	if got := PermissionWarning(dir, noEnv); got != "" {
		t.Errorf("a folder: %q", got)
	}
	odd := filepath.Join(dir, "my edgerc's")
	if err := os.WriteFile(odd, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := PermissionWarning(odd, noEnv); !strings.HasSuffix(got, `chmod 600 'my edgerc'\''s'`) && !strings.Contains(got, `'`+dir) {
		t.Errorf("path not quoted for the shell: %q", got)
	}
}

// Hostile answers: the message is one printable line of bounded length
// and keeps what identifies the failure.
func TestParseErrorHostile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		want   string
	}{
		{"terminal escapes in detail", 400, `{"title":"Bad\u001b[2J","detail":"x\r\nForged: line","supportId":"S1"}`, "HTTP 400: Bad [2J: x Forged: line (supportId S1)"},
		{"huge detail", 500, `{"title":"t","detail":"` + strings.Repeat("é", 100000) + `"}`, "HTTP 500: t: " + strings.Repeat("é", maxField) + "…"},
		{"wrong type beside good fields", 429, `{"httpStatus":429,"title":"Too Many Requests","detail":"d","supportId":"S2","rateLimitRemaining":"none"}`, "HTTP 429: Too Many Requests: d (supportId S2)"},
		{"gateway shape", 401, `{"type":"x","title":"Not authorized","status":401,"detail":"The signature does not match","requestId":"9f2a"}`, "HTTP 401: Not authorized: The signature does not match (requestId 9f2a)"},
		{"title not a string", 403, `{"title":{"a":1},"detail":"d"}`, "HTTP 403: Forbidden: d"},
		{"HTML page cut mid-rune", 502, "<p>" + strings.Repeat("a", 199) + "ééé</p>", "HTTP 502: Bad Gateway: " + strings.Repeat("a", 199) + "é…"},
		{"invalid UTF-8", 503, "\xff\xfe\xfd down", "HTTP 503: Service Unavailable: down"},
		{"NUL bytes", 500, "\x00\x00oops\x00", "HTTP 500: Internal Server Error: oops"},
		{"JSON array", 500, `[1,2]`, "HTTP 500: Internal Server Error: [1,2]"},
		{"unknown status", 799, ``, "HTTP 799"},
		{"workflow commands", 400, `{"title":"::error::forged","detail":":::stop-commands::tok"}`, "HTTP 400: : :error: :forged: : : :stop-commands: :tok"},
		{"legacy workflow commands", 400, `{"title":"x ##[error]forged","detail":"##[stop-commands]tok ###[add-mask]x"}`, "HTTP 400: x # #[error]forged: # #[stop-commands]tok ## #[add-mask]x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := parseError(&http.Response{StatusCode: tc.status}, []byte(tc.body))
			got := e.Error()
			checkPrintable(t, got, maxMessage)
			if !strings.HasPrefix(got, tc.want) {
				t.Fatalf("Error() = %.400q\nwant prefix %.400q", got, tc.want)
			}
		})
	}
	t.Run("429 remaining still read", func(t *testing.T) {
		e := parseError(&http.Response{StatusCode: 429}, []byte(`{"httpStatus":429,"rateLimitRemaining":0,"supportId":7}`))
		if e.RateLimitRemaining == nil || *e.RateLimitRemaining != 0 || e.SupportID != "" {
			t.Fatalf("%+v", e)
		}
	})
	t.Run("purgeId with a newline", func(t *testing.T) {
		r, err := accepted(&http.Response{StatusCode: 201}, []byte(`{"httpStatus":201,"purgeId":"p1\nfrom=evil","estimatedSeconds":5}`))
		if err != nil || r.PurgeID != "p1 from=evil" || r.EstimatedSeconds != 5 {
			t.Fatalf("%+v %v", r, err)
		}
	})
}

// A host line holding a token (the lines swapped) is refused before DNS
// could quote it; the hosts the simulator and Akamai use still load.
func TestLoadCredentialsSwappedHost(t *testing.T) {
	const rest = "client_secret = S3CR3T+c2VjcmV0PQ==\naccess_token = akab-at-S3CR3T-0123456789\n"
	for _, tc := range []struct {
		name, host, token string
		ok                bool
	}{
		{"client_token in host", "akab-ct-S3CR3T-0123456789", "akab-h.purge.akamaiapis.net", false},
		{"access token in host, with a port", "akab-at-S3CR3T-0123456789:443", "akab-ct-S3CR3T", false},
		{"akamai host", "akab-h.purge.akamaiapis.net", "akab-ct-S3CR3T", true},
		{"loopback with port", "127.0.0.1:8443", "akab-ct-S3CR3T", true},
		{"localhost", "localhost:8443", "akab-ct-S3CR3T", true},
		{"bracketed IPv6", "[::1]:8443", "akab-ct-S3CR3T", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeEdgerc(t, "[ccu]\nhost = "+tc.host+"\nclient_token = "+tc.token+"\n"+rest)
			_, err := LoadCredentials(Source{Edgerc: path, Section: "ccu", FileOnly: true})
			switch {
			case tc.ok && err != nil:
				t.Fatalf("err = %v, want the credentials", err)
			case !tc.ok && (err == nil || !errors.Is(err, ErrNoCredentials) || !strings.Contains(err.Error(), "was not swapped with client_token")):
				t.Fatalf("err = %v, want ErrNoCredentials saying the host may be a swapped token", err)
			case err != nil && strings.Contains(err.Error(), "S3CR3T"):
				t.Errorf("error shows a credential: %v", err)
			}
		})
	}
}
