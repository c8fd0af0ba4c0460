// Package mapper reads .ccu-purge.yml and maps changed file paths to purge
// objects (URLs, ARLs, CP codes, cache tags) with ordered rules. Everything
// is validated and compiled at load, with file:line:col on every error, so
// a typo fails in review and not in the deploy.
package mapper

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Config is a loaded, validated and compiled .ccu-purge.yml.
type Config struct {
	File      string
	Version   int           // 1; the key is optional
	API       purge.API     // fast-purge (default) or ccu-v2
	Network   purge.Network // production (default) or staging
	Action    purge.Action  // invalidate (default) or delete
	Queue     purge.Queue   // v2 only: default or emergency
	Threshold int           // fall back to CPCodes/Tags past this many URLs; 0 = never
	// ThresholdShare falls back when more than this share (0–1] of the
	// site's files changed; 0 = never. The caller supplies the file count.
	ThresholdShare float64
	// MaxObjects is a hard cap on a plan's objects: past it the plan falls
	// back to CPCodes/Tags if it can, and fails otherwise. 0 = no cap.
	MaxObjects int
	// AllowDelete confirms action delete on production, which leaves no
	// stale copy to serve if the origin fails.
	AllowDelete bool
	// Unmatched decides what changed files no rule covers do: warn, error, ignore.
	Unmatched string
	// Submodules decides what a changed gitlink does: cpcode, warn or
	// error. Unset, it is cpcode when cpcodes are configured, else warn
	// (see defaultSubmodules).
	Submodules string
	// OnUnknownBase decides when no usable base commit exists.
	OnUnknownBase string
	// Fetch allows fetching a base commit a shallow clone lacks.
	Fetch   string
	CPCodes []int64  // purged on fallback and for on_unknown_base: cpcode
	Tags    []string // cache tags purged on fallback
	// CPCodeCovers maps a CP code to the hosts it serves (cpcode_covers).
	CPCodeCovers map[int64][]string
	// Bases are the site roots {base} stands for (base_url or hosts),
	// normalised: scheme and host lower case, punycode, no trailing slash.
	Bases []string
	Rules []*Rule
	// Verify is the verify: section, for `verify` and `purge --verify`.
	Verify VerifyConfig
	// Output is the output: section, for build-output mode (--site-dir).
	Output OutputConfig

	ignore []*pattern
	origin map[string]origin
	index  *ruleIndex
}

// PurgeAction is how c purges. A nil c (no config, as verify --url may
// run) purges as a config that does not say: invalidate.
func (c *Config) PurgeAction() purge.Action {
	if c == nil {
		return purge.Invalidate
	}
	return c.Action
}

// ErrNoConfig is wrapped by Load when the file does not exist.
var ErrNoConfig = errors.New("config file not found")

// MaxConfigBytes is the largest config Parse accepts. Real configs are a
// few kilobytes (globs and regex groups keep them short); past a
// megabyte a config is generated or hostile, and its errors would flood
// the log and the CI annotations.
const MaxConfigBytes = 1 << 20

// FileName is the config file at the root of a repository (or, in a bare
// repository, committed in the head commit).
const FileName = ".ccu-purge.yml"

// Repo is where Find looks for the config when no file is named: the root
// of a worktree, or in a bare repository (Root "") a commit.
type Repo interface {
	Root() string
	ReadFile(rev, name string) ([]byte, error)
}

// Find loads file when one is named, else FileName at the worktree's
// root, else (a bare repository) FileName as committed in rev, a full SHA.
func Find(file string, repo Repo, rev string) (*Config, error) {
	if file != "" {
		return Load(file)
	}
	if repo.Root() != "" {
		return Load(filepath.Join(repo.Root(), FileName))
	}
	data, err := repo.ReadFile(rev, FileName)
	if err != nil {
		return nil, fmt.Errorf("%w: the bare repository has no %s in commit %.12s (commit one, or pass --config FILE)", ErrNoConfig, FileName, rev)
	}
	return Parse(rev[:min(12, len(rev))]+":"+FileName, data)
}

// Load reads and parses the config file at path. It reads at most
// MaxConfigBytes+1 bytes, so a huge file or a device is refused without
// being read into memory.
func Load(path string) (*Config, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s (create it from .ccu-purge.yml.example, or pass --config FILE)", ErrNoConfig, path)
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

func defaults(name string) *Config {
	return &Config{
		File: name, Version: 1, API: purge.FastPurge, Network: purge.Production, Action: purge.Invalidate, Queue: purge.DefaultQueue,
		OnUnknownBase: UnknownBaseFail, Fetch: FetchAuto, Unmatched: UnmatchedWarn, origin: map[string]origin{},
	}
}

// Parse parses and validates a config; name is used in error positions.
// On failure the error is an Errors listing every problem found.
func Parse(name string, data []byte) (*Config, error) {
	p := &parser{file: name}
	cfg := defaults(name)
	if len(data) > MaxConfigBytes {
		return nil, Errors{{File: name, Line: 1, Col: 1, Msg: fmt.Sprintf("the config is over %d bytes (1 MiB), the limit: write rules that cover many files with globs (public/**) or regex groups instead of one rule per file", MaxConfigBytes)}}
	}
	doc, err := p.document(data)
	if err != nil {
		return nil, Errors{err}
	}
	if len(doc.Content) == 0 {
		return nil, Errors{{File: name, Line: 1, Col: 1, Msg: "config is empty: it needs at least one rule under rules:"}}
	}
	if p.noAliases(doc.Content[0]); len(p.errs) > 0 {
		return nil, p.errs
	}
	p.config(doc.Content[0], cfg)
	if len(p.errs) == 0 {
		p.errs = append(p.errs, cfg.crossCheck()...)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			a, b := p.errs[i], p.errs[j]
			return a.Line < b.Line || (a.Line == b.Line && a.Col < b.Col)
		})
		return nil, p.errs
	}
	cfg.index = buildIndex(cfg.Rules)
	return cfg, nil
}

type parser struct {
	file string
	errs Errors
	// badBases marks whose base_url or hosts (configBases, or a rule's
	// label) had no valid entry; see markBases.
	badBases map[string]bool
}

// document decodes the one YAML document of a config. A second document
// (after ---) is refused, not ignored: whatever it says, even a syntax
// error, would otherwise be silently dropped.
func (p *parser) document(data []byte) (*yaml.Node, *Error) {
	var doc, next yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, p.yamlError(err, data)
	}
	if emptyDoc(&doc) {
		doc.Content = nil
	}
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF) || err == nil && emptyDoc(&next):
		return &doc, nil
	case err != nil:
		return nil, p.yamlError(err, data)
	}
	return nil, &Error{File: p.file, Line: next.Line, Col: 1, Msg: "the config holds more than one YAML document (a second ---): keep one, with every setting and rule in it"}
}

// emptyDoc reports a document with nothing in it: "---" alone, or comments.
func emptyDoc(d *yaml.Node) bool {
	if len(d.Content) == 0 {
		return true
	}
	c := d.Content[0]
	return len(d.Content) == 1 && c.Kind == yaml.ScalarNode && c.Tag == "!!null" && c.Value == ""
}

// noAliases refuses YAML aliases (*name) and merge keys (<<): the parser
// reads the node tree as written, so an alias would be read as the wrong
// type; refusing them also means an alias bomb ("billion laughs") is never
// expanded, whatever its size. It refuses local tags too: a negated glob
// written plainly, !drafts/**, is a tag to YAML and its value empty.
func (p *parser) noAliases(n *yaml.Node) {
	const hint = "write the value out (YAML anchors and aliases are not supported in this file)"
	switch {
	case n.Kind == yaml.AliasNode:
		p.errorf(n, "alias *%s: %s", n.Value, hint)
		return
	case n.Kind == yaml.ScalarNode && n.Tag == "!!merge":
		p.errorf(n, "merge key <<: %s", hint)
	case strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!"):
		p.errorf(n, "YAML reads %s as a tag, not as text: quote the value (%q)", n.Tag, strings.TrimSpace(n.Tag+" "+n.Value))
	}
	for _, c := range n.Content {
		p.noAliases(c)
	}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// yamlError turns yaml.v3's "yaml: line N: msg" into a positioned Error,
// at the line that broke the syntax when syntaxHint finds it.
func (p *parser) yamlError(err error, data []byte) *Error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 1
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				line, msg = n, strings.TrimSpace(rest[i+1:])
			}
		}
	}
	if h := syntaxHint(data, line); h != nil {
		return &Error{File: p.file, Line: h.line, Col: h.col, Msg: "invalid YAML: " + h.msg}
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
			p.errorf(k, "unknown key %q in %s;%s valid keys are %s", k.Value, what, suggest.Hint(k.Value, slices.Sorted(maps.Keys(set))), keys(set))
		case seen[k.Value]:
			p.errorf(k, "key %q appears twice in %s", k.Value, what)
		default:
			seen[k.Value] = true
			f(v)
		}
	}
}

func keys(m map[string]func(*yaml.Node)) string {
	return strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}

func (p *parser) config(n *yaml.Node, c *Config) {
	var rulesNode, basesNode, hostsNode *yaml.Node
	set := map[string]func(*yaml.Node){
		"version":         func(v *yaml.Node) { p.version(v, c) },
		"threshold_share": func(v *yaml.Node) { c.ThresholdShare = p.share(v); p.at(c, "threshold_share", v) },
		"max_objects":     func(v *yaml.Node) { c.MaxObjects = p.count(v, "max_objects") },
		"allow_delete":    func(v *yaml.Node) { c.AllowDelete = p.boolean(v, "allow_delete") },
		"submodules":      func(v *yaml.Node) { p.submodules(v, c) },
		"cpcodes":         func(v *yaml.Node) { c.CPCodes = p.cpcodes(v, "cpcodes") },
		"cpcode_covers":   func(v *yaml.Node) { c.CPCodeCovers = p.cpcodeCovers(v) },
		"tags":            func(v *yaml.Node) { c.Tags = p.tags(v, "tags") },
		"ignore":          func(v *yaml.Node) { c.ignore = p.patterns(v, "ignore") },
		"rules":           func(v *yaml.Node) { rulesNode = v },
		"base_url":        func(v *yaml.Node) { basesNode = v },
		"hosts":           func(v *yaml.Node) { hostsNode = v },
		"verify":          func(v *yaml.Node) { p.verify(v, c) },
		"output":          func(v *yaml.Node) { p.output(v, c) },
	}
	for key := range settings {
		set[key] = func(v *yaml.Node) { p.setting(v, c, key) }
	}
	p.fields(n, "the config", set)
	if n.Kind != yaml.MappingNode {
		return
	}
	if c.Submodules == "" {
		c.Submodules = defaultSubmodules(c)
	}
	c.Bases = p.bases(basesNode, hostsNode, configBases)
	if rulesNode == nil {
		p.errorf(n, "no rules: add a rules: list that maps files to URLs")
		return
	}
	c.Rules = p.rules(rulesNode, c.Bases)
}

// at records where key was set, for errors about combinations.
func (p *parser) at(c *Config, key string, v *yaml.Node) {
	c.origin[key] = origin{line: v.Line, col: v.Column}
}

func (p *parser) setting(v *yaml.Node, c *Config, key string) {
	s, ok := p.scalar(v, key)
	if !ok {
		return
	}
	if err := settings[key](c, s); err != nil {
		p.errorf(v, "%v", err)
		return
	}
	p.at(c, key, v)
}

// submodules reads the submodules policy. It is not a setting a flag or
// variable may override: like allow_delete, it decides what a deploy may
// leave stale, so it stays in the reviewed file.
func (p *parser) submodules(v *yaml.Node, c *Config) {
	s, ok := p.scalar(v, "submodules")
	if !ok {
		return
	}
	if err := enumSetting("submodules", validSubmodules, func(c *Config) *string { return &c.Submodules })(c, s); err != nil {
		p.errorf(v, "%v", err)
		return
	}
	p.at(c, "submodules", v)
}

// defaultSubmodules is the policy of a config that names none: with
// cpcodes, the fallback the config already trusts for what per-file URLs
// cannot cover (a threshold, an unknown base); without, a warning, which
// does not fail a deploy that passed before but never lets a submodule
// move unsaid.
func defaultSubmodules(c *Config) string {
	if len(c.CPCodes) > 0 {
		return SubmodulesCPCode
	}
	return SubmodulesWarn
}

func (p *parser) version(v *yaml.Node, c *Config) {
	if s, ok := p.scalar(v, "version"); ok && s != "1" {
		p.errorf(v, "unsupported version %q; valid versions are [1]", s)
	}
}

func (p *parser) scalar(v *yaml.Node, what string) (string, bool) {
	if v.Kind != yaml.ScalarNode {
		p.errorf(v, "%s must be a single value", what)
		return "", false
	}
	return v.Value, true
}

func (p *parser) count(v *yaml.Node, what string) int {
	s, ok := p.scalar(v, what)
	if !ok {
		return 0
	}
	n, err := positiveInt(what, s)
	if err != nil {
		p.errorf(v, "%v", err)
	}
	return n
}

func (p *parser) share(v *yaml.Node) float64 {
	s, ok := p.scalar(v, "threshold_share")
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || !(f > 0 && f <= 1) {
		p.errorf(v, "threshold_share must be a number above 0 and at most 1 (0.3 is 30%% of the site's files), not %q", s)
		return 0
	}
	return f
}

func (p *parser) boolean(v *yaml.Node, what string) bool {
	s, ok := p.scalar(v, what)
	if ok && (s == "true" || s == "false") {
		return s == "true"
	}
	if ok {
		p.errorf(v, "%s must be true or false, not %q", what, s)
	}
	return false
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

func (p *parser) strings(v *yaml.Node, what string) []string {
	var out []string
	for _, e := range p.list(v, what) {
		out = append(out, e.Value)
	}
	return out
}

func (p *parser) cpcodes(v *yaml.Node, what string) []int64 {
	var out []int64
	for _, e := range p.list(v, what) {
		n, err := strconv.ParseInt(e.Value, 10, 64)
		if err != nil || n <= 0 {
			p.errorf(e, "CP code %q is not a positive number (find it in Akamai Control Center under Properties)", e.Value)
			continue
		}
		out = append(out, n)
	}
	return out
}

func (p *parser) tags(v *yaml.Node, what string) []string {
	var out []string
	for _, e := range p.list(v, what) {
		if err := checkTag(e.Value); err != nil {
			p.errorf(e, "%s: %v", what, err)
			continue
		}
		out = append(out, e.Value)
	}
	return out
}

// bases reads base_url or hosts (at most one of them) into site roots.
func (p *parser) bases(baseURL, hosts *yaml.Node, what string) []string {
	if baseURL != nil && hosts != nil {
		p.errorf(hosts, "%s sets both base_url and hosts: keep one (hosts: [a.com, www.a.com] is short for base_url: [https://a.com, https://www.a.com])", what)
		return nil
	}
	var out []string
	add := func(e *yaml.Node, raw string) {
		b, err := normalizeBase(raw)
		if err != nil {
			p.errorf(e, "%v", err)
			return
		}
		if !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	if baseURL != nil {
		for _, e := range p.list(baseURL, "base_url") {
			add(e, e.Value)
		}
	}
	if hosts != nil {
		for _, e := range p.list(hosts, "hosts") {
			if strings.ContainsAny(e.Value, "/:@?#") {
				p.errorf(e, "hosts entry %q must be a host name such as www.example.com; use base_url for a scheme, port or path", e.Value)
				continue
			}
			if err := checkHost(e.Value); err != nil {
				p.errorf(e, "hosts entry %q: %v", e.Value, err)
				continue
			}
			// Checked here, or url.Parse would report the base_url it builds.
			if strings.ContainsFunc(e.Value, unicode.IsSpace) {
				p.errorf(e, "hosts entry %q has a space: write the host name as browsers request it, such as www.example.com", e.Value)
				continue
			}
			add(e, "https://"+e.Value)
		}
	}
	p.markBases(what, baseURL != nil || hosts != nil, out)
	return out
}
