package ccusim_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

func TestV3Accepts(t *testing.T) {
	clock := newClock()
	s := start(t, ccusim.Options{Now: clock.Now})
	tests := []struct {
		name      string
		call      call
		accountSK string
		want      ccusim.Purge
		idPrefix  string
	}{
		{"url without network is production", post("/ccu/v3/invalidate/url", urls("https://www.example.com/a.html")),
			"", ccusim.Purge{Action: "invalidate", Type: "url", Network: "production", Objects: []string{"https://www.example.com/a.html"}}, "edup-"},
		{"url staging mixed with ARL", post("/ccu/v3/delete/url/staging", urls("http://e.com/x?y=1", "/L/512/6848/1h/www.example1.com/")),
			"", ccusim.Purge{Action: "delete", Type: "url", Network: "staging", Objects: []string{"http://e.com/x?y=1", "/L/512/6848/1h/www.example1.com/"}}, "edup-"},
		{"url production explicit", post("/ccu/v3/invalidate/url/production", urls("https://e.com/%C3%B3")),
			"", ccusim.Purge{Action: "invalidate", Type: "url", Network: "production", Objects: []string{"https://e.com/%C3%B3"}}, "edup-"},
		{"url hostname form", post("/ccu/v3/invalidate/url/staging", `{"hostname":"origin.qux.com","objects":["/a","/b/c"]}`),
			"", ccusim.Purge{Action: "invalidate", Type: "url", Network: "staging", Hostname: "origin.qux.com", Objects: []string{"/a", "/b/c"}}, "edup-"},
		{"cpcode numbers and strings", post("/ccu/v3/delete/cpcode/staging", objects("12345", `"98765"`)),
			"", ccusim.Purge{Action: "delete", Type: "cpcode", Network: "staging", Objects: []string{"12345", "98765"}}, "edcp-"},
		{"tag production", post("/ccu/v3/invalidate/tag/production", urls("black-friday", "laptops")),
			"", ccusim.Purge{Action: "invalidate", Type: "tag", Network: "production", Objects: []string{"black-friday", "laptops"}}, "edtp-"},
		{"charset parameter and accountSwitchKey", call{method: "POST", path: "/ccu/v3/invalidate/tag",
			contentType: "application/json; charset=utf-8", body: urls("t")},
			"1-ABCDE", ccusim.Purge{Action: "invalidate", Type: "tag", Network: "production", Objects: []string{"t"}}, "edtp-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.cfg.AccountKey = tc.accountSK
			defer func() { s.cfg.AccountKey = "" }()
			r := s.do(t, tc.call)
			if r.status != http.StatusCreated {
				t.Fatalf("status %d, want 201: %s", r.status, r.raw)
			}
			want := map[string]any{"httpStatus": 201.0, "estimatedSeconds": 5.0, "detail": "Request accepted"}
			if diff := cmp.Diff(want, pick(r.body, "httpStatus", "estimatedSeconds", "detail")); diff != "" {
				t.Errorf("body (-want +got):\n%s", diff)
			}
			id, _ := r.body["purgeId"].(string)
			if !regexp.MustCompile("^"+tc.idPrefix+"[0-9A-Za-z]{22}$").MatchString(id) || r.body["supportId"] != id {
				t.Errorf("purgeId %q / supportId %v, want %s… and equal", id, r.body["supportId"], tc.idPrefix)
			}
			if r.header.Get("X-Ratelimit-Limit") == "" || r.header.Get("X-Ratelimit-Remaining-Objects") == "" {
				t.Errorf("missing X-Ratelimit-* headers: %v", r.header)
			}
			tc.want.API, tc.want.PurgeID, tc.want.SupportID, tc.want.Submitted = "v3", id, id, clock.Now()
			got := s.Purges()
			if diff := cmp.Diff(tc.want, got[len(got)-1]); diff != "" {
				t.Errorf("recorded purge (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(s.Purges()); got != len(tests) {
		t.Errorf("Purges() has %d entries, want %d", got, len(tests))
	}
}

// problemKeys are the fields of a CCU problem; supportId is random and checked for presence.
var problemKeys = []string{"httpStatus", "title", "detail", "describedBy"}

func TestRejects(t *testing.T) {
	s := start(t, ccusim.Options{})
	big := urls(strings.Repeat("https://e.com/"+strings.Repeat("x", 120)+"?", 500))
	tests := []struct {
		name   string
		call   call
		status int
		title  string
		detail string // substring
	}{
		{"no content type", call{method: "POST", path: "/ccu/v3/invalidate/url", body: urls("https://e.com/")}, 415, "unsupported media type", "application/json"},
		{"text/plain", call{method: "POST", path: "/ccu/v3/invalidate/url", contentType: "text/plain", body: urls("https://e.com/")}, 415, "unsupported media type", "text/plain"},
		{"bad JSON", post("/ccu/v3/invalidate/url", `{"objects":[`), 400, "bad request", "Invalid JSON"},
		{"trailing data", post("/ccu/v3/invalidate/url", urls("https://e.com/")+"{}"), 400, "bad request", "after the top-level value"},
		{"unknown field", post("/ccu/v3/invalidate/url", `{"objects":["https://e.com/"],"network":"staging"}`), 400, "bad request", "unknown field"},
		{"missing objects", post("/ccu/v3/invalidate/url", `{}`), 400, "bad request", `"objects"`},
		{"empty objects", post("/ccu/v3/invalidate/tag", `{"objects":[]}`), 400, "bad request", `"objects"`},
		{"non-ASCII URL", post("/ccu/v3/invalidate/url", urls("https://akamai.com/solutions/devóps.jsp")), 400, "bad URL",
			"Invalid or malformed URL 'https://akamai.com/solutions/devóps.jsp': contains non-ASCII character 'ó' (LATIN SMALL LETTER O WITH ACUTE)"},
		{"relative URL", post("/ccu/v3/invalidate/url", urls("www.example.com/a")), 400, "bad URL", "'www.example.com/a'"},
		{"ftp URL", post("/ccu/v3/invalidate/url", urls("ftp://e.com/a")), 400, "bad URL", "ftp://e.com/a"},
		{"URL with space", post("/ccu/v3/invalidate/url", urls("https://e.com/a b")), 400, "bad URL", "whitespace"},
		{"URL object not a string", post("/ccu/v3/invalidate/url", objects("42")), 400, "bad request", "URL string"},
		{"hostname form needs paths", post("/ccu/v3/invalidate/url", `{"hostname":"e.com","objects":["https://e.com/a"]}`), 400, "bad URL", "https://e.com/a"},
		{"bad hostname", post("/ccu/v3/invalidate/url", `{"hostname":"https://e.com","objects":["/a"]}`), 400, "bad URL hostname", "hostname"},
		{"hostname with cpcode", post("/ccu/v3/invalidate/cpcode", `{"hostname":"e.com","objects":[1]}`), 400, "bad request", "only allowed for url"},
		{"negative cpcode", post("/ccu/v3/invalidate/cpcode", objects("-1")), 400, "bad cpcode", "-1"},
		{"fractional cpcode", post("/ccu/v3/invalidate/cpcode", objects("1.5")), 400, "bad cpcode", "1.5"},
		{"non-numeric cpcode", post("/ccu/v3/invalidate/cpcode", objects(`"abc"`)), 400, "bad cpcode", "abc"},
		{"empty tag", post("/ccu/v3/delete/tag", urls("")), 400, "bad tag", "empty"},
		{"body over 50000 bytes", post("/ccu/v3/invalidate/url", big), 413, "request entity too large", "50000"},
		{"unknown action", post("/ccu/v3/refresh/url", urls("https://e.com/")), 404, "not found", "/ccu/v3/refresh/url"},
		{"unknown network", post("/ccu/v3/invalidate/url/prod", urls("https://e.com/")), 404, "not found", "/ccu/v3/invalidate/url/prod"},
		{"unknown API", get("/ccu/v4/queues/default"), 404, "not found", "/ccu/v4"},
		{"unknown v2 queue", get("/ccu/v2/queues/urgent"), 404, "not found", "urgent"},
		{"GET on v3 purge", get("/ccu/v3/invalidate/url"), 405, "method not allowed", "POST"},
		{"DELETE on v2 purge status", call{method: "DELETE", path: "/ccu/v2/purges/x"}, 405, "method not allowed", "GET"},
		{"v2 bad domain", post("/ccu/v2/queues/default", `{"objects":["https://e.com/"],"domain":"prod"}`), 400, "bad request", `"prod"`},
		{"v2 bad type", post("/ccu/v2/queues/default", `{"objects":["https://e.com/"],"type":"url"}`), 400, "bad request", `valid values are ["arl" "cpcode"]`},
		{"v2 bad action", post("/ccu/v2/queues/default", `{"objects":["https://e.com/"],"action":"delete"}`), 400, "bad request", "action"},
		{"v2 misspelt field", post("/ccu/v2/queues/default", `{"objects":["https://e.com/"],"network":"staging"}`), 400, "bad request", "unknown field"},
		{"v2 type is a number", post("/ccu/v2/queues/default", `{"objects":["https://e.com/"],"type":1}`), 400, "bad request", "Invalid JSON"},
		{"v2 bad cpcode", post("/ccu/v2/queues/emergency", `{"objects":[0],"type":"cpcode"}`), 400, "bad cpcode", "0"},
		{"v2 too large", post("/ccu/v2/queues/default", big), 413, "request entity too large", "50000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.call)
			got := pick(r.body, problemKeys...)
			detail, _ := got["detail"].(string)
			if strings.Contains(detail, tc.detail) {
				got["detail"] = tc.detail
			}
			want := map[string]any{"httpStatus": float64(tc.status), "title": tc.title, "detail": tc.detail}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreMapEntries(func(k string, _ any) bool { return k == "describedBy" })); diff != "" {
				t.Errorf("problem (-want +got; detail is a substring match):\n%s", diff)
			}
			checkProblemForm(t, r, tc.status)
		})
	}
	if n := len(s.Purges()); n != 0 {
		t.Errorf("rejected requests recorded %d purges", n)
	}
}

// checkProblemForm asserts status, content type and the presence of supportId/describedBy.
func checkProblemForm(t *testing.T, r reply, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d", r.status, status)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/api-problem+json" {
		t.Errorf("Content-Type %q, want application/api-problem+json", ct)
	}
	for _, k := range []string{"supportId", "describedBy"} {
		if v, _ := r.body[k].(string); v == "" {
			t.Errorf("problem lacks %s: %s", k, r.raw)
		}
	}
}

func TestBodySizeBoundary(t *testing.T) {
	s := start(t, ccusim.Options{MaxBody: 100})
	base := urls("https://e.com/")
	tests := []struct {
		size   int
		status int
	}{{100, http.StatusCreated}, {101, http.StatusRequestEntityTooLarge}}
	for _, tc := range tests {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			body := base + strings.Repeat(" ", tc.size-len(base)) // JSON allows trailing whitespace
			if r := s.do(t, post("/ccu/v3/invalidate/url", body)); r.status != tc.status {
				t.Errorf("%d-byte body: status %d, want %d: %s", tc.size, r.status, tc.status, r.raw)
			}
		})
	}
}
