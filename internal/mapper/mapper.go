package mapper

import (
	"strconv"
	"strings"
)

// Kind is the type of a purge object; one request carries one kind.
type Kind string

// The kinds of purge object.
const (
	URL    Kind = "url"
	ARL    Kind = "arl"
	CPCode Kind = "cpcode"
)

// Object is one thing to purge. CP codes are kept as decimal strings so all
// kinds share one shape.
type Object struct {
	Kind  Kind   `json:"type"`
	Value string `json:"value"`
}

// Match says what one path became: which rule took it, or why none did.
type Match struct {
	Path    string   `json:"path"`
	Rule    int      `json:"rule,omitempty"` // 1-based; 0 when ignored or unmatched
	Ignored bool     `json:"ignored,omitempty"`
	Objects []Object `json:"objects,omitempty"`
}

// Result is the outcome of mapping a set of paths.
type Result struct {
	Objects   []Object // de-duplicated, in first-seen order
	Matches   []Match  // one per path, in input order
	Unmatched []string // paths no rule and no ignore covers
	Ignored   []string
}

// Map applies the rules to paths: ignore globs first, then the first rule
// whose match fits. Input order decides output order, so a sorted input
// gives a stable plan.
func (c *Config) Map(paths []string) Result {
	var res Result
	seen := map[Object]bool{}
	for _, p := range paths {
		m := c.MapPath(p)
		res.Matches = append(res.Matches, m)
		switch {
		case m.Ignored:
			res.Ignored = append(res.Ignored, p)
		case m.Rule == 0:
			res.Unmatched = append(res.Unmatched, p)
		}
		for _, o := range m.Objects {
			if !seen[o] {
				seen[o] = true
				res.Objects = append(res.Objects, o)
			}
		}
	}
	return res
}

// MapPath maps one path.
func (c *Config) MapPath(p string) Match {
	m := Match{Path: p}
	if matchAny(c.ignore, p) {
		m.Ignored = true
		return m
	}
	for i, r := range c.Rules {
		if !matchAny(r.match, p) {
			continue
		}
		m.Rule = i + 1
		m.Objects = r.objects(p)
		return m
	}
	return m
}

func matchAny(ps []*pattern, p string) bool {
	for _, g := range ps {
		if g.g.Match(p) {
			return true
		}
	}
	return false
}

func (r *Rule) objects(p string) []Object {
	var out []Object
	rel := strings.TrimPrefix(p, r.Strip)
	for _, t := range r.urls {
		v := t.expand(rel)
		kind := URL
		if IsARL(v) {
			kind = ARL
		}
		out = append(out, Object{Kind: kind, Value: v})
	}
	for _, cp := range r.CPCodes {
		out = append(out, Object{Kind: CPCode, Value: strconv.FormatInt(cp, 10)})
	}
	return out
}
