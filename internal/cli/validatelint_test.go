package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// lintConfig has a misspelt folder (rule 2) and a rule shadowed by rule 1
// (rule 3); the first is suggested the folder that exists.
const lintConfig = siteConfig + `  - match: "publc/**"
    urls: https://www.example.com/{path}
  - match: public/new.html
    urls: https://www.example.com/n/{path}
`

// validate in a worktree, or with --to, warns (exit 0) about rules that
// purge nothing for the files of that commit; with --config alone it
// opens no repository and says only ok, as before.
func TestValidateWarnsOfDeadRules(t *testing.T) {
	t.Parallel()
	dir, shas := site(t, lintConfig, nil)
	cfg := filepath.Join(dir, ".ccu-purge.yml")
	ok := cfg + ": ok, 3 rule(s), api fast-purge, network production, action invalidate\n"
	head, first := " (at "+shas[1][:12]+")\n", " (at "+shas[0][:12]+")\n"
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"worktree", []string{"validate", "--repo", dir},
			cfg + ":8:5: warning: rule 2: no file matches publc/**; did you mean public/**?" + head +
				cfg + ":10:5: warning: rule 3: every file it matches (1) is taken by an earlier rule (rule 1), so it never decides one: move it above, or narrow the earlier rule" + head + ok},
		{"--to", []string{"validate", "--repo", dir, "--to", "v1"},
			cfg + ":8:5: warning: rule 2: no file matches publc/**; did you mean public/**?" + first +
				cfg + ":10:5: warning: rule 3: no file matches public/new.html" + first + ok},
		{"--config alone", []string{"validate", "--config", cfg}, ok},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, tc.args...)
			if r.code != 0 || r.stdout != tc.want || r.stderr != "" {
				t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", r.code, r.stdout, tc.want, r.stderr)
			}
		})
	}
	r := run(t, "validate", "--repo", dir, "--to", "nope")
	if r.code != ExitUsage || !strings.HasPrefix(r.stderr, "ccu-purge: --to: ") || r.stdout != "" {
		t.Errorf("--to nope: exit %d, stdout %q, stderr %q; want 2 and a --to error", r.code, r.stdout, r.stderr)
	}
}
