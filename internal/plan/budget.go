package plan

import (
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// budget refuses, before anything is sent, a plan the API cannot take
// whole: more objects than CCU v2's emergency queue holds, or more than
// Fast Purge's rate buckets let through within the time budget. The latter
// falls back to CP codes when the config has them, rather than failing
// half-way: fallback is then the reason to build the plan again with.
func (s Settings) budget(p *Plan) (fallback string, err error) {
	if s.API == purge.CCUv2 && s.Queue == purge.EmergencyQueue && p.ObjectCount() > purge.EmergencyQueueCapacity {
		return "", fmt.Errorf("the plan has %d objects but CCU v2's emergency queue takes at most %d: use queue: default, or purge CP codes", p.ObjectCount(), purge.EmergencyQueueCapacity)
	}
	if s.API != purge.FastPurge || s.Timeout <= 0 {
		return "", nil
	}
	need, kind := s.estimate(p)
	if need <= s.Timeout {
		return "", nil
	}
	why := fmt.Sprintf("purging these %s objects needs about %s of Akamai's rate budget, more than --timeout %s", kind, need.Round(time.Second), s.Timeout)
	if len(s.FallbackCPCodes) == 0 || kind == purge.CPCode {
		return "", fmt.Errorf("%s: raise --timeout, or set cpcodes to purge instead", why)
	}
	return why + ": purging CP codes instead", nil
}

// estimate is the longest time any object kind's requests need from full
// buckets, and that kind (ARLs count as URLs: they draw from one bucket).
func (s Settings) estimate(p *Plan) (time.Duration, purge.Kind) {
	buckets := purge.AkamaiBuckets
	if s.Buckets != nil {
		buckets = *s.Buckets
	}
	reqs, objs := map[purge.Kind]int{}, map[purge.Kind]int{}
	for _, b := range p.Batches {
		k := b.Type
		if k.IsURL() {
			k = purge.URL
		}
		reqs[k]++
		objs[k] += len(b.Objects)
	}
	var worst time.Duration
	var kind purge.Kind
	for _, k := range purge.Kinds { // in a fixed order, so a tie names one kind
		if d := buckets.Estimate(k, reqs[k], objs[k]); reqs[k] > 0 && d > worst {
			worst, kind = d, k
		}
	}
	return worst, kind
}
