package plan

import (
	"errors"
	"fmt"
	"slices"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// ErrTagsOnV2 is wrapped by Plan.Err when an ad-hoc plan names cache tags
// for the CCU v2 API, which has no tags.
var ErrTagsOnV2 = errors.New("cache tags need api fast-purge")

// FromObjects is the plan of an ad-hoc purge: exactly the objects given
// (mapper.ObjectOf checked them), de-duplicated and batched as Build
// batches a deploy's. Nothing stands in for them: the threshold, the
// fallback CP codes and tags, and unmatched files are a deploy's, so they
// are cleared; max_objects and the time budget still apply, and a plan
// the rate budget cannot let through fails rather than fall back.
func FromObjects(objs []mapper.Object, s Settings) *Plan {
	s.Threshold, s.ThresholdShare, s.SiteFiles = 0, 0, 0
	s.FallbackCPCodes, s.FallbackTags, s.ForceFallback = nil, nil, ""
	res := mapper.Result{Objects: unique(objs)}
	p := Build("", "", nil, res, s)
	isTag := func(o mapper.Object) bool { return o.Kind == purge.Tag }
	if s.API == purge.CCUv2 && slices.ContainsFunc(res.Objects, isTag) {
		p.fail(fmt.Errorf("%w: the CCU v2 API cannot purge them; drop the tags, or use --api fast-purge", ErrTagsOnV2))
	}
	return p
}

// unique keeps the first of each object, in order.
func unique(objs []mapper.Object) []mapper.Object {
	seen := make(map[mapper.Object]bool, len(objs))
	out := make([]mapper.Object, 0, len(objs))
	for _, o := range objs {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	return out
}
