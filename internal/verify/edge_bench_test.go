package verify_test

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// benchSite writes a deploy of n changed files to dir, one in ten an HTML
// page and the rest assets, as a static site's deploy mostly is, and
// returns their targets (two requests of at most 500 URLs).
func benchSite(b *testing.B, dir string, n int) []verify.Target {
	b.Helper()
	var targets []verify.Target
	for i := range n {
		name := fmt.Sprintf("img/%04d.png", i)
		if i%10 == 0 {
			name = fmt.Sprintf("posts/%04d.html", i)
		}
		body := []byte(strings.Repeat(name, 40))
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			b.Fatal(err)
		}
		targets = append(targets, verify.Target{URL: "https://www.example.com/" + name, Batch: i/500 + 1, Want: body, WantKnown: true})
	}
	return targets
}

// benchEdge is the simulator's edge serving dir with latency on every
// answer, and the settings that reach it.
func benchEdge(b *testing.B, dir string, latency time.Duration) verify.Settings {
	b.Helper()
	unlimited := ccusim.Unlimited()
	sim, err := ccusim.Start(ccusim.Options{Buckets: &unlimited})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sim.Close() })
	edge, err := sim.StartEdge(ccusim.EdgeOptions{Origin: dir, Hosts: []string{"www.example.com"}, Latency: latency})
	if err != nil {
		b.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(sim.CACertPEM())
	c, err := verify.ParseConnectTo("www.example.com:" + edge.Addr())
	if err != nil {
		b.Fatal(err)
	}
	return verify.Settings{ConnectTo: []verify.ConnectTo{c}, RootCAs: pool}
}

// BenchmarkVerifyEdge1000 verifies a deploy of 1,000 changed URLs through
// the simulator's edge with 50 ms on every answer, at the default
// settings (the default sample, 8 requests in flight per host): the
// issue's goal is 2 s. BenchmarkVerifyEdge1000All checks every URL, which
// the per-host limit bounds at 1,000 × 50 ms / 8 = 6.25 s.
func BenchmarkVerifyEdge1000(b *testing.B)    { benchVerify(b, verify.Sample{}) }
func BenchmarkVerifyEdge1000All(b *testing.B) { benchVerify(b, verify.Sample{All: true}) }

func benchVerify(b *testing.B, sample verify.Sample) {
	dir := b.TempDir()
	targets := benchSite(b, dir, 1000)
	s := benchEdge(b, dir, 50*time.Millisecond)
	picked := verify.Pick(targets, sample, 1)
	b.ResetTimer()
	for b.Loop() {
		results, err := verify.Run(context.Background(), picked, s, nil)
		if err != nil {
			b.Fatal(err)
		}
		if sum := verify.Summarize(results, len(targets)); sum.Fresh != len(picked) {
			b.Fatalf("%d of %d fresh: %+v", sum.Fresh, len(picked), results[0])
		}
	}
	b.ReportMetric(float64(len(picked)), "urls/op")
}
