package cli

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Forty batches, eight in flight, against a simulator that answers with a
// seeded mix of rate limits, server errors, dropped connections (before the
// body, after it, after processing), delays and refusals; five runs. Every
// object ends exactly once in purged or notPurged, and every purged one was
// accepted by the simulator under the purgeId the report gives. Run with
// -race (make test) it also checks the CLI's shared state and output.
func TestStressConcurrentFaults(t *testing.T) {
	extra := map[string]string{}
	for i := range 195 {
		extra[fmt.Sprintf("public/stress/page-%03d.html", i)] = "x"
	}
	dir, _ := site(t, siteConfig, extra)
	args := []string{"--repo", dir, "--from", "v1", "--batch-size", "5"}
	planned := plannedObjects(t, args...)
	if len(planned) != 200 {
		t.Fatalf("%d planned objects, want 200 in 40 batches", len(planned))
	}
	for seed := range uint64(5) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			sim, flags := hardSim(t, ccusim.Options{})
			sim.Script(randomSteps(rand.New(rand.NewPCG(seed, 0x5eed)), 120)...)
			report := filepath.Join(t.TempDir(), "report.json")
			check := leakCheck(t)
			r := runQuick(t, nil, append(append([]string{"purge", "--verbose", "--concurrency", "8", "--timeout", "20s", "--report", report}, args...), flags...)...)
			check()
			rep := accounting(t, report, planned, sim, r.code)
			noSecrets(t, "stdout and stderr", r.stdout+r.stderr)
			if r.code == ExitOK {
				oneMessage(t, r, ExitOK)
			} else {
				oneMessage(t, r, ExitFailed, fmt.Sprintf("%d of %d object(s) not purged", len(rep.NotPurged), len(planned)))
			}
			if got := strings.Count(r.stdout, "\nBatch "); got < 40 {
				t.Errorf("%d requests reported on stdout, want at least 40", got)
			}
			t.Logf("seed %d: exit %d, %d purged, %d not purged, %d requests served", seed, r.code, len(rep.Purged), len(rep.NotPurged), len(sim.Served()))
		})
	}
}

// randomSteps draws n scripted answers: most fail in a way worth retrying,
// some refuse or garble the answer (those objects end not purged), some
// are served normally after a short delay.
func randomSteps(r *rand.Rand, n int) []ccusim.Step {
	kinds := []ccusim.Step{
		{Status: 429}, {Status: 500}, {Status: 503}, {Status: 504}, {Status: 507},
		{ResetBeforeBody: true}, {Reset: true}, {ResetAfter: true},
		{Delay: 5 * time.Millisecond}, {Delay: 20 * time.Millisecond}, {},
		{Status: 400}, {Contradict: true},
	}
	out := make([]ccusim.Step, n)
	for i := range out {
		out[i] = kinds[r.IntN(len(kinds))]
	}
	return out
}
