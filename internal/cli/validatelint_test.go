package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
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

// validate in a bare repository reads the config committed at --to,
// named as the plan names it (<sha12>:.ccu-purge.yml), and lints it
// there; without --to it needs --config.
func TestValidateBare(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "site.git")
	shas, err := gitfixture.Build(dir, true, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": lintConfig, "public/index.html": "v1", "public/old.html": "o"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{".ccu-purge.yml": "rules: 3\n"}, Tag: "v2"},
		{Message: "three", Delete: []string{".ccu-purge.yml"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	v1, v2 := shas[0][:12]+":.ccu-purge.yml", shas[1][:12]+":.ccu-purge.yml"
	at := " (at " + shas[0][:12] + ")\n"
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string // a fragment
	}{
		{name: "the config committed at --to, linted there", args: []string{"--to", "v1"},
			stdout: v1 + ":8:5: warning: rule 2: no file matches publc/**; did you mean public/**?" + at +
				v1 + ":10:5: warning: rule 3: no file matches public/new.html" + at +
				v1 + ": ok, 3 rule(s), api fast-purge, network production, action invalidate\n"},
		{name: "its problems", args: []string{"--to", "v2"}, code: ExitUsage,
			stdout: v2 + ":1:8: rules must be a non-empty list of rules, each with match: and urls:, tags: or cpcodes:\n", stderr: "ccu-purge: " + v2 + ": 1 problem(s)\n"},
		{name: "a commit without one", args: []string{"--to", "HEAD"}, code: ExitUsage,
			stderr: "has no .ccu-purge.yml in commit " + shas[2][:12] + " (commit one, or pass --config FILE)"},
		{name: "without --to", code: ExitUsage,
			stderr: "ccu-purge: bare repository: pass --config FILE, or --to REV to validate the config committed at REV\n"},
		{name: "an unknown --to", args: []string{"--to", "nope"}, code: ExitUsage, stderr: "ccu-purge: --to: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, append([]string{"validate", "--repo", dir}, tc.args...)...)
			if r.code != tc.code || r.stdout != tc.stdout || !strings.Contains(r.stderr, tc.stderr) || (tc.stderr == "") != (r.stderr == "") {
				t.Errorf("exit %d, stdout:\n%s\nstderr: %s\nwant exit %d, stdout:\n%s\nstderr with %q", r.code, r.stdout, r.stderr, tc.code, tc.stdout, tc.stderr)
			}
		})
	}
}
