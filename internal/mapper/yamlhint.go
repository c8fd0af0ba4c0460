package mapper

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// yaml.v3 reports a syntax error at the line where the enclosing block
// began (rules:, often), not at the line that broke it, and without a
// column. syntaxHint reads the source itself for the slips that cause
// most of them, an unquoted template or glob and a key indented unlike its
// siblings (with spaces, or with a tab), to point at the real line and say
// what to do.

// hint is a syntax problem found in the source: 1-based line and column.
type hint struct {
	line, col int
	msg       string
}

// syntaxHint returns the first slip at or after line from, if any.
func syntaxHint(data []byte, from int) *hint {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	if h := unquotedTemplate(lines, from); h != nil {
		return h
	}
	if h := flowTemplate(lines, from); h != nil {
		return h
	}
	if h := unquotedAlias(lines, from); h != nil {
		return h
	}
	if h := tabIndent(lines, from); h != nil {
		return h
	}
	if h := misindented(lines); h != nil && h.line >= from {
		return h
	}
	return nil
}

// templateValue is a value (after "key: ", "- " or a flow sequence's
// "[" or ",") that starts with a {placeholder} and goes on past its "}":
// YAML reads "{" as the start of a mapping, which such text is not.
var templateValue = regexp.MustCompile(`^(\s*(?:-\s+)*(?:[\w.-]+:\s+)?(?:\[\s*|[^#]*,\s*)?)(\{[\w.|: ]*\}[^\s,\]}#][^#]*?)\s*(?:#.*)?$`)

// unquotedTemplate finds a template written without quotes.
func unquotedTemplate(lines []string, from int) *hint {
	for i, l := range lines {
		m := templateValue.FindStringSubmatchIndex(l)
		if m == nil || i+1 < from {
			continue
		}
		key, val := keyOf(l), strings.TrimRight(l[m[4]:m[5]], "] ")
		return &hint{line: i + 1, col: m[4] + 1, msg: "templates start with {, which YAML reads as a mapping: quote them (" + key + `"` + val + `")`}
	}
	return nil
}

// aliasValue is a value (after "key: ", "- ", or "[" or "," in a flow
// list: in a plain block value ", *" is text) that starts
// with * or &, as a glob such as *.html does: YAML reads * as an alias of
// an anchor and & as an anchor, and fails.
var aliasValue = regexp.MustCompile(`^(\s*(?:-\s+)*(?:[\w.-]+:\s+)?(?:\[\s*|\[[^\]#"']*,\s*)?)([*&][^\s,\]#]*)`)

// unquotedAlias finds a glob written without quotes that YAML reads as
// an alias.
func unquotedAlias(lines []string, from int) *hint {
	for i, l := range lines {
		m := aliasValue.FindStringSubmatchIndex(l)
		if m == nil || i+1 < from {
			continue
		}
		val := l[m[4]:m[5]]
		return &hint{line: i + 1, col: m[4] + 1, msg: "YAML reads a value starting with " + val[:1] + " as an alias or anchor: quote the glob (" + keyOf(l) + `"` + val + `")`}
	}
	return nil
}

// tabIndent finds a line indented with a tab, which YAML forbids.
func tabIndent(lines []string, from int) *hint {
	for i, l := range lines {
		if i+1 < from {
			continue
		}
		if indent := l[:len(l)-len(strings.TrimLeft(l, " \t"))]; strings.Contains(indent, "\t") {
			return &hint{line: i + 1, col: strings.IndexByte(l, '\t') + 1, msg: fmt.Sprintf("line %d is indented with a tab, which YAML does not allow: indent with spaces", i+1)}
		}
	}
	return nil
}

// flowList is a one-line flow sequence after a key: tags: [a, b].
var flowList = regexp.MustCompile(`^(\s*(?:-\s+)*[\w.-]+:\s+\[)([^\]#]*)\]`)

// flowTemplate finds, in a one-line [list], an unquoted item holding a
// {placeholder} after other text (docs-{lang}): in a flow sequence YAML
// reads its "{" as the start of a mapping, and fails on the line above.
func flowTemplate(lines []string, from int) *hint {
	for i, l := range lines {
		m := flowList.FindStringSubmatchIndex(l)
		if m == nil || i+1 < from {
			continue
		}
		col := m[4]
		for _, item := range strings.Split(l[m[4]:m[5]], ",") {
			t := strings.TrimSpace(item)
			if t != "" && !strings.ContainsAny(t[:1], `"'`) && strings.Contains(t, "{") {
				at := col + strings.Index(item, t)
				return &hint{line: i + 1, col: at + 1, msg: "a template in a [list] holds {, which YAML reads as a mapping: quote it (" + keyOf(l) + `["` + t + `"])`}
			}
			col += len(item) + 1
		}
	}
	return nil
}

// keyOf is what comes before the value in the fix: "urls: " for a line
// "    urls: {base}/x", "- " for a list item.
func keyOf(l string) string {
	t := strings.TrimSpace(l)
	if k := lineKey.FindString(strings.TrimLeft(t, "- ")); k != "" {
		return strings.TrimSpace(k) + " "
	}
	if strings.HasPrefix(t, "- ") {
		return "- "
	}
	return ""
}

// level is an open block: the column its entries start at, and whether
// they are list items ("- ") or keys.
type level struct {
	col int
	seq bool
}

// lineKey matches a line's key ("strip:", "'a b':"), after any "- ".
var lineKey = regexp.MustCompile(`^(?:[\w.$/-]+|"[^"]*"|'[^']*'):(?:\s|$)`)

// indenter follows the open blocks line by line, as YAML's block
// structure does: an entry lines up with its siblings, a nested block
// starts deeper after a "key:" with no value.
type indenter struct {
	stack    []level
	opens    bool // the last key had no value: a nested block may follow
	skipOver int  // a block scalar's key column: deeper lines are its text
	flow     int  // depth of an unclosed [ or { spanning lines
}

// misindented finds the first key or list item that lines up with no open
// block of its kind.
func misindented(lines []string) *hint {
	in := &indenter{skipOver: -1}
	for i, l := range lines {
		if h := in.line(l); h != nil {
			h.line, h.msg = i+1, fmt.Sprintf("check the indentation of line %d: %s", i+1, h.msg)
			return h
		}
	}
	return nil
}

func (in *indenter) line(l string) *hint {
	t := strings.TrimSpace(l)
	col := len(l) - len(strings.TrimLeft(l, " "))
	switch {
	case t == "" || t[0] == '#' || t == "---" || strings.HasPrefix(l, "\t"):
		return nil
	case in.flow > 0:
		in.flow = max(in.flow+flowDepth(t), 0)
		return nil
	case in.skipOver >= 0 && col > in.skipOver:
		return nil
	}
	in.skipOver = -1
	item := t == "-" || strings.HasPrefix(t, "- ")
	if !item && !lineKey.MatchString(t) {
		in.opens = false // a scalar value on its own line, or its continuation
		return nil
	}
	if len(in.stack) == 0 {
		in.stack = []level{{col, item}}
	}
	if !in.nest(col, item) && !in.align(col, item) {
		return in.hint(t, col, item)
	}
	in.entered(t, col, item)
	return nil
}

// nest opens a block under a key that had no value.
func (in *indenter) nest(col int, item bool) bool {
	top := in.stack[len(in.stack)-1]
	if !in.opens || !(col > top.col || item && col == top.col && !top.seq) {
		return false
	}
	in.stack = append(in.stack, level{col, item})
	return true
}

// align finds the open block the entry belongs to and closes the deeper ones.
func (in *indenter) align(col int, item bool) bool {
	for i := len(in.stack) - 1; i >= 0; i-- {
		if in.stack[i] == (level{col, item}) {
			in.stack = in.stack[:i+1]
			return true
		}
	}
	return false
}

// entered records what an entry opens: a list item's mapping, a nested
// block after "key:", a block scalar's text, a flow collection.
func (in *indenter) entered(t string, col int, item bool) {
	for item && (t == "-" || strings.HasPrefix(t, "- ")) {
		rest := strings.TrimLeft(t[1:], " ")
		col += len(t) - len(rest)
		if t = rest; lineKey.MatchString(t) {
			in.stack = append(in.stack, level{col, false})
		}
	}
	value := ""
	if k := lineKey.FindString(t); k != "" {
		value = strings.TrimSpace(t[len(k):])
	} else if t != "" {
		value = t
	}
	if i := strings.Index(value, " #"); i >= 0 || strings.HasPrefix(value, "#") {
		value = strings.TrimSpace(value[:max(i, 0)])
	}
	in.opens = value == ""
	switch {
	case value != "" && strings.ContainsAny(value[:1], "|>"):
		in.skipOver = col
	case value != "" && strings.ContainsAny(value[:1], "[{"):
		in.flow = max(flowDepth(value), 0)
	}
}

// flowDepth is how many [ and { s opens (or, below 0, closes), outside quotes.
func flowDepth(s string) int {
	depth, quote := 0, rune(0)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'':
			quote = r
		case r == '[' || r == '{':
			depth++
		case r == ']' || r == '}':
			depth--
		}
	}
	return depth
}

// hint says which columns the entry could have meant.
func (in *indenter) hint(t string, col int, item bool) *hint {
	what, kind := "the list item", "list items"
	if !item {
		what, kind = strings.TrimSpace(lineKey.FindString(t)), "keys"
	}
	var cols []string
	for _, lv := range in.stack {
		if c := strconv.Itoa(lv.col); lv.seq == item && !slices.Contains(cols, c) {
			cols = append(cols, c)
		}
	}
	msg := fmt.Sprintf("%s is indented %s", what, spaces(col))
	if len(cols) > 0 {
		msg += fmt.Sprintf(", the %s above it %s", kind, strings.Join(cols, " or "))
	}
	return &hint{col: col + 1, msg: msg + " (the keys of one mapping line up; a nested block goes deeper than its key)"}
}

func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return strconv.Itoa(n) + " spaces"
}
