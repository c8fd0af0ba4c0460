package mapper

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"
)

// normalizeKind is what differs between verify.normalize (edge rewrites
// removed before bodies are compared) and output.normalize (build noise
// removed before files are hashed): the words of their messages, and
// what their globs are relative to.
type normalizeKind struct {
	what  string // the key, "verify.normalize"
	paths string // what match: globs, "URL paths"
	every string // what an entry without match: applies to, "URL"
	when  string // when the matches are removed, "comparing"
	hint  string // how to stay under MaxNormalizePatterns
	// under, when set, names the folder globs are relative to: a glob
	// starting with / or ./ is refused, as rules refuse them.
	under string
}

// normalizer is one entry of a normalize: list, its regexes compiled.
type normalizer struct {
	glob  string
	strip []*regexp.Regexp
}

// normalizeList reads a list of {match, strip}, globs and regexes
// compiled here so a typo fails at load, not mid-deploy, and capped:
// every pattern runs over every body or file.
func (p *parser) normalizeList(e *yaml.Node, k normalizeKind) []normalizer {
	if e.Kind != yaml.SequenceNode || len(e.Content) == 0 {
		p.errorf(e, "%s must be a non-empty list of entries, each with strip: (regexes) and optionally match: (a glob of %s)", k.what, k.paths)
		return nil
	}
	var out []normalizer
	patterns := 0
	for i, n := range e.Content {
		// Entries count too, valid or not, so 10,000 bad ones give 256
		// errors, not 10,000.
		if i == MaxNormalizePatterns {
			p.errorf(n, "%s has over %d entries, the limit: %s", k.what, MaxNormalizePatterns, k.hint)
			return nil
		}
		nz, ok := p.normalizer(n, k, fmt.Sprintf("%s entry %d", k.what, i+1))
		if patterns += len(nz.strip); patterns > MaxNormalizePatterns {
			p.errorf(n, "%s has over %d strip patterns, the limit: %s", k.what, MaxNormalizePatterns, k.hint)
			return nil
		}
		if ok {
			out = append(out, nz)
		}
	}
	return out
}

func (p *parser) normalizer(n *yaml.Node, k normalizeKind, what string) (normalizer, bool) {
	var nz normalizer
	var strip *yaml.Node
	before := len(p.errs)
	p.fields(p.noSecrets(n, what), what, map[string]func(*yaml.Node){
		"match": func(v *yaml.Node) { nz.glob = p.normalizeGlob(v, k, what) },
		"strip": func(v *yaml.Node) { strip = v },
	})
	if n.Kind != yaml.MappingNode {
		return nz, false
	}
	if strip == nil {
		p.errorf(n, "%s has no strip: add the regexes whose matches are removed before %s, such as strip: ['data-build=\"[^\"]*\"']", what, k.when)
		return nz, false
	}
	nz.strip = p.stripPatterns(strip, what)
	return nz, len(p.errs) == before
}

// normalizeGlob reads a normalizer's match: one glob, not a list ({a,b}
// gives choices), so each entry is one normalizer.
func (p *parser) normalizeGlob(v *yaml.Node, k normalizeKind, what string) string {
	s, ok := p.scalar(v, what+" match")
	if !ok {
		return ""
	}
	if s == "" {
		p.errorf(v, "empty glob in %s match: leave match: out to normalize every %s", what, k.every)
		return ""
	}
	if k.under != "" {
		if err := relativeGlob(s, k.under); err != nil {
			p.errorf(v, "%s match: %v", what, err)
			return ""
		}
	}
	if _, err := globCompiler.Compile(s); err != nil {
		p.errorf(v, "bad glob %q in %s match: %v (use * within a folder, ** across folders, {a,b} for choices)", s, what, err)
		return ""
	}
	return s
}

// relativeGlob refuses a glob that starts with / or ./: it is matched
// against paths relative to the folder under names, which have neither.
func relativeGlob(s, under string) error {
	rest := strings.TrimLeft(strings.TrimPrefix(s, "./"), "/")
	if rest == s {
		return nil
	}
	if rest == "" {
		return fmt.Errorf("glob %q names the folder itself, not files: write the files it means, such as **/*.html", s)
	}
	return fmt.Errorf("glob %q starts with %q: paths are relative to %s: write %s", s, s[:len(s)-len(rest)], under, rest)
}

func (p *parser) stripPatterns(v *yaml.Node, what string) []*regexp.Regexp {
	var out []*regexp.Regexp
	for _, e := range p.list(v, what+" strip") {
		if e.Value == "" {
			p.errorf(e, "empty regex in %s strip: it would remove nothing", what)
			continue
		}
		re, err := regexp.Compile(e.Value)
		if err != nil {
			p.errorf(e, "%s strip: bad regex %q: %v (Go RE2 syntax)", what, e.Value, strings.TrimPrefix(err.Error(), "error parsing regexp: "))
			continue
		}
		out = append(out, re)
	}
	return out
}
