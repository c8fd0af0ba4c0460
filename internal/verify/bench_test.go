package verify

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// BenchmarkRun1000 verifies 1,000 URLs of one host against an edge that
// takes 50 ms per answer, every URL checked for content. At the default
// 8 requests in flight per host the floor is 1000 × 50 ms / 8 = 6.25 s;
// the concurrency-32 case shows what the engine does when the limit is
// raised (floor 1.56 s).
func BenchmarkRun1000(b *testing.B) {
	routes := map[string]http.HandlerFunc{}
	var ts []Target
	slow := func(w http.ResponseWriter, _ *http.Request) {
		time.Sleep(50 * time.Millisecond)
		_, _ = w.Write([]byte("<html>deployed</html>"))
	}
	for i := range 1000 {
		p := fmt.Sprintf("/p/%04d.html", i)
		routes["www.example.com"+p] = slow
		ts = append(ts, Target{URL: site + p, Batch: i/50 + 1, Want: []byte("<html>deployed</html>"), WantKnown: true})
	}
	f := newFake(b, routes)
	for _, c := range []struct {
		name        string
		concurrency int
	}{{"default", 0}, {"concurrency-32", 32}} {
		b.Run(c.name, func(b *testing.B) {
			s := f.settings()
			s.Backoff, s.Timeout, s.Concurrency = 0, 0, c.concurrency
			for b.Loop() {
				rs, err := Run(context.Background(), Pick(ts, Sample{All: true}, 1), s, nil)
				if err != nil {
					b.Fatal(err)
				}
				if sum := Summarize(rs, len(ts)); sum.Fresh != len(ts) {
					b.Fatalf("summary %+v; want all fresh", sum)
				}
			}
		})
	}
}
