package plan

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

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

// SourceObjects is the Range.Source of an ad-hoc plan, which has no range.
const SourceObjects = "objects"

// ObjectsRange is an ad-hoc plan's Range: where its objects were named
// (--url, objects.txt…) and which config file gave its settings ("" for
// none: the defaults, flags and CCU_PURGE_* variables).
func ObjectsRange(named []string, config string) Range {
	why := "named by " + strings.Join(named, ", ")
	if config == "" {
		return Range{Source: SourceObjects, Reason: why + "; no config file, default settings"}
	}
	return Range{Source: SourceObjects, Reason: why + "; settings from " + config}
}

// Adhoc is what an ad-hoc purge asks for: the objects named, where its
// settings come from, and the command line's batch size and budget.
type Adhoc struct {
	mapper.Named
	Config, Dir string            // --config, and the folder searched without it (--repo)
	Overrides   map[string]string // config keys set by flags
	Getenv      func(string) string
	MaxObjects  int
	Timeout     time.Duration
}

// Plan checks the objects, loads the optional config (mapper.FindIn) with
// the flags' and CCU_PURGE_* overrides, and plans the objects
// (FromObjects). Every error is the user's to fix: nothing was sent.
func (a Adhoc) Plan() (Range, *Plan, error) {
	objs, named, err := a.Objects()
	if err != nil {
		return Range{}, nil, err
	}
	cfg, err := mapper.FindIn(a.Config, a.Dir)
	if err == nil {
		err = cfg.Override(mapper.Overrides{Env: mapper.OverridesFromEnv(a.Getenv).Env, Flags: a.Overrides})
	}
	if err != nil {
		return Range{}, nil, err
	}
	s := SettingsOf(cfg)
	s.MaxObjects, s.Timeout = a.MaxObjects, a.Timeout
	p := FromObjects(objs, s)
	return ObjectsRange(named, cfg.File), p, p.Err()
}
