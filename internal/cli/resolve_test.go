package cli

import (
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// TestPlanRevisionForms runs plan end to end with revisions the old
// resolver read as another commit: a reflog entry after a second commit
// (read as HEAD: "Nothing to purge", exit 0), a path and a tree (read as
// their commit), and a tag named like another commit's SHA prefix (read
// as the SHA). Each is now git's commit or exit 2 naming the form; the
// documented empty-tree --from lists every file.
func TestPlanRevisionForms(t *testing.T) {
	d := gitSite(t, false)
	v1 := gitCmd(t, d, "rev-parse", "v1")
	gitCmd(t, d, "tag", v1[:7], "HEAD") // git: the tag, not v1's SHA
	for _, tc := range []struct {
		name, from string
		code       int
		want       []string // in stderr, or in stdout for exit 0
	}{
		{"reflog entry", "HEAD@{1}", 2, []string{`resolve "HEAD@{1}"`, "reflog entry", "git rev-parse --verify 'HEAD@{1}^{commit}'"}},
		{"upstream", "@{u}", 2, []string{"upstream", "git rev-parse"}},
		{"path in a commit", "HEAD:public", 2, []string{"path inside a commit"}},
		{"tree", "HEAD^{tree}", 2, []string{"not a commit"}},
		{"range", "v1..HEAD", 2, []string{"--from A --to B"}},
		{"tag named like a SHA prefix", v1[:7], 0, []string{"Nothing to purge"}},
		{"empty tree", diff.EmptyTree, 0, []string{"a.html", "b.html"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runQuick(t, nil, "plan", "--repo", d, "--from", tc.from)
			oneMessage(t, r, tc.code)
			out := r.stderr
			if tc.code == 0 {
				out = r.stdout
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
				}
			}
		})
	}
}
