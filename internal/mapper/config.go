// Package mapper reads .ccu-purge.yml and maps changed file paths to purge
// objects (URLs, ARLs, CP codes) with ordered glob rules. Everything is
// validated and compiled at load, with file:line:col on every error.
package mapper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/gobwas/glob"
	"gopkg.in/yaml.v3"
)

// The settings a config may choose, with their valid values.
const (
	APIFastPurge = "fast-purge"
	APICCUv2     = "ccu-v2"
)

var (
	validAPI     = []string{APIFastPurge, APICCUv2}
	validNetwork = []string{"production", "staging"}
	validAction  = []string{"invalidate", "delete"}
	validQueue   = []string{"default", "emergency"}
	validUnknown = []string{UnknownBaseFail, UnknownBaseCPCode, UnknownBaseAll}
	validFetch   = []string{FetchAuto, FetchNever}
)

// What to do when the base commit is unknown (first push, zero SHA) or
// unreachable (force push, garbage-collected): on_unknown_base.
const (
	UnknownBaseFail   = "fail"   // exit 2 and say why (the default: never guess)
	UnknownBaseCPCode = "cpcode" // purge the config's cpcodes
	UnknownBaseAll    = "all"    // every file of the head commit through the rules
)

// Whether a shallow clone may fetch a missing base commit: fetch.
const (
	FetchAuto  = "auto"
	FetchNever = "never"
)

// Config is a loaded, validated and compiled .ccu-purge.yml.
type Config struct {
	File      string
	API       string // fast-purge (default) or ccu-v2
	Network   string // production (default) or staging
	Action    string // invalidate (default) or delete
	Queue     string // v2 only: default or emergency
	Threshold int    // fall back to CPCodes past this many URLs; 0 = never
	// OnUnknownBase decides when no usable base commit exists.
	OnUnknownBase string
	// Fetch allows fetching a base commit a shallow clone lacks.
	Fetch   string
	CPCodes []int64
	Rules   []*Rule

	ignore []*pattern
}

// Rule is one entry of rules: the first rule whose match fits a path decides
// what that path purges.
type Rule struct {
	Line, Col int
	Match     []string
	Strip     string
	URLs      []string
	CPCodes   []int64

	match []*pattern
	urls  []*template
}

type pattern struct {
	src string
	g   *glob.Pattern
}

// ErrNoConfig is wrapped by Load when the file does not exist.
var ErrNoConfig = errors.New("config file not found")

// Load reads and parses the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (create it from .ccu-purge.yml.example, or pass --config FILE)", ErrNoConfig, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse parses and validates a config; name is used in error positions.
// On failure the error is an Errors listing every problem found.
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{file: name}
	cfg := &Config{File: name, API: APIFastPurge, Network: "production", Action: "invalidate", Queue: "default", OnUnknownBase: UnknownBaseFail, Fetch: FetchAuto}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, Errors{p.yamlError(err)}
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{File: name, Line: 1, Col: 1, Msg: "config is empty: it needs at least one rule under rules:"}}
	}
	p.config(doc.Content[0], cfg)
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i], p.errs[j]
			return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
		})
		return nil, p.errs
	}
	return cfg, nil
}

type parser struct {
	file string
	errs Errors
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// yamlError turns yaml.v3's "yaml: line N: msg" into a positioned Error.
func (p *parser) yamlError(err error) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	return &Error{File: p.file, Line: line, Col: 1, Msg: "invalid YAML: " + msg}
}

// fields walks a mapping node, calling set for each known key and
// reporting unknown and repeated keys.
func (p *parser) fields(n *yaml.Node, what string, set map[string]func(v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of keys to values", what)
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		f, ok := set[k.Value]
		switch {
		case !ok:
			p.errorf(k, "unknown key %q in %s; valid keys are %s", k.Value, what, keys(set))
		case seen[k.Value]:
			p.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			f(v)
		}
	}
}

func keys(m map[string]func(*yaml.Node)) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

func (p *parser) config(n *yaml.Node, c *Config) {
	var rulesNode, unknownNode *yaml.Node
	p.fields(n, "the config", map[string]func(*yaml.Node){
		"api":       func(v *yaml.Node) { c.API = p.enum(v, "api", validAPI) },
		"network":   func(v *yaml.Node) { c.Network = p.enum(v, "network", validNetwork) },
		"action":    func(v *yaml.Node) { c.Action = p.enum(v, "action", validAction) },
		"queue":     func(v *yaml.Node) { c.Queue = p.enum(v, "queue", validQueue) },
		"threshold": func(v *yaml.Node) { c.Threshold = p.positiveInt(v, "threshold") },
		"cpcodes":   func(v *yaml.Node) { c.CPCodes = p.cpcodes(v) },
		"ignore":    func(v *yaml.Node) { c.ignore = p.patterns(v, "ignore") },
		"rules":     func(v *yaml.Node) { rulesNode = v; c.Rules = p.rules(v) },
		"on_unknown_base": func(v *yaml.Node) {
			c.OnUnknownBase = p.enum(v, "on_unknown_base", validUnknown)
			unknownNode = v
		},
		"fetch": func(v *yaml.Node) { c.Fetch = p.enum(v, "fetch", validFetch) },
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if rulesNode == nil {
		p.errorf(n, "no rules: add a rules: list that maps files to URLs")
	}
	if c.OnUnknownBase == UnknownBaseCPCode && len(c.CPCodes) == 0 {
		p.errorf(unknownNode, "on_unknown_base: cpcode needs cpcodes: add the CP codes to purge (cpcodes: [12345])")
	}
	if c.Threshold > 0 && len(c.CPCodes) == 0 {
		p.errorf(n, "threshold is set but cpcodes is not: add the CP codes to purge instead (cpcodes: [12345])")
	}
}

func (p *parser) scalar(v *yaml.Node, what string) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, "%s must be a single value", what)
		return "", false
	}
	return v.Value, true
}

func (p *parser) enum(v *yaml.Node, what string, valid []string) string {
	s, ok := p.scalar(v, what)
	if !ok {
		return ""
	}
	for _, x := range valid {
		if s == x {
			return s
		}
	}
	p.errorf(v, "unknown %s %q; valid values are %q", what, s, valid)
	return ""
}

func (p *parser) positiveInt(v *yaml.Node, what string) int {
	s, ok := p.scalar(v, what)
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		p.errorf(v, "%s must be a positive whole number, not %q", what, s)
		return 0
	}
	return n
}

// list accepts one value or a sequence of values.
func (p *parser) list(v *yaml.Node, what string) []*yaml.Node {
	switch v.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{v}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			p.errorf(v, "%s is an empty list", what)
		}
		for _, e := range v.Content {
			if e.Kind != yaml.ScalarNode {
				p.errorf(e, "each entry of %s must be a single value", what)
				return nil
			}
		}
		return v.Content
	}
	p.errorf(v, "%s must be a value or a list of values", what)
	return nil
}

func (p *parser) cpcodes(v *yaml.Node) []int64 {
	var out []int64
	for _, e := range p.list(v, "cpcodes") {
		n, err := strconv.ParseInt(e.Value, 10, 64)
		if err != nil || n <= 0 {
			p.errorf(e, "CP code %q is not a positive number (find it in Akamai Control Center under Properties)", e.Value)
			continue
		}
		out = append(out, n)
	}
	return out
}

func (p *parser) patterns(v *yaml.Node, what string) []*pattern {
	var out []*pattern
	for _, e := range p.list(v, what) {
		src := strings.TrimPrefix(e.Value, "/")
		g, err := globCompiler.Compile(src)
		if err != nil {
			p.errorf(e, "bad glob %q in %s: %v (use * within a folder, ** across folders, {a,b} for choices)", e.Value, what, err)
			continue
		}
		out = append(out, &pattern{src: src, g: g})
	}
	return out
}

func (p *parser) rules(v *yaml.Node) []*Rule {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		p.errorf(v, "rules must be a non-empty list of rules, each with match: and urls: or cpcodes:")
		return nil
	}
	var out []*Rule
	for i, n := range v.Content {
		out = append(out, p.rule(n, i+1))
	}
	return out
}

func (p *parser) rule(n *yaml.Node, num int) *Rule {
	r := &Rule{Line: n.Line, Col: n.Column}
	what := fmt.Sprintf("rule %d", num)
	var hasMatch bool
	p.fields(n, what, map[string]func(*yaml.Node){
		"match": func(v *yaml.Node) {
			hasMatch = true
			r.match = p.patterns(v, what+" match")
			for _, m := range r.match {
				r.Match = append(r.Match, m.src)
			}
		},
		"strip": func(v *yaml.Node) {
			r.Strip, _ = p.scalar(v, what+" strip")
			r.Strip = strings.TrimPrefix(r.Strip, "/")
		},
		"urls": func(v *yaml.Node) {
			for _, e := range p.list(v, what+" urls") {
				t, err := parseTemplate(e.Value)
				if err != nil {
					p.errorf(e, "%s: %v", what, err)
					continue
				}
				r.urls = append(r.urls, t)
				r.URLs = append(r.URLs, e.Value)
			}
		},
		"cpcodes": func(v *yaml.Node) { r.CPCodes = p.cpcodes(v) },
	})
	if n.Kind != yaml.MappingNode {
		return r
	}
	if !hasMatch {
		p.errorf(n, "%s has no match: add the glob of the files it covers", what)
	}
	if len(r.URLs) == 0 && len(r.CPCodes) == 0 && !p.hasErrorAt(n) {
		p.errorf(n, "%s purges nothing: give it urls: (templates with {path}) or cpcodes:", what)
	}
	return r
}

// hasErrorAt avoids a second, vaguer message about a rule whose keys
// already failed.
func (p *parser) hasErrorAt(n *yaml.Node) bool {
	for _, e := range p.errs {
		if e.Line >= n.Line {
			return true
		}
	}
	return false
}

// globCompiler makes "*" stay within a folder and "**/" match zero or more
// folders, as in .gitignore, so "**/*.html" also matches "index.html".
var globCompiler = glob.Compiler{Separators: []rune{'/'}, Globstar: true}
