package mapper

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Warning is a rule that purges nothing for the files of a commit: it
// matches none of them, or an earlier rule takes every one it matches.
// Neither is an error: the files may come later, or the order may be
// meant; but both are usually a typo or a rule in the wrong place.
type Warning struct {
	Rule int    // 1-based; 0 for a setting outside the rules
	At   string // file:line:col of the rule or setting
	Msg  string
}

// String is the warning as validate prints it: file:line:col: warning: msg.
func (w Warning) String() string { return w.At + ": warning: " + w.Msg }

// Warnings are Lint's findings: the settings', then the rules' in order.
type Warnings []Warning

// At is the warnings as lines for the commit sha they were found at, each
// ending in a newline; "" for none.
func (ws Warnings) At(sha string) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "%s (at %.12s)\n", w, sha)
	}
	return b.String()
}

// ruleUse is what Lint counts for one rule.
type ruleUse struct {
	matched  int   // files the rule's match or regex fits
	taken    int   // of which it is the first rule
	shadowed []int // the earlier rules (1-based) that take the others
}

// Lint checks the rules against files, every path of one commit: a rule
// that matches none of them (with the nearest existing folder when a
// folder of its glob is misspelt), and a rule shadowed by earlier ones.
// Files the top-level ignore drops are not counted. A setting that loads
// but does nothing on the config's network (verify.staging_edge on
// production), or two names for the build folder, comes first, with
// Rule 0; a rule's source: output that no built file can reach, with the
// rule's other findings.
func (c *Config) Lint(files []string) Warnings {
	uses := c.ruleUses(files)
	tree := folders(files)
	out := append(c.verifyWarnings(), c.outputWarnings()...)
	for i, r := range c.Rules {
		if w, ok := c.sourceWarning(i); ok {
			out = append(out, w)
		}
		u := uses[i]
		switch {
		case u.matched == 0:
			out = append(out, c.warn(i, "no file matches "+strings.Join(rulePatternSrcs(r), " or ")+suggestion(r, tree)))
		case u.taken == 0:
			out = append(out, c.warn(i, fmt.Sprintf("every file it matches (%d) is taken by an earlier rule (%s), so it never decides one: move it above, or narrow the earlier rule", u.matched, ruleList(u.shadowed))))
		}
	}
	return out
}

func (c *Config) warn(i int, msg string) Warning {
	r := c.Rules[i]
	return Warning{Rule: i + 1, At: c.pos(r.Line, r.Col), Msg: fmt.Sprintf("rule %d: %s", i+1, msg)}
}

// ruleUses matches every file against every rule, as Map would without
// stopping at the first.
func (c *Config) ruleUses(files []string) []ruleUse {
	uses := make([]ruleUse, len(c.Rules))
	for _, f := range files {
		if checkPath(f) != "" || slices.ContainsFunc(c.ignore, func(g *pattern) bool { return g.match(f) }) {
			continue
		}
		first := 0
		for i, r := range c.Rules {
			if _, _, ok := r.matches(f); !ok {
				continue
			}
			uses[i].matched++
			if first == 0 {
				first, uses[i].taken = i+1, uses[i].taken+1
			} else if !slices.Contains(uses[i].shadowed, first) {
				uses[i].shadowed = append(uses[i].shadowed, first)
			}
		}
	}
	return uses
}

func rulePatternSrcs(r *Rule) []string {
	var out []string
	for _, m := range rulePatterns(r) {
		out = append(out, m.src)
	}
	return out
}

// ruleList is "rule 1" or "rules 1 and 3" or "rules 1, 2 and 4".
func ruleList(nums []int) string {
	slices.Sort(nums)
	s := make([]string, len(nums))
	for i, n := range nums {
		s[i] = fmt.Sprint(n)
	}
	if len(s) == 1 {
		return "rule " + s[0]
	}
	return "rules " + strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// folders maps each folder of files ("" for the root) to its subfolders.
func folders(files []string) map[string][]string {
	tree := map[string][]string{}
	for _, f := range files {
		parent := ""
		for {
			name, rest, ok := strings.Cut(f, "/")
			if !ok {
				break
			}
			if !slices.Contains(tree[parent], name) {
				tree[parent] = append(tree[parent], name)
			}
			parent, f = parent+name+"/", rest
		}
	}
	for _, kids := range tree {
		slices.Sort(kids)
	}
	return tree
}

// suggestion is "; did you mean static/**?" for a glob whose fixed
// folders name one that does not exist, with the closest existing folder
// at that level; "" when every folder exists or none is close.
func suggestion(r *Rule, tree map[string][]string) string {
	for _, m := range r.match {
		if s := respell(m.src, m.lit, tree); s != "" {
			return "; did you mean " + s + "?"
		}
	}
	return ""
}

// respell walks the glob's whole literal folders down the tree and
// replaces the first that is missing by its nearest sibling.
func respell(src, lit string, tree map[string][]string) string {
	parent, rest := "", src
	for {
		seg, after, ok := strings.Cut(lit, "/")
		if !ok {
			return ""
		}
		if !slices.Contains(tree[parent], seg) {
			near := closest(seg, tree[parent])
			if near == "" {
				return ""
			}
			return parent + near + strings.TrimPrefix(rest, seg)
		}
		parent, lit, rest = parent+seg+"/", after, strings.TrimPrefix(rest, seg+"/")
	}
}

// closest is the candidate fewest edits from s, if that is few enough for
// a typo (one edit in a short name, two or a third of a longer one: a
// swap of two letters is two), not another folder.
func closest(s string, candidates []string) string {
	limit := 1
	if len(s) >= 4 {
		limit = max(2, len(s)/3)
	}
	best, bestD := "", limit+1
	for _, c := range candidates {
		if d := suggest.Distance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// LintChanges is Lint for the files of a commit as diff lists them
// against the empty tree (anything with Paths, so mapper needs no git).
func LintChanges[C interface{ Paths() []string }](c *Config, changes []C) Warnings {
	var files []string
	for _, ch := range changes {
		files = append(files, ch.Paths()...)
	}
	return c.Lint(files)
}
