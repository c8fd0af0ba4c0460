package mapper

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
)

// template is a compiled object template such as "{base}/{path|lower}":
// literal text and placeholders, each with filters.
type template struct {
	src       string
	parts     []tplPart
	usesBase  bool // {base} or {host}: expanded once per base
	usesPath  bool // {path}: expanded once per index or pretty form
	namesFile bool // inserts something of the file, not only the site
	arl       bool // makes ARLs (decided at load: the prefix is fixed)
}

type tplPart struct {
	lit     string
	ph      placeholder
	group   int // submatch index, for phGroup
	filters []filter
}

type placeholder int

const (
	phNone placeholder = iota
	phBase
	phHost
	phPath
	phDir
	phName
	phStem
	phExt
	phGroup
)

var placeholders = map[string]placeholder{
	"base": phBase, "host": phHost, "path": phPath, "dir": phDir,
	"name": phName, "stem": phStem, "ext": phExt,
}

const builtinNames = "{base}, {host}, {path}, {dir}, {name}, {stem}, {ext}"

// subject is what a template is expanded for: the path after strip, the
// form of it {path} stands for, and a regex rule's submatches.
type subject struct {
	rel, path string
	groups    []string
}

// parseTemplate compiles src; groups names a regex rule's named groups.
func parseTemplate(src string, groups map[string]int) (*template, error) {
	t := &template{src: src}
	rest := src
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			if err := checkLiteral(src, rest); err != nil {
				return nil, err
			}
			t.parts = append(t.parts, tplPart{lit: rest})
			break
		}
		if rest[i] == '}' {
			return nil, fmt.Errorf("template %q has a '}' without '{'", src)
		}
		if i > 0 {
			if err := checkLiteral(src, rest[:i]); err != nil {
				return nil, err
			}
			t.parts = append(t.parts, tplPart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("template %q has an unclosed '{'", src)
		}
		part, err := parsePlaceholder(src, rest[i+1:i+j], groups)
		if err != nil {
			return nil, err
		}
		t.add(part)
		rest = rest[i+j+1:]
	}
	return t, t.checkBase()
}

// checkLiteral refuses characters a template's own text may not hold raw:
// the API rejects non-ASCII URLs (400) and a space or control character
// is not a URL at all, so the whole batch would fail. Inserted values are
// encoded; literal text must be written encoded already.
func checkLiteral(src, lit string) error {
	for i := 0; i < len(lit); i++ {
		if c := lit[i]; c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '`' || c == '\\' {
			return fmt.Errorf("template %q has a raw %q in its text: write it percent-encoded as browsers send it (%%20 for a space, %%C3%%A9 for é)", src, string(firstRune(lit[i:])))
		}
	}
	return nil
}

func firstRune(s string) rune {
	for _, r := range s {
		return r
	}
	return 0
}

func (t *template) add(p tplPart) {
	switch p.ph {
	case phBase, phHost:
		t.usesBase = true
	case phPath:
		t.usesPath, t.namesFile = true, true
	default:
		t.namesFile = true
	}
	t.parts = append(t.parts, p)
}

func parsePlaceholder(src, body string, groups map[string]int) (tplPart, error) {
	fields := strings.Split(body, "|")
	name := fields[0]
	part := tplPart{ph: placeholders[name]}
	if g, ok := groups[name]; ok && part.ph == phNone {
		part.ph, part.group = phGroup, g
	}
	if part.ph == phNone {
		return part, fmt.Errorf("template %q uses unknown placeholder {%s}; valid placeholders are %s", src, name, placeholderList(groups))
	}
	for _, f := range fields[1:] {
		flt, err := parseFilter(f)
		if err != nil {
			return part, fmt.Errorf("template %q: %v", src, err)
		}
		part.filters = append(part.filters, flt)
	}
	return part, nil
}

func placeholderList(groups map[string]int) string {
	var gs []string
	for g := range groups {
		gs = append(gs, "{"+g+"}")
	}
	sort.Strings(gs)
	return strings.Join(append([]string{builtinNames}, gs...), ", ")
}

// checkBase requires {base} to open the template and be followed by "/",
// "?" or nothing: base_url has no trailing slash, so "{base}{path}" would
// glue the path onto the host.
func (t *template) checkBase() error {
	for i, p := range t.parts {
		if p.ph != phBase {
			continue
		}
		if i != 0 {
			return fmt.Errorf("template %q: {base} must start the template, as in {base}/{path}; use {host} inside a URL or ARL", t.src)
		}
		if i+1 < len(t.parts) && (t.parts[i+1].ph != phNone || !strings.ContainsAny(t.parts[i+1].lit[:1], "/?")) {
			return fmt.Errorf("template %q: put a / after {base}, as in {base}/{path}", t.src)
		}
	}
	return nil
}

// A filter transforms the value a placeholder inserts, before it is
// percent-encoded: static site generators rewrite names (Hugo lower-cases
// URLs, turns x.md into x/).
type filter struct {
	kind filterKind
	arg  string
}

type filterKind int

const (
	fLower   filterKind = iota // lower-case
	fExt                       // replace the extension with arg ("" removes it)
	fNoSlash                   // drop a trailing slash
)

const validFilters = "lower, ext:X (replace the extension with X; ext: removes it), noslash"

func parseFilter(f string) (filter, error) {
	switch name, arg, hasArg := strings.Cut(f, ":"); {
	case name == "lower" && !hasArg:
		return filter{kind: fLower}, nil
	case name == "noslash" && !hasArg:
		return filter{kind: fNoSlash}, nil
	case name == "ext" && hasArg:
		return filter{kind: fExt, arg: arg}, nil
	}
	return filter{}, fmt.Errorf("unknown filter %q; valid filters are %s", f, validFilters)
}

func (f filter) apply(v string) string {
	switch f.kind {
	case fLower:
		return strings.ToLower(v)
	case fNoSlash:
		return strings.TrimSuffix(v, "/")
	}
	if v == "" || strings.HasSuffix(v, "/") {
		return v // a folder has no extension to replace
	}
	return v[:len(v)-len(path.Ext(v))] + f.arg
}

// value is what placeholder part inserts for s on base (before escaping).
func (p *tplPart) value(s *subject, base, host string) string {
	switch p.ph {
	case phBase:
		return base
	case phHost:
		return host
	case phPath:
		return s.path
	case phDir:
		if d := path.Dir(s.rel); d != "." {
			return d + "/"
		}
		return ""
	case phName:
		return path.Base(s.rel)
	case phStem:
		b := path.Base(s.rel)
		return b[:len(b)-len(path.Ext(b))]
	case phExt:
		return strings.TrimPrefix(path.Ext(s.rel), ".")
	}
	return s.groups[p.group]
}

// expand fills the placeholders for s and base; the file's parts are
// percent-encoded (EscapePath), the base is inserted as configured.
func (t *template) expand(dst []byte, s *subject, base string) []byte {
	host := hostOf(base)
	for i := range t.parts {
		p := &t.parts[i]
		if p.ph == phNone {
			dst = append(dst, p.lit...)
			continue
		}
		v := p.value(s, base, host)
		for _, f := range p.filters {
			v = f.apply(v)
		}
		if p.ph == phBase || p.ph == phHost {
			dst = append(dst, v...)
			continue
		}
		dst = appendEscaped(dst, v)
	}
	return dst
}

// hostOf is the host (with port) of a normalised base URL.
func hostOf(base string) string {
	_, rest, ok := strings.Cut(base, "://")
	if !ok {
		return ""
	}
	h, _, _ := strings.Cut(rest, "/")
	return h
}

// samples are two different files a template is tried on at load: the
// host must not change between them (no file placeholder in the host).
func samples(ngroups int) [2]subject {
	var out [2]subject
	for i, v := range []string{"x", "y"} {
		rel := [2]string{"dir/file.html", "other/page.txt"}[i]
		out[i] = subject{rel: rel, path: rel, groups: make([]string, ngroups)}
		for g := range out[i].groups {
			out[i].groups[g] = v
		}
	}
	return out
}

// check expands t for every base on sample files and requires each result
// to be an absolute http(s) URL with a fixed lower-case host, or an ARL.
func (t *template) check(bases []string, ngroups int) error {
	if t.usesBase && len(bases) == 0 {
		return fmt.Errorf("template %q uses {base} or {host} but neither base_url nor hosts is set: add base_url: https://www.example.com at the top of the config or in the rule", t.src)
	}
	if !t.usesBase {
		bases = []string{""}
	}
	for _, b := range bases {
		if err := t.checkOn(b, ngroups); err != nil {
			return err
		}
	}
	return nil
}

func (t *template) checkOn(base string, ngroups int) error {
	var hosts [2]string
	for i, s := range samples(ngroups) {
		out, err := finish(string(t.expand(nil, &s, base)))
		if err != nil {
			return fmt.Errorf("template %q: %v", t.src, err)
		}
		if err := checkObject(out); err != nil {
			return fmt.Errorf("template %q %v", t.src, err)
		}
		t.arl = IsARL(out)
		if !t.arl {
			u, _ := url.Parse(out)
			hosts[i] = u.Host
		}
	}
	if hosts[0] != hosts[1] || !t.fixedHost(base) {
		return fmt.Errorf("template %q puts part of the file in the host: the host must come from the template's text, {base} or {host}, and end with / before the first placeholder of the file", t.src)
	}
	return nil
}

// arlHead is an ARL up to the / after its host.
var arlHead = regexp.MustCompile(`^(?:https?://a\d+\.[a-z]\.akamai(?:tech)?\.net)?/[0-9A-Za-z]/\d+/\d+/[^/]+/[^/]+/`)

// fixedHost reports whether everything up to the end of the host comes
// before the first placeholder of the file. Trying two sample files is
// not enough: in "/L/1/2/1h/{dir}www.a.com/{path}" the samples agree on
// www.a.com, but a file at the root would make its own name the host.
func (t *template) fixedHost(base string) bool {
	var head []byte
	for i := range t.parts {
		p := &t.parts[i]
		if p.ph != phNone && p.ph != phBase && p.ph != phHost {
			if t.arl {
				return arlHead.Match(head)
			}
			_, rest, ok := strings.Cut(string(head), "://")
			return ok && strings.ContainsAny(rest, "/?")
		}
		head = (&template{parts: t.parts[i : i+1]}).expand(head, nil, base)
	}
	return true // no file placeholder: the whole object is fixed
}
