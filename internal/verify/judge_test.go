package verify

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestJudgements(t *testing.T) {
	t.Parallel()
	now := time.Unix(1_800_000_000, 0)
	const lm = "Mon, 01 Jan 2024 00:00:00 GMT"
	type routes = map[string]http.HandlerFunc
	for _, c := range []struct {
		name    string
		edge    http.HandlerFunc
		origin  http.HandlerFunc // nil = no origin
		target  Target
		tweak   func(*Settings)
		want    Verdict
		checks  string
		diag    string // a fragment; "" = none
		detail  string // a fragment of some check's detail
		retried bool
	}{
		{name: "deleted, 404", edge: status(404), target: Target{Deleted: true}, want: Fresh, checks: "status=fresh"},
		{name: "deleted, 410", edge: status(410), target: Target{Deleted: true}, want: Fresh, checks: "status=fresh"},
		{name: "deleted, still served", edge: body("old"), target: Target{Deleted: true}, want: Stale, checks: "status=stale",
			diag: "as if the purge never reached it", detail: "still serves a deleted file", retried: true},
		{name: "404, the origin has it", edge: status(404), origin: body("new"), want: Stale, checks: "status=stale", diag: "it may have cached the 404"},
		{name: "404 everywhere", edge: status(404), origin: status(404), want: Unknown, checks: "status=unknown", diag: "the edge answers 404 and the origin 404"},
		{name: "404, no origin", edge: status(404), want: Unknown, checks: "status=unknown", diag: "the edge answers 404"},
		{name: "5xx is retried", edge: status(503), want: Unknown, checks: "status=unknown", diag: "answered 503", retried: true},
		{name: "403 is not", edge: status(403), want: Unknown, checks: "status=unknown", diag: "answered 403"},
		{name: "content equal", edge: body("new"), target: want("new"), want: Fresh, checks: "content=fresh"},
		{name: "content differs", edge: body("nex"), target: want("new"), want: Stale, checks: "content=stale", detail: "at byte 2", retried: true},
		{name: "normalised", edge: body("new<script>rum()</script>"), target: want("new"),
			tweak: func(s *Settings) {
				s.Normalize = []Normalizer{{Glob: "/**/*.html", Strip: []string{`<script>rum\(\)</script>`}}}
			},
			want: Fresh, checks: "content=fresh"},
		{name: "normaliser for other paths", edge: body("new<script>rum()</script>"), target: want("new"),
			tweak: func(s *Settings) {
				s.Normalize = []Normalizer{{Glob: "/**/*.css", Strip: []string{`<script>.*</script>`}}}
			},
			want: Stale, checks: "content=stale"},
		{name: "origin equal", edge: body("new"), origin: body("new"), want: Fresh, checks: "origin=fresh"},
		{name: "origin differs", edge: body("old"), origin: body("new"), want: Stale, checks: "origin=stale", diag: "never reached it"},
		{name: "the origin lags", edge: body("old"), origin: body("old"), target: want("new"), want: Stale, checks: "content=stale origin=fresh",
			diag: "the origin is not updated yet: it serves the same old file as the edge"},
		{name: "invalidate trap by X-Cache", edge: body("old", "X-Cache", "TCP_REFRESH_HIT from a1.deploy.akamaitechnologies.com"),
			target: Target{Action: purge.Invalidate, Want: []byte("new"), WantKnown: true}, want: Stale, checks: "content=stale cache=unknown",
			diag: "revalidated its copy with If-Modified-Since"},
		{name: "invalidate trap by Last-Modified", edge: body("old", "Last-Modified", lm), origin: body("new", "Last-Modified", lm),
			target: Target{Action: purge.Invalidate, Want: []byte("new"), WantKnown: true}, want: Stale, checks: "content=stale origin=stale",
			diag: "Last-Modified did not change"},
		{name: "no trap after a delete", edge: body("old", "Last-Modified", lm), origin: body("new", "Last-Modified", lm),
			target: Target{Action: purge.Delete, Want: []byte("new"), WantKnown: true}, want: Stale, checks: "content=stale origin=stale", diag: "never reached it"},
		{name: "hit cached before the purge", edge: body("x", "X-Cache", "TCP_HIT from a1", "Age", "100"), want: Stale, checks: "cache=stale",
			detail: "cached 100 s ago, before the purge"},
		{name: "hit cached after the purge", edge: body("x", "X-Cache", "TCP_MEM_HIT from a1", "Age", "20"), want: Fresh, checks: "cache=fresh"},
		{name: "Age alone", edge: body("x", "Age", "31"), want: Stale, checks: "cache=stale"},
		{name: "miss", edge: body("x", "X-Cache", "TCP_MISS from a1", "Age", "900"), want: Fresh, checks: "cache=fresh"},
		{name: "refresh miss", edge: body("x", "X-Cache", "TCP_REFRESH_MISS from a1"), want: Fresh, checks: "cache=fresh"},
		{name: "Akamai-Cache-Status hit", edge: body("x", "Akamai-Cache-Status", "Hit from child", "Age", "45"), want: Stale, checks: "cache=stale"},
		{name: "a hit without Age", edge: body("x", "X-Cache", "TCP_HIT from a1"), want: Unknown, checks: "cache=unknown", diag: "nothing could tell"},
		{name: "nothing to judge by", edge: body("x"), want: Unknown, checks: "", diag: "nothing could tell"},
		{name: "cache is evidence when content decides", edge: body("new", "X-Cache", "TCP_HIT from a1", "Age", "100"), target: want("new"),
			want: Fresh, checks: "content=fresh cache=stale"},
		{name: "another CP code, stale", edge: body("old", "X-Cache-Key", "S/L/1234/999/1d/www.example.com/a.html"),
			target: Target{CPCodes: []int64{424242}, Want: []byte("new"), WantKnown: true}, want: Stale, checks: "content=stale cache=unknown",
			diag: "a CP-code purge of 424242 does not cover it", detail: "answered from CP code 999, the config names 424242"},
		{name: "another CP code, fresh", edge: body("new", "X-Cache-Key", "S/L/1234/999/1d/www.example.com/a.html"),
			target: Target{CPCodes: []int64{424242}, Want: []byte("new"), WantKnown: true}, want: Fresh, checks: "content=fresh cache=unknown",
			detail: "answered from CP code 999"},
		{name: "a token answered", edge: body("x", "X-Cache", "TCP_MISS from a1"), tweak: func(s *Settings) { s.DebugKey = []byte("k") },
			want: Fresh, checks: "cache=fresh"},
		{name: "a token ignored", edge: body("new"), target: want("new"), tweak: func(s *Settings) { s.DebugKey = []byte("k") },
			want: Fresh, checks: "content=fresh cache=unknown", detail: "the edge returned no debug headers"},
		{name: "the named CP code", edge: body("new", "X-Cache-Key", "S/L/1234/424242/1d/www.example.com/a.html"),
			target: Target{CPCodes: []int64{424242}, Want: []byte("new"), WantKnown: true}, want: Fresh, checks: "content=fresh"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rs := routes{"www.example.com/a.html": c.edge}
			if c.origin != nil {
				// The origin shares the fake's port; its base URL's path
				// keeps its route apart, and its Host is the site's.
				rs["www.example.com/origin/a.html"] = func(w http.ResponseWriter, r *http.Request) {
					if r.TLS.ServerName != "origin.example.com" {
						t.Errorf("the origin was dialled with SNI %q; want origin.example.com", r.TLS.ServerName)
					}
					c.origin(w, r)
				}
			}
			f := newFake(t, rs)
			s := f.settings()
			s.Now, s.PurgedAt, s.Timeout = func() time.Time { return now }, now.Add(-30*time.Second), 300*time.Millisecond
			if c.origin != nil {
				s.Origin = "https://origin.example.com/origin"
			}
			if c.tweak != nil {
				c.tweak(&s)
			}
			tg := c.target
			tg.URL = site + "/a.html"
			r := runOne(t, f, tg, s)
			if r.Result != c.want || checkNames(r) != c.checks {
				t.Errorf("%s with checks %q; want %s with %q\n%+v", r.Result, checkNames(r), c.want, c.checks, r)
			}
			if c.diag == "" && c.want == Stale {
				c.diag = "as if the purge never reached it" // the generic diagnosis
			}
			if (c.diag == "") != (r.Diagnosis == "") || !strings.Contains(r.Diagnosis, c.diag) {
				t.Errorf("diagnosis %q; want one with %q", r.Diagnosis, c.diag)
			}
			if r.Diagnosis != "" && r.Hint == "" {
				t.Errorf("diagnosis %q has no hint", r.Diagnosis)
			}
			if c.detail != "" && !strings.Contains(checkDetails(r), c.detail) {
				t.Errorf("check details %q; want %q", checkDetails(r), c.detail)
			}
			if retried := r.Attempts > 1; retried != (c.retried || c.want == Stale) {
				t.Errorf("%d attempts; want retried %v", r.Attempts, c.retried)
			}
		})
	}
}

func want(s string) Target { return Target{Want: []byte(s), WantKnown: true} }

func checkDetails(r Result) string {
	var ds []string
	for _, c := range r.Checks {
		ds = append(ds, c.Detail)
	}
	return strings.Join(ds, " | ")
}

func TestBodyTooLarge(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("x", 64)
	for _, c := range []struct {
		name   string
		origin http.HandlerFunc // nil = no origin
		want   Verdict
		checks string
		diag   string
	}{
		{"no origin", nil, Unknown, "status=unknown", "body larger than 64 MiB"},
		{"the origin's validators agree", body(big, "ETag", `"v2"`, "Content-Length", "64"), Fresh, "origin=fresh", ""},
		{"the origin's validators differ", body(big, "ETag", `"v3"`, "Content-Length", "64"), Stale, "origin=stale", "never reached it"},
		{"the origin has no validators", body(big), Unknown, "origin=unknown", "nothing could tell"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rs := map[string]http.HandlerFunc{"www.example.com/a.bin": body(big, "ETag", `"v2"`, "Content-Length", "64")}
			s := Settings{}
			if c.origin != nil {
				rs["www.example.com/origin/a.bin"] = c.origin
				s.Origin = "https://origin.example.com/origin"
			}
			f := newFake(t, rs)
			fs := f.settings()
			fs.Origin, fs.Timeout = s.Origin, 200*time.Millisecond
			tg := Target{URL: site + "/a.bin", Want: []byte(big), WantKnown: true}
			v, err := newVerifier(fs, []Target{tg})
			if err != nil {
				t.Fatal(err)
			}
			v.f.maxBody = 10 // so that 64 bytes stand for more than 64 MiB
			budget, cancel := context.WithTimeout(context.Background(), fs.Timeout)
			defer cancel()
			r := v.check(context.Background(), budget, tg)
			if r.Result != c.want || checkNames(r) != c.checks || !strings.Contains(r.Diagnosis, c.diag) {
				t.Errorf("%s %q %q; want %s %q %q", r.Result, checkNames(r), r.Diagnosis, c.want, c.checks, c.diag)
			}
		})
	}
}
