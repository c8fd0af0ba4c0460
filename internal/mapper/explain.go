package mapper

import "fmt"

// The outcomes Explain reports.
const (
	StatusMatched   = "matched"
	StatusIgnored   = "ignored"
	StatusUnmatched = "unmatched"
	StatusRejected  = "rejected"
)

// Explanation is why one path purges what it purges: the rule (with its
// position, so the reader can open it), the pattern that fitted and the
// objects; or why nothing is purged.
type Explanation struct {
	Path     string   `json:"path"`
	Status   string   `json:"status"`             // matched, ignored, unmatched or rejected
	Rule     int      `json:"rule,omitempty"`     // 1-based
	RuleName string   `json:"ruleName,omitempty"` // the rule's name:, if any
	At       string   `json:"at,omitempty"`       // file:line:col of the rule or ignore glob that decided
	Pattern  string   `json:"pattern,omitempty"`  // the match glob or regex that fitted
	Objects  []Object `json:"objects"`
	Reason   string   `json:"reason"`
}

// Explain maps p as Map would and says why. It needs no repository: the
// path need not exist, so a rule can be tried before the file is written.
func (c *Config) Explain(p string) Explanation {
	var sc scratch
	m, w := c.lookup(p, &sc)
	e := Explanation{Path: p, Rule: m.Rule, Pattern: w.pattern, Objects: m.Objects}
	if e.Objects == nil {
		e.Objects = []Object{}
	}
	var r *Rule
	if m.Rule > 0 {
		r = c.Rules[m.Rule-1]
		e.RuleName, e.At = r.Name, c.pos(r.Line, r.Col)
	}
	switch {
	case m.Rejected != "":
		e.Status, e.Reason = StatusRejected, m.Rejected+" (counted as unmatched: "+c.Unmatched+")"
	case m.Ignored && r == nil:
		e.Status, e.At = StatusIgnored, c.pos(w.ignore.line, w.ignore.col)
		e.Reason = fmt.Sprintf("the top-level ignore glob %q drops it", w.ignore.src)
	case m.Ignored:
		e.Status, e.At = StatusIgnored, c.pos(w.ignore.line, w.ignore.col)
		e.Reason = fmt.Sprintf("rule %d matches with %q but its ignore glob %q drops it", m.Rule, w.pattern, w.ignore.src)
	case m.Rule > 0:
		e.Status, e.Reason = StatusMatched, c.matchReason(r, m.Rule, w.pattern, len(m.Objects))
	default:
		e.Status, e.Reason = StatusUnmatched, c.unmatchedReason(p)
	}
	return e
}

// unmatchedReason names the nearest rule, whose glob is often the one
// with the typo or the missing folder.
func (c *Config) unmatchedReason(p string) string {
	s := fmt.Sprintf("no rule matches it (unmatched: %s)", c.Unmatched)
	if num, pattern := c.nearest(p); num > 0 {
		r := c.Rules[num-1]
		s += fmt.Sprintf("; the nearest is rule %d (%s) at %s", num, pattern, c.pos(r.Line, r.Col))
	}
	return s + ": add a rule, or an ignore glob if it is never served"
}

// ExplainAll explains each path, in order, as a shell completes it
// (./public/x.html, or a Windows-style path); never nil, so the JSON
// document lists [] for none.
func (c *Config) ExplainAll(paths []string) []Explanation {
	out := make([]Explanation, len(paths))
	for i, p := range paths {
		out[i] = c.Explain(slashPath(p))
	}
	return out
}

func (c *Config) pos(line, col int) string { return fmt.Sprintf("%s:%d:%d", c.File, line, col) }

func (c *Config) matchReason(r *Rule, num int, by string, n int) string {
	s := fmt.Sprintf("rule %d matches with %q", num, by)
	if r.Regex != "" {
		s = fmt.Sprintf("rule %d matches with the regex %q", num, by)
	}
	if r.Strip != "" {
		s += fmt.Sprintf(", strip %q", r.Strip)
	}
	return s + fmt.Sprintf(": %d object(s)", n)
}
