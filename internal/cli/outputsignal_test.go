package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// signalConfig has a rule the git diff decides for (static/ is served
// as the repository holds it) beside the built site.
const signalConfig = `network: staging
cpcodes: [424242]
on_unknown_base: cpcode
output:
  dir: public
rules:
  - match: "public/**"
    strip: public/
    urls: https://www.example.com/{path}
  - match: "static/**"
    urls: https://www.example.com/{path}
`

// TestOutputGitRulesWithoutFrom: without --from, a rule that listens to
// git takes the diff from the commit the last manifest recorded, so a
// changed static/ file is purged with the changed page instead of being
// dropped without a word.
func TestOutputGitRulesWithoutFrom(t *testing.T) {
	repo, dir := t.TempDir(), t.TempDir()
	out, mf := filepath.Join(dir, "public"), filepath.Join(dir, "m.gz")
	commits := []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": signalConfig, "static/a.css": "a"}},
		{Message: "two", Write: map[string]string{"static/a.css": "b"}},
	}
	if _, err := gitfixture.Build(repo, false, commits[:1]); err != nil {
		t.Fatal(err)
	}
	unlimited := ccusim.Unlimited()
	_, flags := simulator(t, ccusim.Options{Buckets: &unlimited})
	writeTree(t, out, "index.html", "one")
	args := []string{"--repo", repo, "--site-dir", out, "--manifest", mf}
	if r := runQuick(t, nil, append(append([]string{"purge"}, args...), flags...)...); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	if err := os.RemoveAll(repo); err != nil {
		t.Fatal(err)
	}
	if _, err := gitfixture.Build(repo, false, commits); err != nil {
		t.Fatal(err)
	}
	writeTree(t, out, "index.html", "two")
	r := runQuick(t, nil, append([]string{"plan", "--output", "json"}, args...)...)
	if r.code != ExitOK {
		t.Fatalf("plan: exit %d: %s", r.code, r.stderr)
	}
	var p outputPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("plan --output json: %v\n%s", err, r.stdout)
	}
	want := []string{"https://www.example.com/index.html", "https://www.example.com/static/a.css"}
	if got := p.urls(); !slices.Equal(got, want) {
		t.Errorf("purged %q, want %q", got, want)
	}
}
