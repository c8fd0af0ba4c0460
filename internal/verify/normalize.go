package verify

import (
	"fmt"
	"regexp"

	"github.com/gobwas/glob"
)

// normalizer is a Normalizer compiled at the start of Run.
type normalizer struct {
	glob  *glob.Pattern // nil = every path
	strip []*regexp.Regexp
}

// pathGlobs match URL paths: "*" stays within a folder, "**/" crosses
// folders, as in the config's rules.
var pathGlobs = glob.Compiler{Separators: []rune{'/'}, Globstar: true}

func compileNormalizers(ns []Normalizer) ([]normalizer, error) {
	out := make([]normalizer, 0, len(ns))
	for _, n := range ns {
		c := normalizer{}
		if n.Glob != "" {
			g, err := pathGlobs.Compile(n.Glob)
			if err != nil {
				return nil, fmt.Errorf("verify normalizer glob %q: %w; write a path glob like /**/*.html", n.Glob, err)
			}
			c.glob = g
		}
		for _, s := range n.Strip {
			re, err := regexp.Compile(s)
			if err != nil {
				return nil, fmt.Errorf("verify normalizer strip %q: %w; write an RE2 regular expression", s, err)
			}
			c.strip = append(c.strip, re)
		}
		out = append(out, c)
	}
	return out, nil
}

// normalize strips every pattern that applies to urlPath from body, so
// an edge rewrite (an injected script, a timestamp) is not "stale". The
// same is done to the deployed file and the origin's body.
func normalize(ns []normalizer, urlPath string, body []byte) []byte {
	for _, n := range ns {
		if n.glob != nil && !n.glob.Match(urlPath) {
			continue
		}
		for _, re := range n.strip {
			body = re.ReplaceAll(body, nil)
		}
	}
	return body
}
