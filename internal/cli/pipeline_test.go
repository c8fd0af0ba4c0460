package cli

import (
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// The base's notes reach stderr with their labels, byte for byte: a note,
// a warning, each on its own line.
func TestBaseNotesOnStderr(t *testing.T) {
	dir, shas := history(t)
	cpcode, cpShas := site(t, siteConfig+"cpcodes: [777]\non_unknown_base: cpcode\n", nil)
	st := filepath.Join(t.TempDir(), "state.json")
	push := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": shas[1], "CI_COMMIT_SHA": shas[2]}
	mr := map[string]string{"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_DIFF_BASE_SHA": shas[1], "CI_COMMIT_SHA": shas[2]}
	first := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": zeroSHA, "CI_COMMIT_SHA": cpShas[1]}
	for _, tc := range []struct {
		name, repo string
		vars       map[string]string
		state      bool
		want       string
	}{
		{"no state entry", dir, push, true, "ccu-purge: note: " + st + " has no purge recorded for the production network with .ccu-purge.yml yet: the base comes from gitlab:push\n"},
		{"proposal", dir, mr, true, "ccu-purge: note: this run is for a proposed change (a pull or merge request): " + st + " is neither read nor written\n"},
		{"on_unknown_base", cpcode, first, false, "ccu-purge: warning: CI_COMMIT_BEFORE_SHA is all zeros (the first push of a branch or tag, or a pipeline with no previous commit); on_unknown_base: cpcode applies\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"plan", "--repo", tc.repo, "--output", "json"}
			if tc.state {
				args = append(args, "--state", st)
			}
			r := runEnv(t, tc.vars, args...)
			if r.code != 0 || r.stderr != tc.want {
				t.Errorf("exit %d, stderr:\n%q\nwant:\n%q", r.code, r.stderr, tc.want)
			}
		})
	}
}

// The fetch of a base a shallow clone lacks is announced without a label.
func TestBaseFetchOnStderr(t *testing.T) {
	_, clone, shas := shallowClone(t, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": siteConfig, "public/a.html": "1"}},
		{Message: "two", Write: map[string]string{"public/a.html": "2"}},
	})
	vars := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": shas[0], "CI_COMMIT_SHA": shas[1]}
	r := runEnv(t, vars, "plan", "--repo", clone, "--output", "json")
	want := "ccu-purge: the shallow clone lacks the base commit " + shas[0][:12] + ": fetching it from origin\n"
	if r.code != 0 || r.stderr != want {
		t.Errorf("exit %d, stderr:\n%q\nwant:\n%q", r.code, r.stderr, want)
	}
}
