package verify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

const site = "https://www.example.com"

func runOne(t *testing.T, f *fake, tg Target, s Settings) Result {
	t.Helper()
	rs, err := Run(context.Background(), []Target{tg}, s, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return rs[0]
}

func checkNames(r Result) string {
	var names []string
	for _, c := range r.Checks {
		names = append(names, c.Name+"="+string(c.Result))
	}
	return strings.Join(names, " ")
}

func TestConnectToKeepsSNIAndHost(t *testing.T) {
	t.Parallel()
	var f *fake
	f = newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html": func(w http.ResponseWriter, r *http.Request) {
			if r.TLS == nil || r.TLS.ServerName != "www.example.com" || r.Host != "www.example.com" {
				f.t.Errorf("SNI %q, Host %q; want both www.example.com", r.TLS.ServerName, r.Host)
			}
			_, _ = w.Write([]byte("new"))
		},
	})
	r := runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, f.settings())
	if r.Result != Fresh || f.count("www.example.com/a.html") != 1 {
		t.Fatalf("result %s after %d asks; want fresh after 1: %+v", r.Result, f.count("www.example.com/a.html"), r)
	}
}

func TestConcurrencyPerDialledHost(t *testing.T) {
	t.Parallel()
	slow := func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(5 * time.Millisecond) // lets requests pile up, not a timing assertion
		_, _ = w.Write([]byte("x"))
	}
	routes := map[string]http.HandlerFunc{}
	var ts []Target
	for i := range 30 {
		host := []string{"www", "other"}[i%2] + ".example.com" // two site hosts, one edge
		p := fmt.Sprintf("/img/%d.png", i)
		routes[host+p] = slow
		ts = append(ts, Target{URL: "https://" + host + p, Want: []byte("x"), WantKnown: true})
	}
	f := newFake(t, routes)
	s := f.settings()
	s.Concurrency = 3
	rs, err := Run(context.Background(), ts, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Result != Fresh {
			t.Errorf("%s: %s (%s)", r.URL, r.Result, r.Diagnosis)
		}
	}
	if m := f.maxInFlight.Load(); m > 3 {
		t.Errorf("%d requests in flight at the edge; the limit is 3", m)
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{
		"www.example.com/old.html":     redirect("/new.html"),
		"www.example.com/new.html":     redirect("https://other.example.com/final.html"),
		"other.example.com/final.html": body("new"),
		"www.example.com/away.html":    redirect("https://evil.example.net/x?token=1"),
		"www.example.com/loop.html":    redirect("/loop.html"),
		"www.example.com/down.html":    redirect("http://www.example.com/a.html"),
		"www.example.com/ftp.html":     redirect("ftp://www.example.com/a.html"),
	})
	s := f.settings()
	s.Hosts = []string{"www.example.com", "Other.example.com"}
	for _, c := range []struct {
		path     string
		want     Verdict
		redirect string
		attempts int
	}{
		{"/old.html", Fresh, "", 3},
		{"/away.html", Unknown, "https://evil.example.net/x?token=1", 1},
		{"/loop.html", Unknown, site + "/loop.html", maxRedirects + 1},
		{"/down.html", Unknown, "http://www.example.com/a.html", 1}, // https to http: not the page the URL serves
		{"/ftp.html", Unknown, "ftp://www.example.com/a.html", 1},
	} {
		r := runOne(t, f, Target{URL: site + c.path, Want: []byte("new"), WantKnown: true}, s)
		if r.Result != c.want || r.Evidence.Redirect != c.redirect || r.Attempts != c.attempts {
			t.Errorf("%s: %s, redirect %q, %d GETs; want %s, %q, %d (%s)", c.path, r.Result, r.Evidence.Redirect, r.Attempts, c.want, c.redirect, c.attempts, r.Diagnosis)
		}
	}
}

func TestRedirectOffTheTargetsHostsByDefault(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{"www.example.com/a.html": redirect("https://other.example.com/a.html")})
	r := runOne(t, f, Target{URL: site + "/a.html"}, f.settings())
	if r.Result != Unknown || !strings.Contains(r.Diagnosis, "off the site") {
		t.Fatalf("a redirect to a host no target has: %s %q; want unknown, off the site", r.Result, r.Diagnosis)
	}
}

func TestPoliteHeadersAndNoCookies(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html": func(w http.ResponseWriter, r *http.Request) {
			http.SetCookie(w, &http.Cookie{Name: "session", Value: "s3cr3t", Path: "/"})
			http.Redirect(w, r, "/b.html", http.StatusFound)
		},
		"www.example.com/b.html": body("old"), // stale, so it is asked again
	})
	s := f.settings()
	s.Timeout = 300 * time.Millisecond
	r := runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, s)
	if r.Attempts < 4 {
		t.Fatalf("%d GETs; want the redirect asked at least twice", r.Attempts)
	}
	for _, h := range f.headers() {
		if h.Get("Cookie") != "" || h.Get("Authorization") != "" || h.Get("User-Agent") != DefaultUserAgent {
			t.Errorf("request headers %v; want no Cookie or Authorization and User-Agent %s", h, DefaultUserAgent)
		}
	}
}

func TestDebugHeaders(t *testing.T) {
	t.Parallel()
	key := []byte("k")
	for _, c := range []struct {
		name      string
		mode      DebugMode
		key       []byte
		pragma    bool
		token     bool
		noHeaders bool // the cache check says no debug headers came back
	}{
		{"auto without a key", DebugAuto, nil, true, false, false},
		{"auto with a key", DebugAuto, key, false, true, true},
		{"pragma", DebugPragma, key, true, false, false},
		{"enhanced", DebugEnhanced, key, false, true, true},
		{"off", DebugOff, key, false, false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, map[string]http.HandlerFunc{"www.example.com/a.html": body("new")})
			s := f.settings()
			s.Debug, s.DebugKey = c.mode, c.key
			r := runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, s)
			h := f.headers()[0]
			pragma := h.Get("Pragma") == "akamai-x-cache-on, akamai-x-get-cache-key, akamai-x-get-request-id"
			dbg := h.Get("Akamai-Debug")
			token := strings.HasPrefix(dbg, "exp=") && strings.HasSuffix(dbg, " cache")
			if pragma != c.pragma || token != c.token {
				t.Errorf("Pragma %q, Akamai-Debug %q; want pragma %v, token %v", h.Get("Pragma"), dbg, c.pragma, c.token)
			}
			if got := strings.Contains(fmt.Sprint(r), "no debug headers"); got != c.noHeaders {
				t.Errorf("result %+v; want 'no debug headers' %v", r, c.noHeaders)
			}
			if token && strings.Contains(fmt.Sprintf("%+v", r), strings.TrimSuffix(dbg, " cache")) {
				t.Error("the result holds the debug token")
			}
		})
	}
}

func TestRunRefusesBadSettings(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		s    Settings
		want string
	}{
		{"regex", Settings{Normalize: []Normalizer{{Strip: []string{"("}}}}, "RE2"},
		{"glob", Settings{Normalize: []Normalizer{{Glob: "[", Strip: []string{"x"}}}}, "glob"},
		{"port", Settings{ConnectTo: []ConnectTo{{Host: "h", Edge: "e", Port: "x"}}}, "port"},
		{"enhanced without key", Settings{Debug: DebugEnhanced}, "Enhanced Debug key"},
		{"origin", Settings{Origin: "origin.example.com"}, "verify.origin"},
		{"debug mode", Settings{Debug: "loud"}, "auto, pragma"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Run(context.Background(), []Target{{URL: site + "/"}}, c.s, func(Result) { t.Error("a URL was checked") })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Run = %v; want an error about %s", err, c.want)
			}
		})
	}
}

func TestRetriesUntilFresh(t *testing.T) {
	t.Parallel()
	var asks atomic.Int32
	f := newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html": func(w http.ResponseWriter, _ *http.Request) {
			if asks.Add(1) <= 2 {
				_, _ = w.Write([]byte("old"))
				return
			}
			_, _ = w.Write([]byte("new"))
		},
	})
	r := runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, f.settings())
	if r.Result != Fresh || r.Attempts != 3 || r.Diagnosis != "" || r.Seconds <= 0 {
		t.Fatalf("%s after %d attempts in %vs (%q); want fresh after 3", r.Result, r.Attempts, r.Seconds, r.Diagnosis)
	}
}

func TestBudgetEndsStale(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{"www.example.com/a.html": body("old")})
	s := f.settings()
	s.Timeout = 300 * time.Millisecond
	r := runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, s)
	if r.Result != Stale || r.Attempts < 2 || !strings.Contains(r.Diagnosis, "as if the purge never reached it") || !strings.Contains(r.Hint, "purge --url "+site+"/a.html") {
		t.Fatalf("%s after %d attempts: %q / %q; want stale, retried, with the generic diagnosis", r.Result, r.Attempts, r.Diagnosis, r.Hint)
	}
}

func TestInterrupted(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rs, err := Run(ctx, []Target{{URL: site + "/a.html"}, {URL: site + "/b.html"}}, f.settings(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Result != Unknown || !strings.Contains(r.Diagnosis, "interrupted") {
			t.Errorf("%s: %s %q; want unknown, interrupted", r.URL, r.Result, r.Diagnosis)
		}
	}
}

func TestOnResultOnceEachNeverTogether(t *testing.T) {
	t.Parallel()
	routes := map[string]http.HandlerFunc{}
	var ts []Target
	for i := range 20 {
		p := fmt.Sprintf("/%d.css", i)
		routes["www.example.com"+p] = body("x")
		ts = append(ts, Target{URL: site + p, Want: []byte("x"), WantKnown: true, Batch: i})
	}
	f := newFake(t, routes)
	var busy atomic.Bool
	seen := map[string]int{}
	rs, err := Run(context.Background(), ts, f.settings(), func(r Result) {
		if !busy.CompareAndSwap(false, true) {
			t.Error("onResult called while another call runs")
		}
		seen[r.URL]++
		time.Sleep(time.Millisecond) // widens the window an overlap would need
		busy.Store(false)
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rs {
		if r.URL != ts[i].URL || r.Batch != i || seen[r.URL] != 1 {
			t.Errorf("result %d is %s (batch %d), reported %d times; want %s once", i, r.URL, r.Batch, seen[r.URL], ts[i].URL)
		}
	}
}
