package cli

import (
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// checkBudget refuses, before anything is sent, a plan the API cannot take
// whole: more objects than CCU v2's emergency queue holds, or more than
// Fast Purge's rate buckets let through within the time budget. The latter
// falls back to CP codes when the config has them, rather than failing
// half-way; rebuild makes the plan again with other settings.
func checkBudget(p *plan.Plan, s plan.Settings, timeout time.Duration, rebuild func(plan.Settings) *plan.Plan) (*plan.Plan, error) {
	if s.API == purge.CCUv2 && s.Queue == purge.EmergencyQueue && p.ObjectCount() > purge.EmergencyQueueCapacity {
		return nil, usagef("the plan has %d objects but CCU v2's emergency queue takes at most %d: use queue: default, or purge CP codes", p.ObjectCount(), purge.EmergencyQueueCapacity)
	}
	if s.API != purge.FastPurge || timeout <= 0 {
		return p, nil
	}
	need, kind := estimate(p)
	if need <= timeout {
		return p, nil
	}
	why := fmt.Sprintf("purging these %s objects needs about %s of Akamai's rate budget, more than --timeout %s", kind, need.Round(time.Second), timeout)
	if len(s.FallbackCPCodes) == 0 || kind == purge.CPCode {
		return nil, usagef("%s: raise --timeout, or set cpcodes to purge instead", why)
	}
	s.ForceFallback = why + ": purging CP codes instead"
	return rebuild(s), nil
}

// estimate is the longest time any object type's requests need from full
// buckets.
func estimate(p *plan.Plan) (time.Duration, purge.Kind) {
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
	for k := range reqs {
		if d := purge.AkamaiBuckets.Estimate(k, reqs[k], objs[k]); d > worst {
			worst, kind = d, k
		}
	}
	return worst, kind
}
