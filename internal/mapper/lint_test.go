package mapper

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Lint warns about rules that purge nothing for a commit's files: one
// matching no file (with the nearest folder for a misspelt one), one
// whose every file an earlier rule takes.
func TestLint(t *testing.T) {
	t.Parallel()
	files := []string{"static/css/a.css", "static/img/b.png", "public/index.html", "public/docs/x.html", "public/x.map", "README.md"}
	for _, tc := range []struct {
		name, rules string
		want        []string
	}{
		{"every rule used", "  - match: public/**\n  - match: static/**\n", nil},
		{"misspelt first folder", "  - match: statc/**\n", []string{
			"c.yml:3:5: warning: rule 1: no file matches statc/**; did you mean static/**?"}},
		{"misspelt second folder", "  - match: public/dosc/*.html\n", []string{
			"c.yml:3:5: warning: rule 1: no file matches public/dosc/*.html; did you mean public/docs/*.html?"}},
		{"nothing near", "  - match: assets/**\n", []string{
			"c.yml:3:5: warning: rule 1: no file matches assets/**"}},
		{"every folder exists", "  - match: [static/**/*.gif, public/*.htm]\n", []string{
			"c.yml:3:5: warning: rule 1: no file matches static/**/*.gif or public/*.htm"}},
		{"regex", "  - regex: '^content/(.+)\\.md$'\n", []string{
			`c.yml:3:5: warning: rule 1: no file matches ^content/(.+)\.md$`}},
		{"only ignored files", "  - match: '**/*.map'\n", []string{
			"c.yml:3:5: warning: rule 1: no file matches **/*.map"}},
		{"shadowed by one rule", "  - match: public/**\n  - match: public/docs/**\n", []string{
			"c.yml:5:5: warning: rule 2: every file it matches (1) is taken by an earlier rule (rule 1), so it never decides one: move it above, or narrow the earlier rule"}},
		{"shadowed by two rules", "  - match: static/css/**\n  - match: static/img/**\n  - match: static/**\n  - match: '*.md'\n", []string{
			"c.yml:7:5: warning: rule 3: every file it matches (2) is taken by an earlier rule (rules 1 and 2), so it never decides one: move it above, or narrow the earlier rule"}},
		{"partly shadowed is fine", "  - match: public/docs/**\n  - match: public/**\n", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte("ignore: '**/*.map'\nrules:\n"+strings.ReplaceAll(tc.rules, "\n", "\n    tags: t\n")))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range cfg.Lint(files) {
				got = append(got, w.String())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("warnings (-want +got):\n%s", d)
			}
		})
	}
}
