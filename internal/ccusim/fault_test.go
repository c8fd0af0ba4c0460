package ccusim_test

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

func TestFail(t *testing.T) {
	s := start(t, ccusim.Options{})
	good := post("/ccu/v3/invalidate/url", urls("https://e.com/a"))
	goodV2 := post("/ccu/v2/queues/default", urls("https://e.com/a"))
	steps := []struct {
		name  string
		setup func()
		call  call
		want  map[string]any // nil = expect 201
	}{
		{"arm two 500s", func() { s.Fail(2, 500, "", "") }, good, map[string]any{"httpStatus": 500.0, "title": "internal error",
			"detail": "If problem persists over multiple requests, please contact Customer Care"}},
		{"invalid request does not consume", nil, post("/ccu/v3/invalidate/url", `{}`), map[string]any{"httpStatus": 400.0,
			"title": "bad request", "detail": `The "objects" array is required and must not be empty.`}},
		{"unauthenticated request does not consume", nil, withAfterSign(good, replaceBody(urls("https://e.com/b"))), nil},
		{"GET does not consume", nil, get("/ccu/v2/queues/default"), nil},
		{"second 500 on v2", nil, goodV2, map[string]any{"httpStatus": 500.0, "title": "internal error",
			"detail": "If problem persists over multiple requests, please contact Customer Care"}},
		{"then success", nil, good, nil},
		{"custom title and detail", func() { s.Fail(1, 503, "maintenance", "back soon") }, goodV2,
			map[string]any{"httpStatus": 503.0, "title": "maintenance", "detail": "back soon"}},
		{"429 on v3", func() { s.Fail(1, 429, "", "") }, good, map[string]any{"httpStatus": 429.0,
			"title": "Rate Limit exceeded", "detail": "Too many requests; retry later."}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.setup != nil {
				st.setup()
			}
			r := s.do(t, st.call)
			if st.want == nil {
				if r.status >= 500 {
					t.Errorf("status %d: an injected failure was consumed: %s", r.status, r.raw)
				}
				return
			}
			if diff := cmp.Diff(st.want, pick(r.body, "httpStatus", "title", "detail")); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			checkProblemForm(t, r, int(st.want["httpStatus"].(float64)))
		})
	}
	last := s.do(t, good)
	if last.status != http.StatusCreated || last.header.Get("X-Ratelimit-Limit") == "" {
		t.Errorf("after the injected failures: status %d: %s", last.status, last.raw)
	}
}

func TestFail429RateHeaders(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.Fail(1, 429, "", "")
	r := s.do(t, post("/ccu/v3/invalidate/cpcode", objects("1")))
	got := []string{r.header.Get("X-Ratelimit-Remaining"), r.header.Get("X-Ratelimit-Limit-Objects")}
	if diff := cmp.Diff([]string{"0", "300"}, got); diff != "" || r.status != 429 {
		t.Errorf("status %d, [Remaining, Limit-Objects] (-want +got):\n%s", r.status, diff)
	}
}

func TestRefuse(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.Refuse("https://e.com/secret", "666", "private")
	tests := []struct {
		name string
		call call
		want map[string]any // nil = expect 201
	}{
		{"v3 url", post("/ccu/v3/invalidate/url", urls("https://e.com/ok", "https://e.com/secret")),
			map[string]any{"title": "unauthorized arl", "detail": "https://e.com/secret",
				"describedBy": "https://techdocs.akamai.com/purge-cache/reference/api-errors"}},
		{"v3 cpcode as string", post("/ccu/v3/delete/cpcode", objects(`"666"`)),
			map[string]any{"title": "unauthorized cpcode", "detail": "666",
				"describedBy": "https://techdocs.akamai.com/purge-cache/reference/api-errors"}},
		{"v3 tag", post("/ccu/v3/delete/tag/staging", urls("private")),
			map[string]any{"title": "unauthorized tag", "detail": "private",
				"describedBy": "https://techdocs.akamai.com/purge-cache/reference/api-errors"}},
		{"v2 arl", post("/ccu/v2/queues/default", urls("https://e.com/secret")),
			map[string]any{"title": "unauthorized arl", "detail": "https://e.com/secret",
				"describedBy": "https://api.ccu.akamai.com/ccu/v2/errors/unauthorized-arl"}},
		{"v2 cpcode", post("/ccu/v2/queues/default", `{"objects":[666],"type":"cpcode"}`),
			map[string]any{"title": "unauthorized cpcode", "detail": "666",
				"describedBy": "https://api.ccu.akamai.com/ccu/v2/errors/unauthorized-cpcode"}},
		{"allowed objects", post("/ccu/v3/invalidate/url", urls("https://e.com/ok")), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := s.do(t, tc.call)
			if tc.want == nil {
				if r.status != http.StatusCreated {
					t.Errorf("status %d, want 201: %s", r.status, r.raw)
				}
				return
			}
			tc.want["httpStatus"] = 403.0
			if diff := cmp.Diff(tc.want, pick(r.body, problemKeys...)); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			checkProblemForm(t, r, 403)
		})
	}
	if got := len(s.Purges()); got != 1 {
		t.Errorf("Purges() has %d entries, want only the allowed one", got)
	}
}
