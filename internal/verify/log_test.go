package verify

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// TestLogfTellsEachGet: --verbose logs every GET with where it went and
// the edge's answer, and never the Enhanced Debug token.
func TestLogfTellsEachGet(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{"www.example.com/a.html": body("new", "X-Cache", "TCP_MISS from a1", "Age", "0")})
	s := f.settings()
	s.DebugKey, s.Debug = []byte("0123456789abcdef"), DebugEnhanced
	var mu sync.Mutex
	var lines []string
	s.Logf = func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		lines = append(lines, fmt.Sprintf(format, args...))
	}
	if _, err := Run(context.Background(), []Target{{URL: site + "/a.html", Want: []byte("new"), WantKnown: true}}, s, nil); err != nil {
		t.Fatal(err)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "GET "+site+"/a.html (to 127.0.0.1): 200") || !strings.Contains(lines[0], "TCP_MISS") {
		t.Fatalf("logged %q; want one line with the URL, the edge dialled, the status and X-Cache", lines)
	}
	if strings.Contains(lines[0], "hmac=") || strings.Contains(lines[0], "exp=") {
		t.Errorf("the log shows the debug token: %q", lines[0])
	}
}
