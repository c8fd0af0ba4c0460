package plan

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// slow are buckets small enough for a test's few objects to overrun:
// each kind bursts 10 and refills one a second.
var slow = &purge.Buckets{
	Requests: purge.Bucket{Burst: 100, PerSecond: 50},
	URL:      purge.Bucket{Burst: 10, PerSecond: 1},
	CPCode:   purge.Bucket{Burst: 10, PerSecond: 1},
	Tag:      purge.Bucket{Burst: 10, PerSecond: 1},
}

// objects is n objects of kind, numbered from 1.
func objects(kind purge.Kind, n int) []mapper.Object {
	out := make([]mapper.Object, n)
	for i := range out {
		out[i] = mapper.Object{Kind: kind, Value: fmt.Sprintf("%s-%d", kind, i+1)}
	}
	return out
}

// kinds says what a plan's batches hold: "url 20" for a batch of 20 URLs.
func kinds(p *Plan) []string {
	out := []string{}
	for _, b := range p.Batches {
		out = append(out, fmt.Sprintf("%s %d", b.Type, len(b.Objects)))
	}
	return out
}

// A plan the API cannot take whole is refused or falls back to the CP
// codes, with the same words as the purge itself would use.
func TestBudget(t *testing.T) {
	t.Parallel()
	fast := Settings{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Production, Buckets: slow, Timeout: 5 * time.Second}
	with := func(s Settings, edit func(*Settings)) Settings { edit(&s); return s }
	const overURL = "purging these url objects needs about 10s of Akamai's rate budget, more than --timeout 5s"
	for _, tc := range []struct {
		name     string
		s        Settings
		objs     []mapper.Object
		fallback Fallback
		errs     []string
		batches  []string
	}{
		{name: "within the budget", s: fast, objs: objects(purge.URL, 15),
			batches: []string{"url 15"}},
		{name: "over the budget with cpcodes: the CP codes instead", s: with(fast, func(s *Settings) { s.FallbackCPCodes = []int64{777} }),
			objs:     objects(purge.URL, 20),
			fallback: Fallback{Used: true, Reason: overURL + ": purging CP codes instead"}, batches: []string{"cpcode 1"}},
		{name: "over the budget without cpcodes: refused", s: fast, objs: objects(purge.URL, 20),
			errs: []string{overURL + ": raise --timeout, or set cpcodes to purge instead"}, batches: []string{"url 20"}},
		{name: "over the budget with cache tags only: refused", s: with(fast, func(s *Settings) { s.FallbackTags = []string{"site"} }),
			objs: objects(purge.URL, 20),
			errs: []string{overURL + ": raise --timeout, or set cpcodes to purge instead"}, batches: []string{"url 20"}},
		{name: "over the budget when the plan is CP codes already: refused",
			s:       with(fast, func(s *Settings) { s.FallbackCPCodes, s.Timeout = []int64{777}, 2*time.Second }),
			objs:    objects(purge.CPCode, 13),
			errs:    []string{"purging these cpcode objects needs about 3s of Akamai's rate budget, more than --timeout 2s: raise --timeout, or set cpcodes to purge instead"},
			batches: []string{"cpcode 13"}},
		{name: "a forced CP code fallback over the budget: refused",
			s: with(fast, func(s *Settings) {
				s.FallbackCPCodes, s.ForceFallback, s.Timeout = []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, "the base commit is unknown", time.Second
			}),
			objs:     objects(purge.URL, 3),
			fallback: Fallback{Used: true, Reason: "the base commit is unknown"},
			errs:     []string{"purging these cpcode objects needs about 2s of Akamai's rate budget, more than --timeout 1s: raise --timeout, or set cpcodes to purge instead"},
			batches:  []string{"cpcode 12"}},
		{name: "tags over the budget with cpcodes: the CP codes instead", s: with(fast, func(s *Settings) { s.FallbackCPCodes = []int64{777} }),
			objs:     objects(purge.Tag, 16),
			fallback: Fallback{Used: true, Reason: "purging these tag objects needs about 6s of Akamai's rate budget, more than --timeout 5s: purging CP codes instead"},
			batches:  []string{"cpcode 1"}},
		{name: "tags over the budget without cpcodes: refused", s: fast, objs: objects(purge.Tag, 16),
			errs:    []string{"purging these tag objects needs about 6s of Akamai's rate budget, more than --timeout 5s: raise --timeout, or set cpcodes to purge instead"},
			batches: []string{"tag 16"}},
		{name: "ARLs count as URLs", s: fast, objs: append(objects(purge.URL, 10), objects(purge.ARL, 10)...),
			errs: []string{overURL + ": raise --timeout, or set cpcodes to purge instead"}, batches: []string{"url 10", "arl 10"}},
		{name: "Akamai's buckets by default", s: with(fast, func(s *Settings) { s.Buckets, s.Timeout = nil, time.Second }),
			objs:    objects(purge.URL, 10500),
			errs:    []string{"purging these url objects needs about 3s of Akamai's rate budget, more than --timeout 1s: raise --timeout, or set cpcodes to purge instead"},
			batches: []string{"url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500", "url 500"}},
		{name: "a time budget of 0 is not checked", s: with(fast, func(s *Settings) { s.Timeout = 0 }), objs: objects(purge.URL, 1000),
			batches: []string{"url 500", "url 500"}},
		{name: "ccu-v2 has no rate budget", s: Settings{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: purge.DefaultQueue, Buckets: slow, Timeout: time.Second},
			objs: objects(purge.URL, 1000), batches: []string{"url 500", "url 500"}},
		{name: "the emergency queue holds 10 objects", s: Settings{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: purge.EmergencyQueue},
			objs: objects(purge.URL, 10), batches: []string{"url 10"}},
		{name: "the emergency queue over its capacity: refused", s: Settings{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: purge.EmergencyQueue},
			objs:    objects(purge.URL, 11),
			errs:    []string{"the plan has 11 objects but CCU v2's emergency queue takes at most 10: use queue: default, or purge CP codes"},
			batches: []string{"url 11"}},
		{name: "the emergency queue over its capacity with cpcodes: refused", s: Settings{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: purge.EmergencyQueue, FallbackCPCodes: []int64{777}, Timeout: time.Second},
			objs:    objects(purge.CPCode, 11),
			errs:    []string{"the plan has 11 objects but CCU v2's emergency queue takes at most 10: use queue: default, or purge CP codes"},
			batches: []string{"cpcode 11"}},
		{name: "the default queue is not checked", s: Settings{API: purge.CCUv2, Action: purge.Invalidate, Network: purge.Production, Queue: purge.DefaultQueue},
			objs: objects(purge.URL, 11), batches: []string{"url 11"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := Build("a", "b", nil, mapper.Result{Objects: tc.objs}, tc.s)
			if d := cmp.Diff(tc.fallback, p.Fallback); d != "" {
				t.Errorf("fallback (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.errs, p.Errors); d != "" {
				t.Errorf("errors (-want +got):\n%s", d)
			}
			if (p.Err() != nil) != (len(tc.errs) > 0) {
				t.Errorf("Err() = %v with errors %q", p.Err(), p.Errors)
			}
			if d := cmp.Diff(tc.batches, kinds(p)); d != "" {
				t.Errorf("batches (-want +got):\n%s", d)
			}
		})
	}
}

// SettingsOf carries every setting of the config into the plan's.
func TestSettingsOf(t *testing.T) {
	t.Parallel()
	cfg := &mapper.Config{API: purge.CCUv2, Action: purge.Delete, Network: purge.Staging, Queue: purge.EmergencyQueue,
		Threshold: 7, CPCodes: []int64{1, 2}, Tags: []string{"t"}, ThresholdShare: 0.5, MaxObjects: 900,
		Unmatched: mapper.UnmatchedError, Submodules: mapper.SubmodulesCPCode}
	want := Settings{API: purge.CCUv2, Action: purge.Delete, Network: purge.Staging, Queue: purge.EmergencyQueue,
		Threshold: 7, FallbackCPCodes: []int64{1, 2}, FallbackTags: []string{"t"}, ThresholdShare: 0.5, MaxTotal: 900,
		Unmatched: mapper.UnmatchedError, Submodules: mapper.SubmodulesCPCode}
	if d := cmp.Diff(want, SettingsOf(cfg), cmpopts.IgnoreUnexported(Settings{})); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
