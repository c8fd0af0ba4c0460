package mapper

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// OutputConfig is the output: section: build-output mode, where the
// files of the built site, not the git diff, say what changed. It is
// plain data, validated at load; a zero field means unset, so the caller
// layers its flags over it and its defaults under it.
type OutputConfig struct {
	// Dir is the build output, relative to the repository root,
	// slash-separated and cleaned (as verify.site_dir).
	Dir string
	// Manifest is the manifest's own file, relative to the repository
	// root and cleaned; "" keeps it beside the --state entry.
	Manifest string
	// Normalize strips build noise (timestamps, generator tags) from the
	// files its globs match before they are hashed.
	Normalize []OutputNormalizer
	// Immutable are globs of fingerprinted assets (app.3f2a1c.js): a new
	// name is a new URL, so they are counted apart and never purged.
	Immutable []string
	// MaxRemoved caps the removed files one run may purge; 0 is no cap.
	MaxRemoved    int
	MaxRemovedSet bool // max_removed: 0 is written too
	// Volatility is the share (0–1] of HTML files changed past which
	// the volatility report is shown.
	Volatility float64
	// SampleBytes is the size up to which a text file keeps a sample in
	// the manifest; -1 when the file says 0 (keep none).
	SampleBytes int
	// Set says the section was present, even empty.
	Set bool
}

// OutputNormalizer is one entry of output.normalize. Match is a glob of
// paths relative to the output folder ("" = every file), checked with
// the rules' glob syntax; Strip is compiled.
type OutputNormalizer struct {
	Match string
	Strip []*regexp.Regexp
}

// Rule sources: which signal decides what a rule's files purge.
const (
	SourceGit    = "git"    // the git diff
	SourceOutput = "output" // the build output's manifest
)

var validSources = []string{SourceGit, SourceOutput}

// MaxImmutableGlobs bounds output.immutable: each glob is tried on every
// added and changed file of the build, 100,000 of them on a large site.
const MaxImmutableGlobs = 256

// MaxSampleBytes bounds output.sample_bytes: the manifest keeps a sample
// of every text file up to that size, and must stay small enough for a
// CI cache (100,000 files under 5 MB).
const MaxSampleBytes = 64 << 10

// outputNormalize is what output.normalize's messages say.
var outputNormalize = normalizeKind{
	what: "output.normalize", paths: "paths under output.dir", every: "file", when: "hashing", under: "output.dir",
	hint: "each pattern runs over every file of the build; join them with | in fewer regexes",
}

func (p *parser) output(n *yaml.Node, c *Config) {
	o := &c.Output
	o.Set = true
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "output:" alone: the folder comes from --site-dir
	}
	var manifest *yaml.Node
	p.fields(n, "output", map[string]func(*yaml.Node){
		"dir":          func(e *yaml.Node) { o.Dir = p.siteDir(e, "output.dir"); p.at(c, "output.dir", e) },
		"manifest":     func(e *yaml.Node) { manifest = e },
		"normalize":    func(e *yaml.Node) { o.Normalize = p.outputNormalizers(e) },
		"immutable":    func(e *yaml.Node) { o.Immutable = p.immutable(e) },
		"max_removed":  func(e *yaml.Node) { o.MaxRemoved, o.MaxRemovedSet = p.maxRemoved(e) },
		"volatility":   func(e *yaml.Node) { o.Volatility = p.volatility(e) },
		"sample_bytes": func(e *yaml.Node) { o.SampleBytes = p.sampleBytes(e) },
	})
	if manifest != nil {
		o.Manifest = p.manifest(manifest, o.Dir)
	}
}

// manifest reads output.manifest. It may not lie in the output folder:
// it would be hashed into itself and deployed with the site.
func (p *parser) manifest(e *yaml.Node, dir string) string {
	s, ok := p.scalar(e, "output.manifest")
	if !ok {
		return ""
	}
	m := path.Clean(strings.ReplaceAll(s, `\`, "/"))
	switch {
	case strings.TrimSpace(s) == "":
		p.errorf(e, "output.manifest is empty: name a file, such as .ccu-purge-manifest.gz, or leave the key out to keep it beside the --state entry")
	case path.IsAbs(m) || driveLetter(m):
		p.errorf(e, "output.manifest %q must be relative to the repository root (give a file elsewhere, such as a CI cache, with --manifest FILE)", s)
	case m == ".." || strings.HasPrefix(m, "../"):
		p.errorf(e, "output.manifest %q leads out of the repository (give a file elsewhere, such as a CI cache, with --manifest FILE)", s)
	case m == "." || strings.HasSuffix(s, "/") || strings.HasSuffix(s, `\`):
		p.errorf(e, "output.manifest %q is a folder: name the file, such as .ccu-purge-manifest.gz", s)
	case dir != "" && (dir == "." || strings.HasPrefix(m, dir+"/")):
		p.errorf(e, "output.manifest %q is inside output.dir %q: it would be hashed into itself and deployed with the site; keep it outside, such as .ccu-purge-manifest.gz", s, dir)
	default:
		return m
	}
	return ""
}

func (p *parser) outputNormalizers(e *yaml.Node) []OutputNormalizer {
	var out []OutputNormalizer
	for _, nz := range p.normalizeList(e, outputNormalize) {
		out = append(out, OutputNormalizer{Match: nz.glob, Strip: nz.strip})
	}
	return out
}

// immutable reads output.immutable, globs of paths under output.dir.
func (p *parser) immutable(e *yaml.Node) []string {
	var out []string
	for i, g := range p.list(e, "output.immutable") {
		if i == MaxImmutableGlobs {
			p.errorf(g, "output.immutable has over %d globs, the limit: each is tried on every changed file; join them with {a,b} choices", MaxImmutableGlobs)
			return nil
		}
		if s := p.outputGlob(g, "output.immutable"); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (p *parser) outputGlob(g *yaml.Node, what string) string {
	if g.Value == "" {
		p.errorf(g, "empty glob in %s: it would match no file; write the files it means, such as **/*.????????.{js,css}", what)
		return ""
	}
	if err := relativeGlob(g.Value, "output.dir"); err != nil {
		p.errorf(g, "%s: %v", what, err)
		return ""
	}
	if _, err := globCompiler.Compile(g.Value); err != nil {
		p.errorf(g, "bad glob %q in %s: %v (use * within a folder, ** across folders, {a,b} for choices)", g.Value, what, err)
		return ""
	}
	return g.Value
}

func (p *parser) maxRemoved(e *yaml.Node) (int, bool) {
	s, ok := p.scalar(e, "output.max_removed")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		p.errorf(e, "output.max_removed must be a whole number, 0 or more (the most removed files one run may purge; 0 is no cap), not %q", s)
		return 0, false
	}
	return n, true
}

// volatility reads a share as P% or as a number in (0, 1], like
// threshold_share. A bare number above 1 is refused, not read as a
// percentage: "50" could mean either.
func (p *parser) volatility(e *yaml.Node) float64 {
	s, ok := p.scalar(e, "output.volatility")
	if !ok {
		return 0
	}
	f, err := share(e, s)
	if err != nil || !(f > 0 && f <= 1) {
		p.errorf(e, "output.volatility must be a share of the HTML files above 0 and at most 100%%, such as 50%% or 0.5, not %q", s)
		return 0
	}
	return f
}

// percent is a share written P%: digits only, as the schema has it
// (ParseFloat alone would take 0x32% or Inf%).
var percent = regexp.MustCompile(`^([0-9]+(\.[0-9]*)?|\.[0-9]+)%$`)

// share reads P% or a YAML number; a quoted number is a string.
func share(e *yaml.Node, s string) (float64, error) {
	if percent.MatchString(s) {
		f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
		return f / 100, err
	}
	if e.Tag != "!!int" && e.Tag != "!!float" {
		return 0, errors.New("not a number")
	}
	return strconv.ParseFloat(s, 64)
}

// sampleBytes reads output.sample_bytes; 0 keeps no samples (then
// explain-output needs --previous-dir), stored as -1 since 0 is unset.
func (p *parser) sampleBytes(e *yaml.Node) int {
	s, ok := p.scalar(e, "output.sample_bytes")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n < 0 || n > MaxSampleBytes:
		p.errorf(e, "output.sample_bytes must be a whole number from 0 to %d (bytes of a text file the manifest keeps for --explain-output; 0 keeps none), not %q", MaxSampleBytes, s)
		return 0
	case n == 0:
		return -1
	}
	return n
}

// source reads a rule's source: which signal decides for its files.
func (p *parser) source(v *yaml.Node, what string) string {
	s, ok := p.scalar(v, what+" source")
	if !ok {
		return ""
	}
	if !slices.Contains(validSources, s) {
		p.errorf(v, "%s: unknown source %q;%s valid values are %q (git: the diff decides; output: the build output does)", what, s, suggest.Hint(s, validSources), validSources)
		return ""
	}
	return s
}

// Signal says which signal decides what r's files purge when the build
// output is dir (relative to the repository root, "" for none): the
// rule's source: if set, else output when dir is set and every path the
// rule can match lies under it, else git.
func (r *Rule) Signal(dir string) string {
	switch {
	case r.Source != "":
		return r.Source
	case dir == "":
		return SourceGit
	}
	for _, lit := range r.literals() {
		if !under(lit, dir) {
			return SourceGit
		}
	}
	return SourceOutput
}

// under reports that every path starting with lit is in folder dir.
func under(lit, dir string) bool {
	return dir == "." || strings.HasPrefix(lit, dir+"/")
}

// outside reports that no path starting with lit is in folder dir.
func outside(lit, dir string) bool {
	return dir != "." && !strings.HasPrefix(lit, dir+"/") && !strings.HasPrefix(dir+"/", lit)
}

// outputWarnings are Lint's findings about the output: section's
// settings: two names for the build folder.
func (c *Config) outputWarnings() Warnings {
	o, v := c.Output.Dir, c.Verify.SiteDir
	if o == "" || v == "" || o == v {
		return nil
	}
	at := c.origin["output.dir"]
	return Warnings{{At: c.pos(at.line, at.col), Msg: fmt.Sprintf("output.dir %q and verify.site_dir %q name different build folders: the site is built to one; make them the same", o, v)}}
}

// sourceWarning is Lint's finding about rule i's source: output when no
// built file can reach the rule.
func (c *Config) sourceWarning(i int) (Warning, bool) {
	r, dir := c.Rules[i], c.Output.Dir
	if r.Source != SourceOutput || dir == "" || slices.ContainsFunc(r.literals(), func(l string) bool { return !outside(l, dir) }) {
		return Warning{}, false
	}
	return c.warn(i, fmt.Sprintf("source: output, but it matches no path under output.dir %q, so no built file reaches it: match %s/… or say source: git", dir, dir)), true
}
