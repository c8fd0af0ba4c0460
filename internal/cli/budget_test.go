package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// End to end: the rate-budget check and its CP code fallback, the emergency queue's limit,
// and the wait for a full CCU v2 queue.

// bigConfig maps each file under public/big/ to 50 URLs, so 210 files make 10,500 URLs: more
// than Fast Purge's URL bucket (10,000, refilled at 200/s) lets through in one second. Few
// files keep the repository quick to build.
func bigConfig(extra string) string {
	var urls []string
	for i := range 50 {
		urls = append(urls, fmt.Sprintf("%q", fmt.Sprintf("https://s%d.example.com/{path}", i)))
	}
	return "api: fast-purge\nnetwork: production\n" + extra + "rules:\n  - match: \"public/big/**\"\n    strip: public/\n    urls: [" +
		strings.Join(urls, ", ") + "]\n"
}

func bigSite(t *testing.T, config string) string {
	t.Helper()
	extra := map[string]string{}
	for i := range 210 {
		extra[fmt.Sprintf("public/big/page-%04d.html", i)] = "x"
	}
	dir, _ := site(t, config, extra)
	return dir
}

// A plan the rate buckets cannot let through within --timeout is refused before anything is
// sent, or, when the config has CP codes, replaced by a CP code purge that says why.
func TestBudgetFallback(t *testing.T) {
	const why = "purging these url objects needs about 3s of Akamai's rate budget, more than --timeout 1s"
	tests := []struct {
		name     string
		extra    string // config keys
		wantCode int
		wantErr  []string // stderr fragments
		wantOut  string   // stdout fragment
		purges   int
	}{
		{"no CP codes: refused, nothing sent", "", ExitUsage,
			[]string{why + ": raise --timeout, or set cpcodes to purge instead"}, "", 0},
		{"CP codes: the plan falls back and says why", "cpcodes: [777]\n", ExitOK, nil,
			"Fallback: " + why + ": purging CP codes instead", 1},
	}
	dir := bigSite(t, bigConfig(""))
	if n := len(plannedObjects(t, "--repo", dir, "--from", "v1")); n != 10500 {
		t.Fatalf("the plan has %d objects without a time budget, want 10500 URLs", n)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			config := filepath.Join(t.TempDir(), "ccu-purge.yml")
			if err := os.WriteFile(config, []byte(bigConfig(tc.extra)), 0o644); err != nil {
				t.Fatal(err)
			}
			sim, flags := simulator(t, ccusim.Options{})
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--config", config, "--from", "v1", "--timeout", "1s"}, flags...)...)
			oneMessage(t, r, tc.wantCode, tc.wantErr...)
			if !strings.Contains(r.stdout, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%.2000s", tc.wantOut, r.stdout)
			}
			purges := sim.Purges()
			if len(purges) != tc.purges {
				t.Fatalf("%d purges, want %d", len(purges), tc.purges)
			}
			if tc.purges == 0 && sim.Requests() != 0 {
				t.Errorf("%d requests sent, want none", sim.Requests())
			}
			for _, p := range purges {
				if p.Type != "cpcode" || strings.Join(p.Objects, ",") != "777" {
					t.Errorf("purged %s %q, want CP code 777", p.Type, p.Objects)
				}
			}
		})
	}
}

// CCU v2's emergency queue holds 10 objects: a bigger plan is refused by plan and by purge,
// with the numbers, before any request; 10 objects pass.
func TestEmergencyQueue(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2\nqueue: emergency", 1)
	tests := []struct {
		name     string
		files    int // added to the site's 5 purged paths
		wantCode int
		want     []string
	}{
		{"11 objects", 6, ExitUsage, []string{"the plan has 11 objects but CCU v2's emergency queue takes at most 10",
			"use queue: default, or purge CP codes"}},
		{"20 objects", 15, ExitUsage, []string{"the plan has 20 objects", "at most 10"}},
		{"10 objects fit", 5, ExitOK, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			extra := map[string]string{}
			for i := range tc.files {
				extra[fmt.Sprintf("public/urgent/%02d.html", i)] = "x"
			}
			dir, _ := site(t, cfg, extra)
			sim, flags := simulator(t, ccusim.Options{})
			oneMessage(t, runQuick(t, nil, "plan", "--repo", dir, "--from", "v1"), tc.wantCode, tc.want...)
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...)
			oneMessage(t, r, tc.wantCode, tc.want...)
			if tc.wantCode != ExitOK {
				if sim.Requests() != 0 {
					t.Errorf("%d requests sent, want none", sim.Requests())
				}
				return
			}
			if p := sim.Purges(); len(p) != 1 || p[0].Queue != "emergency" || len(p[0].Objects) != 10 {
				t.Errorf("purges %+v, want one of 10 objects on the emergency queue", p)
			}
		})
	}
}

// offsetClock is the simulator's clock for CCU v2 lifecycles: the real time plus an offset a
// test moves forward to finish every purge in flight at once.
type offsetClock struct{ off atomic.Int64 }

func (c *offsetClock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *offsetClock) advance(d time.Duration) { c.off.Add(int64(d)) }

// fillQueue submits n objects to the simulator's default CCU v2 queue, as another user would.
func fillQueue(t *testing.T, flags []string, n int) {
	t.Helper()
	creds, err := ccu.LoadCredentials(ccu.Source{Edgerc: flags[1], Section: "ccu", SectionSet: true, FileOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ccu.New(creds, ccu.Options{CAFile: flags[3]})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var batches []purge.Batch
	for i := 0; i < n; i += purge.MaxObjects {
		b := purge.Batch{API: "ccu-v2", Action: "invalidate", Network: "production", Queue: "default", Type: "url"}
		for j := i; j < min(i+purge.MaxObjects, n); j++ {
			b.Objects = append(b.Objects, fmt.Sprintf("https://other.example.com/%05d.html", j))
		}
		batches = append(batches, b)
	}
	for _, s := range c.Submit(context.Background(), batches, quick) {
		if s.Err != nil {
			t.Fatalf("filling the queue: %v", s.Err)
		}
	}
}

// A CCU v2 purge waits for room in a nearly full default queue before sending anything, and
// says so: it goes on once the queue drains, and fails with the numbers when --timeout comes
// first. The simulator's clock moves on (finishing the other user's purges) when the first
// length is read, so the wait is one poll interval (5 s), never a guess of how long to sleep.
func TestQueueWait(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2", 1)
	const queued = 9998 // the plan adds 5 objects: 10,003 > 10,000
	tests := []struct {
		name     string
		drains   bool
		timeout  string
		wantCode int
		wantErr  []string
	}{
		// --timeout bounds the run should the wait never end (a broken wait would resubmit on 507).
		{"drains", true, "30s", ExitOK, nil},
		{"does not drain in time", false, "1s", ExitFailed, []string{
			"the default queue holds 9998 of 10000 objects and the plan adds 5; it did not drain in time (--timeout)",
			"the time budget (--timeout 1s) ran out"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir, _ := site(t, cfg, nil)
			clock := &offsetClock{}
			var once sync.Once
			polled := make(chan struct{})
			logf := func(format string, args ...any) {
				if strings.HasPrefix(fmt.Sprintf(format, args...), "GET /ccu/v2/queues/default ") {
					once.Do(func() {
						if tc.drains {
							clock.advance(time.Hour)
						}
						close(polled)
					})
				}
			}
			sim, flags := simulator(t, ccusim.Options{Now: clock.now, Logf: logf})
			fillQueue(t, flags, queued)
			before := len(sim.Purges())
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", "--timeout", tc.timeout}, flags...)...)
			oneMessage(t, r, tc.wantCode, tc.wantErr...)
			select {
			case <-polled:
			default:
				t.Fatal("purge never read the queue's length")
			}
			if w := "Waiting for the default queue to drain: 9998 of 10000 objects queued, 5 to add"; !strings.Contains(r.stdout, w) {
				t.Errorf("stdout lacks %q:\n%s", w, r.stdout)
			}
			mine := sim.Purges()[before:]
			switch {
			case !tc.drains && len(mine) != 0:
				t.Errorf("%d purges sent to a full queue", len(mine))
			case tc.drains && (len(mine) != 1 || len(mine[0].Objects) != 5 || mine[0].Queue != "default"):
				t.Errorf("purges after the drain %+v, want one of the plan's 5 objects", mine)
			}
			for _, s := range sim.Served() {
				if s.Status == 507 {
					t.Errorf("a purge was sent to the full queue: %+v", s)
				}
			}
		})
	}
}
