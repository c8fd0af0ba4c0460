package report

import (
	"strings"
	"testing"
	"time"
)

// TestVerifyNotes: the objects no URL names are counted; "no URL to
// check" only when nothing was picked and nothing explains why.
func TestVerifyNotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name                 string
		unverifiable, picked int
		want                 string
	}{
		{"urls only", 0, 3, ""},
		{"nothing", 0, 0, "Verify: no URL to check.\n"},
		{"cp codes only", 2, 0, "Verify: 2 object(s) purged by CP code or tag name no URL to check.\n"},
		{"both", 1, 4, "Verify: 1 object(s) purged by CP code or tag name no URL to check.\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			VerifyNotes(&b, tc.unverifiable, tc.picked)
			if b.String() != tc.want {
				t.Errorf("VerifyNotes(%d, %d) = %q, want %q", tc.unverifiable, tc.picked, b.String(), tc.want)
			}
		})
	}
}

// TestVerifyStatus: the lines and status lines of a verification's waits,
// elapsed times to the second.
func TestVerifyStatus(t *testing.T) {
	t.Parallel()
	var start strings.Builder
	VerifyStart(&start, 4, 40, "10%")
	for _, tc := range []struct{ name, got, want string }{
		{"start", start.String(), "Verifying 4 of 40 URL(s) through the edge (sample 10%)...\n"},
		{"judging", Judging(1, 4, 2600*time.Millisecond), "verifying: 1 of 4 URL(s) judged, 3s"},
		{"edge wait", EdgeWait(4500 * time.Millisecond), "Waiting 4.5s for the purges to reach the edge (their estimatedSeconds) before verifying..."},
		{"reaching", ReachingEdge(1400*time.Millisecond, 4500*time.Millisecond), "waiting for the purges to reach the edge: 1s of 4.5s"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s = %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}
