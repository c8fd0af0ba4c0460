package mapper

import (
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// nearest is the rule an unmatched path was closest to, for the
// explanation: the one whose glob (or regex) shares the most leading
// folders with the path, then the fewest edits between the glob's fixed
// start and the path's; the earlier rule on a tie. It returns 0 without
// rules.
func (c *Config) nearest(p string) (num int, pattern string) {
	best := [2]int{-1, 0}
	for i, r := range c.Rules {
		for _, m := range rulePatterns(r) {
			s := [2]int{sharedSegments(m.lit, p), -literalDistance(m.src, m.lit, p)}
			if s[0] > best[0] || s[0] == best[0] && s[1] > best[1] {
				best, num, pattern = s, i+1, m.src
			}
		}
	}
	return num, pattern
}

// rulePatterns are a rule's globs, or its regex, each with its fixed start.
func rulePatterns(r *Rule) []*pattern {
	if r.Regex != "" {
		return []*pattern{{src: r.Regex, lit: r.reLit}}
	}
	return r.match
}

// sharedSegments counts the whole folders lit (a glob's fixed start)
// and p begin with.
func sharedSegments(lit, p string) int {
	n := 0
	for {
		a, restA, okA := strings.Cut(lit, "/")
		b, restB, okB := strings.Cut(p, "/")
		if !okA || !okB || a != b {
			return n
		}
		n, lit, p = n+1, restA, restB
	}
}

// literalDistance compares the glob's fixed start with as much of p; a
// glob without one (**/*.html) is compared whole.
func literalDistance(src, lit, p string) int {
	if lit == "" {
		return suggest.Distance(src, p)
	}
	return suggest.Distance(lit, p[:min(len(p), len(lit))])
}
