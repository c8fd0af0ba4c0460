package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// featuresConfig uses each:, tag placeholders, urlize, {parent} and
// cpcode_covers: a layout purges CP code 12345, which serves
// docs.example.com, so only the blog's URLs are sent.
const featuresConfig = `cpcode_covers: {12345: [docs.example.com]}
rules:
  - match: "layouts/**"
    cpcodes: 12345
  - regex: 'content/(?P<lang>de|fr)/.+\.md'
    strip: content/
    each: {v: [a, b]}
    urls: "https://docs.example.com/{path|ext:/|urlize}"
    also: "https://www.example.com/{v}/{parent}"
    tags: ["docs-{lang}", "v-{v}"]
`

// featuresSite is a repository of two commits: the config and a page,
// then the page, a layout and a German page changed.
func featuresSite(t *testing.T) (dir string, base, head string) {
	t.Helper()
	dir = t.TempDir()
	gitCmd(t, dir, "init", "-q", "-b", "main")
	submoduleWrite(t, filepath.Join(dir, ".ccu-purge.yml"), featuresConfig)
	submoduleWrite(t, filepath.Join(dir, "layouts", "base.html"), "v1")
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-qm", "base")
	base = gitCmd(t, dir, "rev-parse", "HEAD")
	submoduleWrite(t, filepath.Join(dir, "layouts", "base.html"), "v2")
	submoduleWrite(t, filepath.Join(dir, "content", "de", "posts", "Mein Beitrag", "index.md"), "hallo")
	gitCmd(t, dir, "add", ".")
	gitCmd(t, dir, "commit", "-qm", "head")
	return dir, base, gitCmd(t, dir, "rev-parse", "HEAD")
}

// TestRuleFeaturesPurge: over real HTTPS, the simulator gets the URLs
// each: and {parent} make on the host no purged CP code covers, the CP
// code, and the tags placeholders make; the page's own URL on the covered
// host is not sent.
func TestRuleFeaturesPurge(t *testing.T) {
	dir, base, head := featuresSite(t)
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--repo", dir, "--from", base, "--to", head}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	var got []string
	for _, p := range sim.Purges() {
		got = append(got, p.Type+" "+strings.Join(p.Objects, " "))
	}
	want := []string{
		"cpcode 12345",
		"tag docs-de v-a v-b",
		"url https://www.example.com/a/de/posts/ https://www.example.com/b/de/posts/",
	}
	slices.Sort(got) // the requests' order is the client's
	if !slices.Equal(got, want) {
		t.Errorf("simulator got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestRuleFeaturesPlanNotes: the JSON plan says what cpcode_covers left
// out and what it still sends.
func TestRuleFeaturesPlanNotes(t *testing.T) {
	dir, base, head := featuresSite(t)
	r := run(t, "plan", "--repo", dir, "--from", base, "--to", head, "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var p struct{ Notes []string }
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"1 URL dropped: CP code 12345 (docs.example.com) is purged in this plan",
		"2 URLs on hosts no purged CP code is said to cover are sent (cpcode_covers names the hosts each CP code serves)",
	}
	if !slices.Equal(p.Notes, want) {
		t.Errorf("notes = %q, want %q", p.Notes, want)
	}
}
