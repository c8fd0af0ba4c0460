package cli

import (
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// TestQuietPlan: --quiet drops the plan's lists of changes, objects and
// ignored files in plan and purge alike; the range, the unmatched files
// (a few), the requests, the summary line and the warnings stay.
func TestQuietPlan(t *testing.T) {
	t.Parallel()
	dir, shas := site(t, siteConfig, map[string]string{"public/app.js.map": "m"})
	short := strings.NewReplacer(shas[0][:12], "<v1>", shas[1][:12], "<v2>")
	want := `Range: <v1>..<v2> from flags
Unmatched, not purged (1): no rule covers them
  "docs/notes.txt"
Batches (1, 5 objects):
  1. fast-purge invalidate url on production, 5 object(s)
6 changes → 5 objects in 1 request (1 unmatched, 1 ignored, no fallback)
`
	full := run(t, "plan", "--repo", dir, "--from", "v1")
	quiet := run(t, "plan", "--repo", dir, "--from", "v1", "--quiet")
	if quiet.code != 0 || short.Replace(quiet.stdout) != want {
		t.Errorf("plan --quiet: exit %d, stdout:\n%s\nwant:\n%s", quiet.code, short.Replace(quiet.stdout), want)
	}
	for _, line := range []string{`  A "public/a b/é#1.html"`, "Ignored, not purged (1): an ignore glob drops them", `  "public/app.js.map"`, "     https://www.example.com/index.html"} {
		if !strings.Contains(full.stdout, line+"\n") {
			t.Errorf("plan without --quiet lacks %q:\n%s", line, full.stdout)
		}
	}
	if quiet.stderr != full.stderr {
		t.Errorf("--quiet changed the warnings: %q, without it %q", quiet.stderr, full.stderr)
	}
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1", "--quiet"}, flags...)...)
	if r.code != 0 || !strings.HasPrefix(short.Replace(r.stdout), want+"Batch 1/1: ") || len(sim.Purges()) != 1 {
		t.Errorf("purge --quiet: exit %d, %d purges, stdout:\n%s", r.code, len(sim.Purges()), r.stdout)
	}
}
