package verify

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// An origin that does not serve the deployed file yet is named in words,
// not by a bare hash prefix: the same old file as the edge, or yet
// another body.
func TestOriginLagSaysWhatItServes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, edge, origin, diag string }{
		{"the edge's old file", "old", "old", "the origin is not updated yet: it serves the same old file as the edge, not the deployed file"},
		{"another body", "old", "older", "the origin is not updated yet: it serves a body (SHA-256 " + hexSHA([]byte("older"))[:12] + "…) that is neither the deployed file nor the edge's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFake(t, nil)
			f.routes = map[string]http.HandlerFunc{"www.example.com/a.css": func(w http.ResponseWriter, r *http.Request) {
				if r.TLS != nil && r.TLS.ServerName == "origin.example.com" {
					_, _ = w.Write([]byte(tc.origin))
					return
				}
				_, _ = w.Write([]byte(tc.edge))
			}}
			s := f.settings()
			s.Origin = "https://origin.example.com"
			s.Timeout = time.Second // stale stays stale: a short budget, with room for the first ask under -race
			r := runOne(t, f, Target{URL: site + "/a.css", Want: []byte("new"), WantKnown: true}, s)
			if r.Result != Stale || !strings.Contains(r.Diagnosis, tc.diag) {
				t.Errorf("%s: %q; want stale with %q", r.Result, r.Diagnosis, tc.diag)
			}
		})
	}
}
