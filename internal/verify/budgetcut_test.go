package verify

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestOriginCutByBudgetKeepsVerdict: when the budget ends while the
// origin is being asked again, the verdict of the ask before stands; a
// cut ask says nothing about the edge.
func TestOriginCutByBudgetKeepsVerdict(t *testing.T) {
	t.Parallel()
	var asks atomic.Int32
	slowAfterFirst := func(w http.ResponseWriter, r *http.Request) {
		if asks.Add(1) > 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(2 * time.Second):
			}
			return
		}
		body("new", "ETag", `"v3"`)(w, r)
	}
	f := newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html":        body("old", "ETag", `"v2"`),
		"www.example.com/origin/a.html": slowAfterFirst,
	})
	s := f.settings()
	s.Origin, s.Timeout, s.Backoff = "https://origin.example.com/origin", 300*time.Millisecond, 10*time.Millisecond
	rs, err := Run(context.Background(), []Target{{URL: site + "/a.html"}}, s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := rs[0]; r.Result != Stale || !strings.Contains(checkNames(r), "origin=stale") {
		t.Errorf("%s %q %q; want stale by the origin (the cut ask dropped)", r.Result, checkNames(r), r.Diagnosis)
	}
}
