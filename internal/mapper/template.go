package mapper

import (
	"fmt"
	"maps"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
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
	tag       bool // makes cache tags: values are inserted unescaped
}

type tplPart struct {
	lit     string
	ph      placeholder
	group   int // submatch index, for phGroup; value index, for phVar
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
	phParent
	phGroup
	phVar
)

var placeholders = map[string]placeholder{
	"base": phBase, "host": phHost, "path": phPath, "dir": phDir,
	"name": phName, "stem": phStem, "ext": phExt, "parent": phParent,
}

const builtinNames = "{base}, {host}, {path}, {dir}, {name}, {stem}, {ext}, {parent}"

// subject is what a template is expanded for: the path after strip, the
// form of it {path} stands for, a regex rule's submatches and one
// combination of the rule's each: values.
type subject struct {
	rel, path string
	groups    []string
	vars      []string
}

// scope is what a rule adds to the built-in placeholders: its regex's
// groups (by name and by number) and its each: names, both mapped to an
// index; tag says the template makes cache tags.
type scope struct {
	groups, vars map[string]int
	tag          bool
}

// parseTemplate compiles src with the placeholders of sc.
func parseTemplate(src string, sc scope) (*template, error) {
	t := &template{src: src, tag: sc.tag}
	rest := src
	for rest != "" {
		i := strings.IndexAny(rest, "{}")
		if i < 0 {
			if err := t.checkLiteral(rest); err != nil {
				return nil, err
			}
			t.parts = append(t.parts, tplPart{lit: rest})
			break
		}
		if rest[i] == '}' {
			return nil, fmt.Errorf("template %q has a '}' without '{'", src)
		}
		if i > 0 {
			if err := t.checkLiteral(rest[:i]); err != nil {
				return nil, err
			}
			t.parts = append(t.parts, tplPart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("template %q has an unclosed '{'", src)
		}
		part, err := parsePlaceholder(src, rest[i+1:i+j], sc)
		if err != nil {
			return nil, err
		}
		t.add(part)
		rest = rest[i+j+1:]
	}
	return t, t.checkBase()
}

// checkLiteral checks the template's own text: a tag's against the tag
// rules (checkTagText), a URL's with checkLiteral.
func (t *template) checkLiteral(lit string) error {
	if t.tag {
		return checkTagText(t.src, lit)
	}
	return checkLiteral(t.src, lit)
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
	case phVar:
		// A value of each: is the same for every file: it names none.
	default:
		t.namesFile = true
	}
	t.parts = append(t.parts, p)
}

func parsePlaceholder(src, body string, sc scope) (tplPart, error) {
	fields := strings.Split(body, "|")
	name := fields[0]
	part := tplPart{ph: placeholders[name]}
	if g, ok := sc.groups[name]; ok && part.ph == phNone {
		part.ph, part.group = phGroup, g
	}
	if v, ok := sc.vars[name]; ok && part.ph == phNone {
		part.ph, part.group = phVar, v
	}
	if part.ph == phNone {
		return part, fmt.Errorf("template %q uses unknown placeholder {%s};%s valid placeholders are %s", src, name, suggest.Hint(name, placeholderNames(sc)), placeholderList(sc))
	}
	if sc.tag && (part.ph == phBase || part.ph == phHost) {
		return part, fmt.Errorf("template %q: a cache tag cannot use {%s}; tags name no host (use {path}, {dir}, a regex group or an each: value)", src, name)
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

// placeholderList names the valid placeholders; a regex group's number
// ({1}) is valid too but not listed, as the names say more.
// placeholderNames are the names a template in sc may use, for a
// suggestion.
func placeholderNames(sc scope) []string {
	names := slices.Collect(maps.Keys(placeholders))
	for g := range sc.groups {
		if !isNumber(g) {
			names = append(names, g)
		}
	}
	for v := range sc.vars {
		names = append(names, v)
	}
	slices.Sort(names)
	return names
}

func placeholderList(sc scope) string {
	var gs []string
	for g := range sc.groups {
		if !isNumber(g) {
			gs = append(gs, "{"+g+"}")
		}
	}
	for v := range sc.vars {
		gs = append(gs, "{"+v+"}")
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
	fURLize                    // what Hugo's urlize does to a path (see urlize)
)

const validFilters = "lower, ext:X (replace the extension with X; ext: removes it), noslash, urlize"

func parseFilter(f string) (filter, error) {
	switch name, arg, hasArg := strings.Cut(f, ":"); {
	case name == "lower" && !hasArg:
		return filter{kind: fLower}, nil
	case name == "noslash" && !hasArg:
		return filter{kind: fNoSlash}, nil
	case name == "urlize" && !hasArg:
		return filter{kind: fURLize}, nil
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
	case fURLize:
		return urlize(v)
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
	case phParent:
		return parentOf(s.rel)
	case phVar:
		return s.vars[p.group]
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
		if p.ph == phBase || p.ph == phHost || t.tag {
			dst = append(dst, v...)
			continue
		}
		dst = appendEscaped(dst, v)
	}
	return dst
}

// checkEachTag refuses, in a cache tag template, an each: value that can
// only give a bad tag: each values are the same for every file, so the
// config says so at load, with its line, rather than every file the rule
// matches being rejected.
func (t *template) checkEachTag(each []Each) error {
	if !t.tag {
		return nil
	}
	for _, p := range t.parts {
		if p.ph != phVar {
			continue
		}
		for _, v := range each[p.group].Values {
			out := v
			for _, f := range p.filters {
				out = f.apply(out)
			}
			if c, bad := badTagRune(out); bad {
				return fmt.Errorf("cache tag template %q: each %s value %q gives %q; tags hold letters, digits and %s", t.src, each[p.group].Name, v, c, tagChars)
			}
		}
	}
	return nil
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
func samples(ngroups, nvars int) [2]subject {
	var out [2]subject
	for i, v := range []string{"x", "y"} {
		rel := [2]string{"dir/file.html", "other/page.txt"}[i]
		out[i] = subject{rel: rel, path: rel, groups: make([]string, ngroups), vars: make([]string, nvars)}
		for g := range out[i].groups {
			out[i].groups[g] = v
		}
		for g := range out[i].vars {
			out[i].vars[g] = v
		}
	}
	return out
}

// check expands t for every base on sample files and requires each result
// to be an absolute http(s) URL with a fixed lower-case host, or an ARL.
// A tag template has no base and is checked per file, when it is expanded.
func (t *template) check(bases []string, ngroups, nvars int) error {
	if t.tag {
		return nil
	}
	if t.usesBase && len(bases) == 0 {
		return fmt.Errorf("template %q uses {base} or {host} but neither base_url nor hosts is set: add base_url: https://www.example.com at the top of the config or in the rule", t.src)
	}
	if !t.usesBase {
		bases = []string{""}
	}
	for _, b := range bases {
		if err := t.checkOn(b, ngroups, nvars); err != nil {
			return err
		}
	}
	return nil
}

func (t *template) checkOn(base string, ngroups, nvars int) error {
	var hosts [2]string
	for i, s := range samples(ngroups, nvars) {
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

// checkTagText refuses text in a tag template that no expansion can make
// a valid cache tag: a byte outside letters, digits and tagChars, or more
// than 128 bytes before anything is inserted.
func checkTagText(src, lit string) error {
	if len(lit) > 128 {
		return fmt.Errorf("cache tag template %q has %d characters of text, more than the 128 a tag may hold", src, len(lit))
	}
	if c, bad := badTagRune(lit); bad {
		return fmt.Errorf("cache tag template %q has %q; tags hold letters, digits and %s", src, c, tagChars)
	}
	return nil
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// parentOf is what {parent} inserts: the folder of the section listing
// the page, as {dir} writes a folder ("posts/", "" at the root). A page
// bundle's index file (index.md, _index.md, index.de.md: the name up to
// its first dot is index or _index) stands for its folder, so its section
// is the folder above: posts/my-post/index.md and posts/_index.md give
// "posts/" and "". Any other file is listed by its own folder:
// posts/other.md gives "posts/".
func parentOf(rel string) string {
	dir := path.Dir(rel)
	if stem, _, _ := strings.Cut(path.Base(rel), "."); stem == "index" || stem == "_index" {
		dir = path.Dir(dir)
	}
	if dir == "." {
		return ""
	}
	return dir + "/"
}

// urlize does to a path what Hugo does to a content path when it makes
// the page's URL (and its urlize function to any string): letters, digits
// and marks of any script are kept, as are . / \ _ # + ~ - @ and a %
// followed by two hex digits; a run of white space after something kept
// becomes one hyphen (none when a hyphen is next to it); every other
// character is dropped; then everything is lower-cased.
func urlize(s string) string {
	var b strings.Builder
	hyphen, lastHyphen := false, false
	for i, r := range s {
		if !keptByURLize(s, i, r) {
			hyphen = hyphen || b.Len() > 0 && !lastHyphen && unicode.IsSpace(r)
			continue
		}
		lastHyphen = r == '-'
		if hyphen && !lastHyphen {
			b.WriteByte('-')
		}
		hyphen = false
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

func keptByURLize(s string, i int, r rune) bool {
	switch {
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		return true
	case r == '%':
		return i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])
	}
	return strings.ContainsRune(`./\_#+~-@`, r)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
