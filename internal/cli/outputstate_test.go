package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
)

// TestOutputDirWithStateOnly: with output.dir in the config and only
// --state (the manifest kept beside it), the build output decides from
// the first run on: no --from is asked for, and the second run compares
// with the manifest the first one recorded.
func TestOutputDirWithStateOnly(t *testing.T) {
	w := newHugoWorld(t, "")
	st := filepath.Join(w.dir, "state.json")
	args := []string{"--repo", w.repo, "--site-dir", w.out, "--state", st}
	hugoBuild{pages: 10}.write(t, w.out)
	if r := runQuick(t, nil, append(append([]string{"purge"}, args...), w.flags...)...); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	hugoBuild{pages: 10, sidebar: 2, layout: "new"}.write(t, w.out)
	r := runQuick(t, nil, append([]string{"plan", "--output", "json"}, args...)...)
	if r.code != ExitOK {
		t.Fatalf("second plan: exit %d: %s", r.code, r.stderr)
	}
	var p outputPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --output json: %v\n%s", err, r.stdout)
	}
	want := []string{"https://www.example.com/posts/0000/", "https://www.example.com/posts/0001/"}
	if got := p.urls(); !slices.Equal(got, want) {
		t.Errorf("purged %q, want %q", got, want)
	}
}
