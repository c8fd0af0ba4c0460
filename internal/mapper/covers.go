package mapper

import (
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// cpcodeCovers reads cpcode_covers: which hosts each CP code serves, as
// cpcode_covers: {12345: [www.example.com, example.com]}. The tool cannot
// find out which hosts a CP code serves, so the config says it; a plan
// that purges the CP code then drops the URLs on those hosts (see
// plan.Settings.CPCodeCovers).
func (p *parser) cpcodeCovers(v *yaml.Node) map[int64][]string {
	if v.Kind != yaml.MappingNode || len(v.Content) == 0 {
		p.errorf(v, "cpcode_covers must map CP codes to the hosts they serve, as cpcode_covers: {12345: [www.example.com]}")
		return nil
	}
	out := map[int64][]string{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, hosts := v.Content[i], v.Content[i+1]
		cp := p.cpcodes(k, "cpcode_covers")
		switch {
		case len(cp) == 0:
			continue
		case out[cp[0]] != nil:
			p.errorf(k, "CP code %d appears twice in cpcode_covers: list all its hosts under one entry", cp[0])
			continue
		}
		if hs := p.coverHosts(hosts, cp[0]); len(hs) > 0 {
			out[cp[0]] = hs
		}
	}
	return out
}

// coverHosts reads the hosts one CP code serves, in the form URLs carry
// them: lower case, punycode, no port.
func (p *parser) coverHosts(v *yaml.Node, cp int64) []string {
	what := "cpcode_covers " + strconv.FormatInt(cp, 10)
	var out []string
	for _, e := range p.list(v, what) {
		if strings.ContainsAny(e.Value, "/:@?#") {
			p.errorf(e, "%s: %q must be a host name such as www.example.com, without a scheme, port or path", what, e.Value)
			continue
		}
		b, err := normalizeBase("https://" + e.Value)
		if err != nil {
			p.errorf(e, "%s: %v", what, strings.TrimPrefix(err.Error(), `base_url "https://`+e.Value+`": `))
			continue
		}
		if h := hostOf(b); !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}
