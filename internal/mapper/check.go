package mapper

import (
	"fmt"
	"strings"
)

// configBases names the top-level base_url/hosts in bases' what argument.
const configBases = "the config"

// rootGlob refuses a glob written from the file system's root or the
// current folder: git paths have neither a leading / nor ./, so such a
// glob never matches, and the files it meant would show up only as
// unmatched. A lone "/" is left to the empty-glob check.
func rootGlob(src string) error {
	rest, ok := strings.CutPrefix(src, "./")
	if !ok && (len(src) < 2 || src[0] != '/') {
		return nil
	}
	rest = strings.TrimLeft(rest, "/")
	if rest == "" {
		return fmt.Errorf("glob %q names the repository root, not files: write the files it means, such as public/**", src)
	}
	return fmt.Errorf("glob %q starts with %q: paths are relative to the repository root: write %s", src, src[:len(src)-len(rest)], rest)
}

// markBases remembers that every base_url or hosts entry of what (the
// config or one rule) failed, so the templates that need them are not
// reported again: the root cause is reported once, at the bad value.
func (p *parser) markBases(what string, given bool, out []string) {
	if given && len(out) == 0 {
		if p.badBases == nil {
			p.badBases = map[string]bool{}
		}
		p.badBases[what] = true
	}
}

// checkTemplate is t.check, except that a template left without a base
// because its base_url or hosts failed is not an error of its own.
func (p *parser) checkTemplate(t *template, r *Rule, what string) error {
	if t.usesBase && len(r.Bases) == 0 && (p.badBases[what] || p.badBases[configBases]) {
		return nil
	}
	if err := t.checkEachTag(r.Each); err != nil {
		return err
	}
	return t.check(r.Bases, r.ngroups(), len(r.Each))
}
