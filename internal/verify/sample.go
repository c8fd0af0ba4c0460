package verify

import (
	"math"
	"math/rand/v2"
	"net/url"
	"path"
	"slices"
	"strings"
)

// defaultPercent is the share checked when no sample is given: enough to
// catch a lost purge, few enough to stay polite to the site.
const defaultPercent = 10

// IsPage says whether a URL is an HTML page: its path ends in "/",
// ".html" or ".htm", or its last segment has no extension (pretty URLs).
// Pages are what visitors see first, so Pick always keeps them.
func IsPage(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	p := u.Path
	if p == "" || strings.HasSuffix(p, "/") {
		return true
	}
	switch ext := strings.ToLower(path.Ext(p)); ext {
	case ".html", ".htm", "":
		return true
	}
	return false
}

// Pick chooses the targets to check: every page, at least one target of
// each batch, then a seeded pseudo-random choice of the rest until the
// sample's size is reached. The same targets and seed give the same
// choice; the result keeps the targets' order.
func Pick(targets []Target, s Sample, seed int64) []Target {
	if s.All {
		return slices.Clone(targets)
	}
	chosen := make([]bool, len(targets))
	n := 0
	for i, t := range targets {
		if IsPage(t.URL) {
			chosen[i], n = true, n+1
		}
	}
	order := rand.New(rand.NewPCG(uint64(seed), 0x636375)).Perm(len(targets))
	n += coverBatches(targets, order, chosen)
	for _, i := range order {
		if n >= sampleSize(s, len(targets)) {
			break
		}
		if !chosen[i] {
			chosen[i], n = true, n+1
		}
	}
	var out []Target
	for i, t := range targets {
		if chosen[i] {
			out = append(out, t)
		}
	}
	return out
}

// coverBatches chooses, in the shuffled order, one target of each batch
// that has none chosen yet, and returns how many it added. Batch 0 (not
// known) is not a batch.
func coverBatches(targets []Target, order []int, chosen []bool) int {
	covered := map[int]bool{}
	for i, t := range targets {
		if chosen[i] {
			covered[t.Batch] = true
		}
	}
	added := 0
	for _, i := range order {
		if b := targets[i].Batch; b != 0 && !covered[b] {
			covered[b], chosen[i] = true, true
			added++
		}
	}
	return added
}

// sampleSize is how many of n targets the sample asks for; a share is
// rounded up so that 10% of 3 URLs is one, not none.
func sampleSize(s Sample, n int) int {
	switch {
	case s.All:
		return n
	case s.Count > 0:
		return s.Count
	case s.Percent > 0:
		return int(math.Ceil(s.Percent * float64(n) / 100))
	}
	return int(math.Ceil(defaultPercent * float64(n) / 100))
}
