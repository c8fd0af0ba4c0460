package verify

import (
	"cmp"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// URLTargets are the URLs a plan's batches purge, each with its batch
// (numbered from 1) and action. CP codes and tags name no URL to ask,
// so their batches give none.
func URLTargets(batches []purge.Batch) []Target {
	var out []Target
	for i, b := range batches {
		if b.Type != purge.URL {
			continue
		}
		for _, obj := range b.Objects {
			out = append(out, Target{URL: obj, Batch: i + 1, Action: b.Action})
		}
	}
	return out
}

// GivenTargets are URLs given by hand (--url), purged with action: they
// belong to no batch.
func GivenTargets(urls []string, action purge.Action) []Target {
	var out []Target
	for _, u := range urls {
		out = append(out, Target{URL: u, Action: action})
	}
	return out
}

// SampleName is how a verification names the sample it was asked for:
// Pick's default, 10%, when none was.
func (s Settings) SampleName() string { return cmp.Or(s.Sample.String(), "10%") }

// Nothing is the verification of no URL at all: nothing was waited for
// or asked, so its summary is zero and its results an empty list (not
// null in the JSON).
func Nothing(s Settings, onStale string) *Verification {
	return &Verification{Sample: s.SampleName(), OnStale: onStale, Results: []Result{}}
}

// Verified is the verification of results, sampled from of targets.
// interrupted says the run was stopped before every URL was judged: the
// rest count as unknown, and the report says why.
func Verified(s Settings, onStale string, results []Result, of int, interrupted bool) *Verification {
	v := &Verification{Summary: Summarize(results, of), Sample: s.SampleName(), OnStale: onStale, Results: results}
	if interrupted {
		v.Error = "interrupted: the URLs not judged by then are unknown"
	}
	return v
}
