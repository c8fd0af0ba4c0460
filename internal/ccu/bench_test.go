package ccu

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// urlPlan batches n short URLs the way the CLI does.
func urlPlan(n int) []purge.Batch {
	var res mapper.Result
	for i := 0; i < n; i++ {
		res.Objects = append(res.Objects, mapper.Object{Kind: purge.URL, Value: fmt.Sprintf("https://www.example.com/p/%06d.html", i)})
	}
	return plan.Build("a", "b", nil, res, plan.Settings{API: "fast-purge", Action: "invalidate", Network: "production"}).Batches
}

// count429 fails the benchmark if the simulator refused anything for the
// rate limit: pacing must prevent it.
func count429(b *testing.B, sim *ccusim.Server) {
	n := 0
	for _, s := range sim.Served() {
		if s.Status == 429 {
			n++
		}
	}
	b.ReportMetric(float64(n), "429s")
	if n > 0 {
		b.Errorf("%d requests refused with 429", n)
	}
}

// 10,000 URLs through the simulator with 100 ms latency per request and
// the real bucket sizes, with the default settings (the goal: at most
// 0.5 s, no 429) and, for comparison, with the 4 in flight first
// specified: its 20 requests of 500 need ceil(20/4) = 5 rounds of 100 ms,
// so 0.5 s is its floor before TLS and signing.
func BenchmarkSubmit10kLatency100ms(b *testing.B) {
	b.Run("default", func(b *testing.B) { submit10k(b, 0) })
	b.Run("concurrency=4", func(b *testing.B) { submit10k(b, 4) })
}

func submit10k(b *testing.B, concurrency int) {
	batches := urlPlan(10000)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		sim, err := ccusim.Start(ccusim.Options{}) // fresh, full buckets
		if err != nil {
			b.Fatal(err)
		}
		sim.SetLatency(100 * time.Millisecond)
		c := client(b, sim)
		b.StartTimer()
		start := time.Now()
		sent := c.Submit(context.Background(), batches, SubmitOptions{Concurrency: concurrency})
		took := time.Since(start)
		b.StopTimer()
		if concurrency == 0 && took > 500*time.Millisecond {
			b.Errorf("10,000 URLs took %v with the default settings, the goal is at most 0.5 s", took)
		}
		for _, s := range sent {
			if s.Err != nil {
				b.Fatal(s.Err)
			}
		}
		b.ReportMetric(float64(len(sent)), "requests")
		count429(b, sim)
		sim.Close()
		b.StartTimer()
	}
}

// 30,000 URLs are three times the URL bucket: the client must pace them at
// the refill rate (200/s), not have them refused. Takes about 100 s.
func BenchmarkSubmit30kPaced(b *testing.B) {
	batches := urlPlan(30000)
	for i := 0; i < b.N; i++ {
		sim, err := ccusim.Start(ccusim.Options{})
		if err != nil {
			b.Fatal(err)
		}
		c := client(b, sim)
		start := time.Now()
		sent := c.Submit(context.Background(), batches, SubmitOptions{})
		b.ReportMetric(time.Since(start).Seconds(), "s")
		for _, s := range sent {
			if s.Err != nil {
				b.Fatal(s.Err)
			}
		}
		count429(b, sim)
		sim.Close()
	}
}
