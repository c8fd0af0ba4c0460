package mapper

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"

	"github.com/gobwas/glob"
	"gopkg.in/yaml.v3"
)

// Rule is one entry of rules: the first rule whose match (or regex) fits a
// path decides what that path purges.
type Rule struct {
	Name      string // optional, for messages
	Line, Col int
	Match     []string // globs; empty for a regex rule
	Regex     string   // a regular expression the whole path must match
	Ignore    []string // globs of matched files this rule drops
	Strip     string   // prefix removed before templates
	Bases     []string // the rule's base_url/hosts, else the config's
	URLs      []string // one or more objects per file (templates)
	Also      []string // fixed objects purged whenever the rule matches
	// Index lists the file names served as their folder (index.html), and
	// IndexForms which URLs {path} then stands for: "dir/", "dir", "file".
	Index, IndexForms []string
	// Pretty lists extensions served without them (.html: /about), and
	// PrettyForms which URLs {path} then stands for: "bare", "file".
	Pretty, PrettyForms []string
	CPCodes             []int64
	Tags                []string // templates, as urls: but unescaped
	// Each lists the values each of its names takes: every template is
	// expanded once per combination (the product of the lists).
	Each []Each
	// Source is the signal that decides for the rule's files: SourceGit,
	// SourceOutput, or "" for the default Signal works out.
	Source string

	match            []*pattern
	re               *regexp.Regexp
	reLit            string
	ignore           []*pattern
	urls, also, tags []*template
	combos           [][]string // one entry per combination of Each, in order
}

type pattern struct {
	src       string
	line, col int
	lit       string // literal prefix: a cheap test before the glob
	g         *glob.Pattern
}

func (p *pattern) match(s string) bool { return strings.HasPrefix(s, p.lit) && p.g.Match(s) }

// globCompiler makes "*" stay within a folder and "**/" match zero or more
// folders, as in .gitignore, so "**/*.html" also matches "index.html".
var globCompiler = glob.Compiler{Separators: []rune{'/'}, Globstar: true}

// globLiteral is the part of a glob before its first special character.
func globLiteral(src string) string {
	if i := strings.IndexAny(src, `*?[]{}\`); i >= 0 {
		return src[:i]
	}
	return src
}

var (
	validIndexForms  = []string{"dir/", "dir", "file"}
	validPrettyForms = []string{"bare", "file"}
)

func (p *parser) patterns(v *yaml.Node, what string) []*pattern {
	var out []*pattern
	for _, e := range p.list(v, what) {
		if err := rootGlob(e.Value); err != nil {
			p.errorf(e, "%s: %v", what, err)
			continue
		}
		src := strings.TrimPrefix(e.Value, "/")
		if src == "" {
			p.errorf(e, "empty glob in %s: it would match no file; write the files it means, such as public/**", what)
			continue
		}
		g, err := globCompiler.Compile(src)
		if err != nil {
			p.errorf(e, "bad glob %q in %s: %v (use * within a folder, ** across folders, {a,b} for choices)", e.Value, what, err)
			continue
		}
		out = append(out, &pattern{src: src, line: e.Line, col: e.Column, lit: globLiteral(src), g: g})
	}
	return out
}

func (p *parser) rules(v *yaml.Node, bases []string) []*Rule {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		p.errorf(v, "rules must be a non-empty list of rules, each with match: and urls:, tags: or cpcodes:")
		return nil
	}
	var out []*Rule
	for i, n := range v.Content {
		out = append(out, p.rule(n, i+1, bases))
	}
	return out
}

// ruleNodes are a rule's keys whose reading depends on other keys
// (templates need the regex's groups and the bases).
type ruleNodes struct {
	urls, also, tags, each, baseURL, hosts, indexForms, prettyForms *yaml.Node
}

func (p *parser) rule(n *yaml.Node, num int, bases []string) *Rule {
	r := &Rule{Line: n.Line, Col: n.Column}
	var k ruleNodes
	what := ruleLabel(n, num)
	p.fields(n, what, p.ruleKeys(r, &k, what))
	if n.Kind != yaml.MappingNode {
		return r
	}
	r.Bases = bases
	if k.baseURL != nil || k.hosts != nil {
		r.Bases = p.bases(k.baseURL, k.hosts, what)
	}
	r.Each = p.each(k.each, r, what)
	r.combos = combinations(r.Each)
	r.urls, r.URLs = p.templates(k.urls, what, "urls", r)
	r.also, r.Also = p.templates(k.also, what, "also", r)
	r.tags, r.Tags = p.templates(k.tags, what, "tags", r)
	r.IndexForms = p.forms(k.indexForms, what, "index", r.Index, validIndexForms)
	r.PrettyForms = p.forms(k.prettyForms, what, "pretty", r.Pretty, validPrettyForms)
	p.checkRule(n, r, what)
	return r
}

// ruleLabel names a rule in messages: its number, and its name: if any,
// read ahead so that errors in keys before name: carry it too.
func ruleLabel(n *yaml.Node, num int) string {
	for i := 0; i+1 < len(n.Content) && n.Kind == yaml.MappingNode; i += 2 {
		if n.Content[i].Value == "name" && n.Content[i+1].Kind == yaml.ScalarNode {
			return fmt.Sprintf("rule %d (%q)", num, n.Content[i+1].Value)
		}
	}
	return fmt.Sprintf("rule %d", num)
}

func (p *parser) ruleKeys(r *Rule, k *ruleNodes, what string) map[string]func(*yaml.Node) {
	return map[string]func(*yaml.Node){
		"name":  func(v *yaml.Node) { r.Name, _ = p.scalar(v, what+" name") },
		"match": func(v *yaml.Node) { r.match = p.patterns(v, what+" match"); r.Match = srcs(r.match) },
		"regex": func(v *yaml.Node) { p.regex(v, r, what) },
		"ignore": func(v *yaml.Node) {
			r.ignore = p.patterns(v, what+" ignore")
			r.Ignore = srcs(r.ignore)
		},
		"strip": func(v *yaml.Node) {
			r.Strip, _ = p.scalar(v, what+" strip")
			// A prefix is a folder: "public" strips "public/", never
			// the "public" of "publicity/".
			r.Strip = strings.TrimPrefix(r.Strip, "/")
			if r.Strip != "" && !strings.HasSuffix(r.Strip, "/") {
				r.Strip += "/"
			}
		},
		"base_url":     func(v *yaml.Node) { k.baseURL = v },
		"hosts":        func(v *yaml.Node) { k.hosts = v },
		"urls":         func(v *yaml.Node) { k.urls = v },
		"also":         func(v *yaml.Node) { k.also = v },
		"index":        func(v *yaml.Node) { r.Index = p.strings(v, what+" index") },
		"index_forms":  func(v *yaml.Node) { k.indexForms = v },
		"pretty":       func(v *yaml.Node) { r.Pretty = p.extensions(v, what+" pretty") },
		"pretty_forms": func(v *yaml.Node) { k.prettyForms = v },
		"cpcodes":      func(v *yaml.Node) { r.CPCodes = p.cpcodes(v, what+" cpcodes") },
		"tags":         func(v *yaml.Node) { k.tags = v },
		"each":         func(v *yaml.Node) { k.each = v },
		"source":       func(v *yaml.Node) { r.Source = p.source(v, what) },
	}
}

func srcs(ps []*pattern) []string {
	var out []string
	for _, x := range ps {
		out = append(out, x.src)
	}
	return out
}

// regex compiles a rule's regular expression, anchored so it must match
// the whole path, as a glob does.
func (p *parser) regex(v *yaml.Node, r *Rule, what string) {
	src, ok := p.scalar(v, what+" regex")
	if !ok {
		return
	}
	re, err := regexp.Compile(`^(?:` + src + `)$`)
	if err != nil {
		p.errorf(v, "%s: bad regex %q: %v (Go RE2 syntax; name groups with (?P<name>…) to use them as {name})", what, src, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
		return
	}
	for _, g := range re.SubexpNames() {
		if _, builtin := placeholders[g]; builtin {
			p.errorf(v, "%s: regex group %q has the name of a built-in placeholder; rename it (valid built-ins are %s)", what, g, builtinNames)
			return
		}
		if isNumber(g) {
			// {1} is the first group by number: a group named 1 would
			// make {1} mean two things.
			p.errorf(v, "%s: regex group %q is named with a number, which {%s} already means (the group by position); name it with a letter first", what, g, g)
			return
		}
	}
	r.Regex, r.re = src, re
	r.reLit = regexLiteral(src)
}

// regexLiteral is the literal text every match of src starts with, for the
// index. regexp.LiteralPrefix is no help here: it gives "" for many
// patterns that do start with a literal (data/(?P<y>\d{4})/(?P<s>[^/]+)\.json).
func regexLiteral(src string) string {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return ""
	}
	var b strings.Builder
	literalPrefix(re.Simplify(), &b)
	return b.String()
}

// literalPrefix appends the literal start of re to b and reports whether
// all of re was literal, so a concatenation may go on to the next part.
func literalPrefix(re *syntax.Regexp, b *strings.Builder) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return false
		}
		b.WriteString(string(re.Rune))
		return true
	case syntax.OpBeginText, syntax.OpEmptyMatch:
		return true
	case syntax.OpCapture:
		return literalPrefix(re.Sub[0], b)
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !literalPrefix(s, b) {
				return false
			}
		}
		return true
	}
	return false
}

// ngroups is the length of a regex match's submatch slice.
func (r *Rule) ngroups() int {
	if r.re == nil {
		return 0
	}
	return r.re.NumSubexp() + 1
}

// groupNames maps each regex group's name and number ("1") to its index.
func (r *Rule) groupNames() map[string]int {
	out := map[string]int{}
	if r.re == nil {
		return out
	}
	for i, g := range r.re.SubexpNames() {
		if g != "" {
			out[g] = i
		}
		if i > 0 {
			out[strconv.Itoa(i)] = i
		}
	}
	return out
}

func (p *parser) templates(v *yaml.Node, what, key string, r *Rule) ([]*template, []string) {
	if v == nil {
		return nil, nil
	}
	var ts []*template
	var srcs []string
	sc := scope{groups: r.groupNames(), vars: r.varNames(), tag: key == "tags"}
	for _, e := range p.list(v, what+" "+key) {
		if sc.tag && !strings.ContainsAny(e.Value, "{}") {
			// A tag without placeholders is checked whole, as at the top level.
			if err := checkTag(e.Value); err != nil {
				p.errorf(e, "%s tags: %s", what, strings.TrimSuffix(err.Error(), tagHint))
				continue
			}
		}
		t, err := parseTemplate(e.Value, sc)
		if err == nil && key == "urls" && !t.namesFile {
			err = fmt.Errorf("template %q names no file: add {path} (or {dir} for a folder URL), or move it to also: to purge it whenever the rule matches", e.Value)
		}
		if err == nil {
			err = p.checkTemplate(t, r, what)
		}
		if err != nil {
			p.errorf(e, "%s: %v", what, err)
			continue
		}
		ts, srcs = append(ts, t), append(srcs, e.Value)
	}
	return ts, srcs
}

func (p *parser) extensions(v *yaml.Node, what string) []string {
	var out []string
	for _, e := range p.list(v, what) {
		if !strings.HasPrefix(e.Value, ".") || strings.Contains(e.Value, "/") {
			p.errorf(e, "%s: %q is not an extension: write it with its dot, as .html", what, e.Value)
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// forms reads index_forms or pretty_forms; without the key, every form.
func (p *parser) forms(v *yaml.Node, what, key string, names, valid []string) []string {
	if v == nil {
		return valid
	}
	if len(names) == 0 {
		p.errorf(v, "%s: %s_forms without %s: add %s: (the file names or extensions it applies to)", what, key, key, key)
	}
	var out []string
	for _, e := range p.list(v, what+" "+key+"_forms") {
		if !slices.Contains(valid, e.Value) {
			p.errorf(e, "%s: unknown %s form %q; valid forms are %q", what, key, e.Value, valid)
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

func (p *parser) checkRule(n *yaml.Node, r *Rule, what string) {
	switch {
	case r.Match == nil && r.Regex == "" && !p.hasErrorAt(n):
		p.errorf(n, "%s has no match: add match: (globs of the files it covers) or regex: (a regular expression)", what)
	case r.Match != nil && r.Regex != "":
		p.errorf(n, "%s has both match: and regex:; keep one (a regex rule may use ignore: for exceptions)", what)
	}
	if len(r.URLs)+len(r.Also)+len(r.CPCodes)+len(r.Tags) == 0 && !p.hasErrorAt(n) {
		p.errorf(n, "%s purges nothing: give it urls: (templates with {path}), also:, tags: or cpcodes:", what)
	}
	if (len(r.Index) > 0 || len(r.Pretty) > 0) && !r.usesPath() && !p.hasErrorAt(n) {
		p.errorf(n, "%s has index: or pretty: but no urls: template uses {path}, which is what they change", what)
	}
}

func (r *Rule) usesPath() bool {
	for _, t := range r.urls {
		if t.usesPath {
			return true
		}
	}
	return false
}

// hasErrorAt avoids a second, vaguer message about a rule whose keys
// already failed.
func (p *parser) hasErrorAt(n *yaml.Node) bool {
	end := n.Line
	if len(n.Content) > 0 {
		end = lastLine(n)
	}
	for _, e := range p.errs {
		if e.Line >= n.Line && e.Line <= end {
			return true
		}
	}
	return false
}

func lastLine(n *yaml.Node) int {
	for len(n.Content) > 0 {
		n = n.Content[len(n.Content)-1]
	}
	return n.Line
}
