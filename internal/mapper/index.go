package mapper

import (
	"slices"
	"strings"
)

// ruleIndex finds the rules that can match a path without trying them
// all: each rule hangs under the folders of its patterns' literal prefix
// ("content/posts/" for "content/posts/**/*.md"), so a path only visits
// the rules under its own folders plus those with a wildcard first. With
// hundreds of rules this keeps a path to a few glob tests.
type ruleIndex struct {
	root *trieNode
}

type trieNode struct {
	kids  map[string]*trieNode
	rules []int // indexes into Config.Rules, ascending
}

func buildIndex(rules []*Rule) *ruleIndex {
	ix := &ruleIndex{root: &trieNode{}}
	for i, r := range rules {
		for _, lit := range r.literals() {
			ix.add(lit, i)
		}
	}
	return ix
}

func (r *Rule) literals() []string {
	if r.re != nil {
		return []string{r.reLit}
	}
	var out []string
	for _, m := range r.match {
		out = append(out, m.lit)
	}
	return out
}

// add files rule i under the folders of lit, its literal prefix.
func (ix *ruleIndex) add(lit string, i int) {
	n := ix.root
	dir := lit[:strings.LastIndexByte(lit, '/')+1]
	for dir != "" {
		seg, rest, _ := strings.Cut(dir, "/")
		if n.kids == nil {
			n.kids = map[string]*trieNode{}
		}
		k := n.kids[seg]
		if k == nil {
			k = &trieNode{}
			n.kids[seg] = k
		}
		n, dir = k, rest
	}
	if len(n.rules) == 0 || n.rules[len(n.rules)-1] != i {
		n.rules = append(n.rules, i)
	}
}

// candidates appends to buf, in rule order and without repeats, every rule
// that may match p.
func (ix *ruleIndex) candidates(p string, buf []int) []int {
	n := ix.root
	buf = append(buf, n.rules...)
	for n.kids != nil {
		seg, rest, ok := strings.Cut(p, "/")
		if !ok {
			break
		}
		if n = n.kids[seg]; n == nil {
			break
		}
		buf = append(buf, n.rules...)
		p = rest
	}
	return sortUnique(buf)
}

// sortUnique sorts a short slice in place and drops repeats.
func sortUnique(xs []int) []int {
	slices.Sort(xs)
	return slices.Compact(xs)
}
