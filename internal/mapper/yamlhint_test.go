package mapper

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// YAML syntax errors point at the line that broke the syntax, not at the
// block it broke (yaml.v3 names the line of rules:), and say what to do.
func TestYAMLSyntaxHints(t *testing.T) {
	t.Parallel()
	const head = "base_url: https://a.com\nrules:\n  - match: public/**\n"
	const indent = " (the keys of one mapping line up; a nested block goes deeper than its key)"
	for _, tc := range []struct {
		name, yml, want string
	}{
		{"unquoted template", head + "    strip: public/\n    urls: {base}/{path}\n",
			`c.yml:5:11: invalid YAML: templates start with {, which YAML reads as a mapping: quote them (urls: "{base}/{path}")`},
		{"unquoted template with a comment", head + "    urls: {base}/{path}  # the page\n",
			`c.yml:4:11: invalid YAML: templates start with {, which YAML reads as a mapping: quote them (urls: "{base}/{path}")`},
		{"unquoted template in a flow list", head + "    urls: [{base}/{path}]\n",
			`c.yml:4:12: invalid YAML: templates start with {, which YAML reads as a mapping: quote them (urls: "{base}/{path}")`},
		{"unquoted template as a list item", head + "    urls:\n      - {base}/{path}\n",
			`c.yml:5:9: invalid YAML: templates start with {, which YAML reads as a mapping: quote them (- "{base}/{path}")`},
		{"key indented less than its siblings", head + "   strip: public/\n    urls: '{base}/{path}'\n",
			"c.yml:4:4: invalid YAML: check the indentation of line 4: strip: is indented 3 spaces, the keys above it 0 or 4" + indent},
		{"key indented more than its siblings", head + "    urls: '{base}/{path}'\n      strip: public/\n",
			"c.yml:5:7: invalid YAML: check the indentation of line 5: strip: is indented 6 spaces, the keys above it 0 or 4" + indent},
		{"second rule, after a comment", head + "    urls: '{base}/{path}'\n\n  # the docs\n   - match: docs/**\n    urls: '{base}/{path}'\n",
			"c.yml:7:4: invalid YAML: check the indentation of line 7: the list item is indented 3 spaces, the list items above it 2" + indent},
		{"list item under a key with a value", head + "    urls: '{base}/{path}'\n  # next\n    - match: x/**\n      urls: '{base}/{path}'\n",
			"c.yml:6:5: invalid YAML: check the indentation of line 6: the list item is indented 4 spaces, the list items above it 2" + indent},
		{"one space", head + "    urls: '{base}/{path}'\n strip: x\n",
			"c.yml:5:2: invalid YAML: check the indentation of line 5: strip: is indented 1 space, the keys above it 0 or 4" + indent},
		// Block scalars and flow lists over several lines are not entries.
		{"after a block scalar", "# c\nname: |\n  text: here\n   more\nrules:\n  - match: a\n   strip: x\n",
			"c.yml:7:4: invalid YAML: check the indentation of line 7: strip: is indented 3 spaces, the keys above it 0 or 4" + indent},
		{"after a flow list", "rules:\n  - match: [a,\n      b]\n    cpcodes: 1\n     strip: x\n",
			"c.yml:5:6: invalid YAML: check the indentation of line 5: strip: is indented 5 spaces, the keys above it 0 or 4" + indent},
		{"unquoted glob", head + "    strip: public/\n  - match: *.html\n",
			`c.yml:5:12: invalid YAML: YAML reads a value starting with * as an alias or anchor: quote the glob (match: "*.html")`},
		{"unquoted glob in a flow list", head + "    ignore: [docs/**, *.map]\n",
			`c.yml:4:23: invalid YAML: YAML reads a value starting with * as an alias or anchor: quote the glob (ignore: "*.map")`},
		{"unquoted glob as a list item", head + "    ignore:\n      - **/*.map\n",
			`c.yml:5:9: invalid YAML: YAML reads a value starting with * as an alias or anchor: quote the glob (- "**/*.map")`},
		{"tab indentation", head + "\tstrip: public/\n",
			"c.yml:4:1: invalid YAML: line 4 is indented with a tab, which YAML does not allow: indent with spaces"},
		{"tab after spaces", head + "  \tstrip: public/\n",
			"c.yml:4:3: invalid YAML: line 4 is indented with a tab, which YAML does not allow: indent with spaces"},
		// Neither slip: yaml.v3's own message and line stay.
		{"unclosed quote", "rules:\n  - match: 'a\n", "c.yml:2:1: invalid YAML: found unexpected end of stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff([]string{tc.want}, parseErrs(t, tc.yml)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
