package cli

import (
	"strings"
	"testing"
)

// TestOutputNormalizersChanged: a manifest hashed with other normalisers
// differs in every file they touch; the plan says why so many files
// changed instead of letting the user hunt for a build change.
func TestOutputNormalizersChanged(t *testing.T) {
	before, after := newHugoWorld(t, ""), newHugoWorld(t, stampNormalizer)
	b := hugoBuild{pages: 5, stamp: "2026-01-01T00:00:00Z"}
	if r := before.purge(b); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	r := runQuick(t, nil, "plan", "--repo", after.repo, "--site-dir", before.out, "--manifest", before.mf)
	if r.code != ExitOK {
		t.Fatalf("plan: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "output.normalize changed since the last manifest") {
		t.Errorf("the plan does not say the normalisers changed:\n%s", r.stdout)
	}
	if strings.Contains(r.stdout, "volatility") {
		t.Errorf("a volatility report for differences the new normaliser made:\n%s", r.stdout)
	}
}
