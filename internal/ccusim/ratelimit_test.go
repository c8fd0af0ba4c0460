package ccusim_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// rateHeaders are the X-Ratelimit-* headers in a fixed order for comparison.
var rateHeaders = []string{
	"X-Ratelimit-Limit", "X-Ratelimit-Limit-Per-Second", "X-Ratelimit-Remaining", "X-Ratelimit-Seconds-To-Refresh-Limit",
	"X-Ratelimit-Limit-Objects", "X-Ratelimit-Limit-Per-Second-Objects", "X-Ratelimit-Remaining-Objects",
	"X-Ratelimit-Seconds-To-Refresh-Limit-Objects",
}

func headerMap(h http.Header, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		if v := h.Get(n); v != "" {
			out[n] = v
		}
	}
	return out
}

// manyURLs renders n distinct URLs.
func manyURLs(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = fmt.Sprintf("https://e.com/%d", i)
	}
	return urls(items...)
}

func TestRealBucketHeaders(t *testing.T) {
	clock := newClock() // never advanced: no refill, so the headers are exact
	s := start(t, ccusim.Options{Now: clock.Now})
	tests := []struct {
		name string
		call call
		want []string // values of rateHeaders
	}{
		{"url, 2 objects", post("/ccu/v3/invalidate/url", urls("https://e.com/a", "https://e.com/b")),
			[]string{"100", "50.00", "99", "0.020000", "10000", "200.00", "9998", "0.010000"}},
		{"cpcode, 1 object", post("/ccu/v3/invalidate/cpcode", objects("1")),
			[]string{"100", "50.00", "98", "0.040000", "300", "0.50", "299", "2.000000"}},
		{"tag, 5 objects", post("/ccu/v3/delete/tag", urls("a", "b", "c", "d", "e")),
			[]string{"100", "50.00", "97", "0.060000", "5000", "8.33", "4995", "0.600000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.call)
			if r.status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			got := make([]string, len(rateHeaders))
			for i, h := range rateHeaders {
				got[i] = r.header.Get(h)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("X-Ratelimit-* in order %q (-want +got):\n%s", rateHeaders, diff)
			}
		})
	}
}

// rateStep is one request against small buckets on a fake clock.
type rateStep struct {
	name    string
	advance time.Duration
	call    call
	status  int
	body    map[string]any    // 429 fields; nil for 201
	headers map[string]string // a subset of X-Ratelimit-*
}

func TestRateLimitBuckets(t *testing.T) {
	clock := newClock()
	small := ccusim.Buckets{
		Requests: ccusim.Bucket{Burst: 3, PerSecond: 1},
		URL:      ccusim.Bucket{Burst: 5, PerSecond: 1},
		CPCode:   ccusim.Bucket{Burst: 2, PerSecond: 1},
		Tag:      ccusim.Bucket{Burst: 4, PerSecond: 1},
	}
	s := start(t, ccusim.Options{Now: clock.Now, Buckets: &small})
	url := func(n int) call { return post("/ccu/v3/invalidate/url", manyURLs(n)) }
	tag := post("/ccu/v3/invalidate/tag", urls("t"))
	deny := func(title string, limit, size, remaining float64) map[string]any {
		return map[string]any{"httpStatus": 429.0, "title": title, "detail": "", "rateLimit": limit,
			"rateLimitCurrentRequestSize": size, "rateLimitRemaining": remaining,
			"describedBy": "https://techdocs.akamai.com/purge-cache/reference/api-errors"}
	}
	hdr := func(req, obj string) map[string]string {
		return map[string]string{"X-Ratelimit-Remaining": req, "X-Ratelimit-Remaining-Objects": obj}
	}
	steps := []rateStep{
		{"3 of 5 URLs", 0, url(3), 201, nil, hdr("2", "2")},
		{"3 more URLs are short: denied", 0, url(3), 429, deny("URL Rate Limit exceeded", 5, 3, 2), hdr("2", "2")},
		{"the denial consumed nothing: 2 URLs fit", 0, url(2), 201, nil, hdr("1", "0")},
		{"CP codes have their own bucket", 0, post("/ccu/v3/invalidate/cpcode", objects("1")), 201, nil, hdr("0", "1")},
		{"request bucket empty", 0, tag, 429, deny("Rate Limit exceeded", 3, 1, 0), hdr("0", "4")},
		{"half a token is not enough", 500 * time.Millisecond, tag, 429, deny("Rate Limit exceeded", 3, 1, 0), hdr("0", "4")},
		{"halves add up to a token", 500 * time.Millisecond, tag, 201, nil, hdr("0", "3")},
		{"refill stops at burst", time.Hour, url(5), 201, nil, hdr("2", "0")},
		{"URL bucket empty again", 0, url(1), 429, deny("URL Rate Limit exceeded", 5, 1, 0), hdr("2", "0")},
	}
	created := 0
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			r := s.do(t, st.call)
			if r.status != st.status {
				t.Fatalf("status %d, want %d: %s", r.status, st.status, r.raw)
			}
			if st.body != nil {
				checkProblemForm(t, r, 429)
				got := pick(r.body, "httpStatus", "title", "detail", "rateLimit", "rateLimitCurrentRequestSize",
					"rateLimitRemaining", "describedBy")
				if diff := cmp.Diff(st.body, got); diff != "" {
					t.Errorf("429 body (-want +got):\n%s", diff)
				}
			} else {
				created++
			}
			if diff := cmp.Diff(st.headers, headerMap(r.header, "X-Ratelimit-Remaining", "X-Ratelimit-Remaining-Objects")); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(s.Purges()); got != created {
		t.Errorf("Purges() has %d entries, want the %d accepted", got, created)
	}
}

func TestRateLimitStatus(t *testing.T) {
	clock := newClock()
	s := start(t, ccusim.Options{Now: clock.Now})
	if r := s.do(t, post("/ccu/v3/invalidate/url", urls("https://e.com/a", "https://e.com/b"))); r.status != 201 {
		t.Fatalf("purge: status %d: %s", r.status, r.raw)
	}
	tests := []struct {
		name, purgeType string
		want            map[string]string
	}{
		{"url shows the purge", "url", map[string]string{"X-Ratelimit-Remaining": "99", "X-Ratelimit-Remaining-Objects": "9998",
			"X-Ratelimit-Limit-Objects": "10000"}},
		{"asking again consumed nothing", "url", map[string]string{"X-Ratelimit-Remaining": "99", "X-Ratelimit-Remaining-Objects": "9998",
			"X-Ratelimit-Limit-Objects": "10000"}},
		{"cpcode", "cpcode", map[string]string{"X-Ratelimit-Remaining": "99", "X-Ratelimit-Remaining-Objects": "300",
			"X-Ratelimit-Limit-Objects": "300"}},
		{"tag", "tag", map[string]string{"X-Ratelimit-Remaining": "99", "X-Ratelimit-Remaining-Objects": "5000",
			"X-Ratelimit-Limit-Objects": "5000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, post("/ccu/v3/rate-limit-status/"+tc.purgeType, ""))
			if r.status != http.StatusCreated {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			if diff := cmp.Diff(tc.want, headerMap(r.header, "X-Ratelimit-Remaining", "X-Ratelimit-Remaining-Objects",
				"X-Ratelimit-Limit-Objects")); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
			id, _ := r.body["supportId"].(string)
			if r.body["httpStatus"] != 201.0 || r.body["detail"] == "" || id == "" {
				t.Errorf("body lacks httpStatus 201, detail or supportId: %s", r.raw)
			}
		})
	}
	if r := s.do(t, post("/ccu/v3/rate-limit-status/arl", "")); r.status != http.StatusNotFound {
		t.Errorf("unknown purge type: status %d, want 404", r.status)
	}
	if len(s.Purges()) != 1 || len(s.Served()) != 1 {
		t.Errorf("status calls were recorded: %d purges, %d served", len(s.Purges()), len(s.Served()))
	}
}

func TestUnlimitedBuckets(t *testing.T) {
	u := ccusim.Unlimited()
	s := start(t, ccusim.Options{Buckets: &u})
	for i := range 3 {
		r := s.do(t, post("/ccu/v3/invalidate/cpcode", objects(strings.Repeat("1,", 400)+"1")))
		if r.status != http.StatusCreated {
			t.Fatalf("request %d: status %d: %s", i, r.status, r.raw)
		}
	}
	if got := s.do(t, post("/ccu/v3/rate-limit-status/cpcode", "")).header.Get("X-Ratelimit-Limit-Objects"); got != "1000000000" {
		t.Errorf("X-Ratelimit-Limit-Objects = %q, want a plain integer", got)
	}
}

func TestStartRejectsBadBuckets(t *testing.T) {
	ok := ccusim.Bucket{Burst: 1, PerSecond: 1}
	tests := map[string]ccusim.Bucket{
		"zero burst":    {Burst: 0, PerSecond: 1},
		"no refill":     {Burst: 10, PerSecond: 0},
		"negative rate": {Burst: 10, PerSecond: -1},
	}
	for name, bad := range tests {
		t.Run(name, func(t *testing.T) {
			b := ccusim.Buckets{Requests: ok, URL: ok, CPCode: bad, Tag: ok}
			s, err := ccusim.Start(ccusim.Options{Buckets: &b})
			if err == nil {
				s.Close()
				t.Fatal("Start accepted the buckets")
			}
			if !strings.Contains(err.Error(), "CPCode") {
				t.Errorf("error %q does not name the bucket", err)
			}
		})
	}
}
