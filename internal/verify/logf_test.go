package verify

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Settings.Logf (--verbose) gets a line for every GET, the edge's and
// the origin's, with the answer's status, and never a debug token.
func TestLogfEveryGet(t *testing.T) {
	t.Parallel()
	f := newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html": redirect("/b.html"),
		"www.example.com/b.html": body("new", "X-Cache", "TCP_MISS from a1"),
	})
	var mu sync.Mutex
	var lines []string
	s := f.settings()
	s.Origin = "https://origin.example.com"
	s.DebugKey = []byte("0123456789abcdef")
	s.Logf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	// The fake routes by Host, so the origin's GET, with the site's
	// Host, gets the site's redirect.
	runOne(t, f, Target{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}, s)
	got := strings.Join(lines, "\n")
	for _, want := range []string{"GET https://www.example.com/a.html (to 127.0.0.1): 302", `GET https://www.example.com/b.html (to 127.0.0.1): 200, X-Cache "TCP_MISS from a1"`, "GET https://origin.example.com/a.html (Host www.example.com) (to 127.0.0.1): 302"} {
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "hmac") || strings.Contains(got, "Akamai-Debug") {
		t.Errorf("log shows the debug token:\n%s", got)
	}
}
