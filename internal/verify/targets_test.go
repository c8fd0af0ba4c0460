package verify

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// TestURLTargets: only URL batches give targets, numbered by their place
// in the plan, with their action.
func TestURLTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		batches []purge.Batch
		want    []Target
	}{
		{"none", nil, nil},
		{"urls and a CP code", []purge.Batch{
			{Type: purge.URL, Action: purge.Invalidate, Objects: []string{"https://www.example.com/a", "https://www.example.com/b"}},
			{Type: purge.CPCode, Action: purge.Invalidate, Objects: []string{"12345"}},
			{Type: purge.URL, Action: purge.Delete, Objects: []string{"https://www.example.com/c"}},
		}, []Target{
			{URL: "https://www.example.com/a", Batch: 1, Action: purge.Invalidate},
			{URL: "https://www.example.com/b", Batch: 1, Action: purge.Invalidate},
			{URL: "https://www.example.com/c", Batch: 3, Action: purge.Delete},
		}},
		{"tags only", []purge.Batch{{Type: purge.Tag, Objects: []string{"blog"}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, URLTargets(tc.batches)); d != "" {
				t.Errorf("URLTargets (-want +got):\n%s", d)
			}
		})
	}
}

// TestGivenTargets: each URL in order, with the action and no batch.
func TestGivenTargets(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		urls   []string
		action purge.Action
		want   []Target
	}{
		{"none", nil, purge.Invalidate, nil},
		{"two", []string{"https://www.example.com/a", "https://www.example.com/b"}, purge.Delete, []Target{
			{URL: "https://www.example.com/a", Action: purge.Delete},
			{URL: "https://www.example.com/b", Action: purge.Delete},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, GivenTargets(tc.urls, tc.action)); d != "" {
				t.Errorf("GivenTargets (-want +got):\n%s", d)
			}
		})
	}
}

// TestVerificationOf: the sample's name (10% unset), the summary over
// the targets sampled from, empty results as a list, and an
// interruption's error.
func TestVerificationOf(t *testing.T) {
	t.Parallel()
	results := []Result{{URL: "https://www.example.com/a", Result: Fresh}, {URL: "https://www.example.com/b", Result: Stale}}
	for _, tc := range []struct {
		name string
		got  *Verification
		want *Verification
	}{
		{"nothing, default sample", Nothing(Settings{}, "warn"),
			&Verification{Sample: "10%", OnStale: "warn", Results: []Result{}}},
		{"nothing, all", Nothing(Settings{Sample: Sample{All: true}}, "fail"),
			&Verification{Sample: "all", OnStale: "fail", Results: []Result{}}},
		{"verified", Verified(Settings{Sample: Sample{Count: 2}}, "fail", results, 5, false),
			&Verification{Summary: Summary{Checked: 2, Fresh: 1, Stale: 1, Of: 5}, Sample: "2", OnStale: "fail", Results: results}},
		{"interrupted", Verified(Settings{}, "warn", results[:1], 3, true),
			&Verification{Summary: Summary{Checked: 1, Fresh: 1, Of: 3}, Sample: "10%", OnStale: "warn", Results: results[:1],
				Error: "interrupted: the URLs not judged by then are unknown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
