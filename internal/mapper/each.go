package mapper

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Each is one list of a rule's each: its placeholder's name, and the
// values it takes in turn.
type Each struct {
	Name   string
	Values []string
}

// MaxCombinations is the most objects one template may expand to per file
// and base through each: (the product of its lists' lengths): past it a
// rule is more likely a mistake than a site, and one changed file would
// fill several requests on its own.
const MaxCombinations = 1000

var eachName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// each reads a rule's each: a mapping of placeholder names to lists of
// values, such as each: {lang: [de, es, fr]}.
func (p *parser) each(v *yaml.Node, r *Rule, what string) []Each {
	if v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		p.errorf(v, "%s each must map placeholder names to lists of values, as each: {lang: [de, es, fr]}", what)
		return nil
	}
	var out []Each
	for i := 0; i+1 < len(v.Content); i += 2 {
		if e, ok := p.eachList(v.Content[i], v.Content[i+1], r, what, out); ok {
			out = append(out, e)
		}
	}
	if n, ok := product(out); !ok {
		// The names are still the rule's, so its templates raise no
		// follow-on "unknown placeholder": one error, the cause.
		p.errorf(v, "%s each gives %s = %s combinations, more than the %s a rule may expand to: split the rule, or purge the files by CP code or cache tag", what, sizes(out), n, thousands(MaxCombinations))
	}
	return out
}

func (p *parser) eachList(k, v *yaml.Node, r *Rule, what string, prev []Each) (Each, bool) {
	name := k.Value
	_, builtin := placeholders[name]
	_, group := r.groupNames()[name]
	switch {
	case !eachName.MatchString(name):
		p.errorf(k, "%s each: %q is not a placeholder name: use letters, digits and _, starting with a letter, as lang", what, name)
	case builtin || group:
		p.errorf(k, "%s each: %q is already the name of a placeholder (a built-in or a regex group); rename it", what, name)
	case slices.ContainsFunc(prev, func(e Each) bool { return e.Name == name }):
		p.errorf(k, "key %q appears twice in %s each", name, what)
	default:
		return Each{Name: name, Values: p.eachValues(v, what+" each "+name)}, true
	}
	return Each{}, false
}

func (p *parser) eachValues(v *yaml.Node, what string) []string {
	var out []string
	for _, e := range p.list(v, what) {
		switch {
		case e.Value == "":
			p.errorf(e, "%s has an empty value: write the value, or drop it", what)
		case slices.Contains(out, e.Value):
			p.errorf(e, "%s lists %q twice", what, e.Value)
		default:
			out = append(out, e.Value)
		}
	}
	return out
}

// product is the number of combinations of lists, and false past
// MaxCombinations (then as a decimal string with its separators).
func product(lists []Each) (string, bool) {
	n := 1
	for _, l := range lists {
		n *= max(len(l.Values), 1)
		if n > MaxCombinations*MaxCombinations {
			return "more than 1,000,000", false
		}
	}
	return thousands(n), n <= MaxCombinations
}

// sizes writes the lists' lengths as a product: "lang 3 × region 400".
func sizes(lists []Each) string {
	parts := make([]string, len(lists))
	for i, l := range lists {
		parts[i] = fmt.Sprintf("%s %d", l.Name, len(l.Values))
	}
	return strings.Join(parts, " × ")
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// varNames maps each: names to their index in a combination.
func (r *Rule) varNames() map[string]int {
	out := map[string]int{}
	for i, e := range r.Each {
		out[e.Name] = i
	}
	return out
}

// combinations is every choice of one value per list, the last list
// varying fastest; a rule without each: has one empty combination.
func combinations(lists []Each) [][]string {
	out := [][]string{nil}
	for _, l := range lists {
		var next [][]string
		for _, c := range out {
			for _, v := range l.Values {
				next = append(next, append(slices.Clip(c), v))
			}
		}
		out = next
	}
	return out
}
