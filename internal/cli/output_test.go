package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// hugoConfig is a generated site's config: the build output in public/
// (git-ignored in a real repository), a page per folder URL, and a CP
// code for the first run.
const hugoConfig = `network: staging
threshold: 500
cpcodes: [424242]
on_unknown_base: cpcode
output:
  dir: public
%s
rules:
  - match: "public/**/index.html"
    strip: public/
    urls: https://www.example.com/{dir}
  - match: "public/**"
    strip: public/
    urls: https://www.example.com/{path}
`

// stampNormalizer strips the build's timestamp from every page.
const stampNormalizer = `  normalize:
    - match: "**/*.html"
      strip: ['<meta name="build-time" content="[^"]*">']`

// hugoBuild is one build of a Hugo-like site of n pages: a sidebar
// partial that the first sidebar pages include (a layout change alters
// exactly those), a build stamp in every page when stamp is set, and a
// CSS file. gone pages are left out (removed by the build).
type hugoBuild struct {
	pages, sidebar int
	layout, stamp  string
	gone           map[int]bool
}

func (b hugoBuild) write(t *testing.T, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for i := range b.pages {
		if b.gone[i] {
			continue
		}
		side := ""
		if i < b.sidebar {
			side = "<aside>" + b.layout + "</aside>"
		}
		meta := ""
		if b.stamp != "" {
			meta = fmt.Sprintf(`<meta name="build-time" content="%s">`, b.stamp)
		}
		page := fmt.Sprintf("<!doctype html><html><head><title>Post %d</title>%s</head><body>%s<p>Post %d</p></body></html>\n", i, meta, side, i)
		writeTree(t, dir, fmt.Sprintf("posts/%04d/index.html", i), page)
	}
	writeTree(t, dir, "css/site.css", "body { font: 16px serif }\n")
}

func writeTree(t *testing.T, dir, rel, body string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hugoWorld is a repository that holds only the config (the build
// output is not committed), a build folder, a manifest path and the
// simulator the first, recording purge goes to.
type hugoWorld struct {
	t                  *testing.T
	repo, out, mf, dir string
	flags              []string
}

func newHugoWorld(t *testing.T, normalize string) *hugoWorld {
	t.Helper()
	w := &hugoWorld{t: t, repo: t.TempDir(), dir: t.TempDir()}
	w.out, w.mf = filepath.Join(w.dir, "public"), filepath.Join(w.dir, "manifest.gz")
	_, err := gitfixture.Build(w.repo, false, []gitfixture.Commit{{Message: "config", Write: map[string]string{".ccu-purge.yml": fmt.Sprintf(hugoConfig, normalize)}}})
	if err != nil {
		t.Fatal(err)
	}
	unlimited := ccusim.Unlimited()
	_, w.flags = simulator(t, ccusim.Options{Buckets: &unlimited})
	return w
}

// purge purges the build in w.out and records its manifest.
func (w *hugoWorld) purge(b hugoBuild) result {
	w.t.Helper()
	b.write(w.t, w.out)
	return runQuick(w.t, nil, append([]string{"purge", "--repo", w.repo, "--site-dir", w.out, "--manifest", w.mf}, w.flags...)...)
}

// plan plans the build in w.out against the recorded manifest.
func (w *hugoWorld) plan(b hugoBuild, extra ...string) result {
	w.t.Helper()
	b.write(w.t, w.out)
	return runQuick(w.t, nil, append([]string{"plan", "--repo", w.repo, "--site-dir", w.out, "--manifest", w.mf}, extra...)...)
}

// outputPlan is what plan --output json says of a build-output plan.
type outputPlan struct {
	Mode    string `json:"mode"`
	Output  struct{ Files, Added, Changed, Removed int }
	Batches []struct {
		Type    string   `json:"type"`
		Objects []string `json:"objects"`
	} `json:"batches"`
	Warnings []string `json:"warnings"`
}

func (w *hugoWorld) planJSON(b hugoBuild) outputPlan {
	w.t.Helper()
	r := w.plan(b, "--output", "json")
	if r.code != ExitOK {
		w.t.Fatalf("plan: exit %d: %s", r.code, r.stderr)
	}
	var p outputPlan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		w.t.Fatalf("plan --output json: %v\n%s", err, r.stdout)
	}
	return p
}

func (p outputPlan) urls() []string {
	var out []string
	for _, b := range p.Batches {
		if b.Type == "url" {
			out = append(out, b.Objects...)
		}
	}
	return out
}

// outputMasks replace the test's temporary folders in a plan's text.
func outputMasks(w *hugoWorld, s string) string {
	s = strings.ReplaceAll(s, w.dir, "TMP")
	return regexp.MustCompile(`[0-9a-f]{12}\.\.`).ReplaceAllString(s, "COMMIT..")
}

// TestOutputLayoutChange: a layout change alters 120 of 2,000 generated
// pages; the plan purges exactly those 120 URLs (golden), after a first
// run that purged the CP code and recorded the manifest.
func TestOutputLayoutChange(t *testing.T) {
	w := newHugoWorld(t, "")
	first := w.purge(hugoBuild{pages: 2000, sidebar: 120, layout: "v1"})
	if first.code != ExitOK || !strings.Contains(first.stdout, "Recorded the build output's manifest (2001 files)") {
		t.Fatalf("first purge: exit %d\n%s\n%s", first.code, first.stdout, first.stderr)
	}
	p := w.planJSON(hugoBuild{pages: 2000, sidebar: 120, layout: "v2"})
	urls := p.urls()
	if p.Mode != "output" || p.Output.Changed != 120 || len(urls) != 120 {
		t.Fatalf("mode %q, %d changed, %d URLs; want output, 120, 120", p.Mode, p.Output.Changed, len(urls))
	}
	for i, u := range urls {
		if want := fmt.Sprintf("https://www.example.com/posts/%04d/", i); u != want {
			t.Fatalf("URL %d = %s, want %s", i, u, want)
		}
	}
	text := w.plan(hugoBuild{pages: 2000, sidebar: 120, layout: "v2"}, "--quiet")
	checkGolden(t, "output/layout.golden", outputMasks(w, text.stdout))
}

// TestOutputBuildStamp: a build that stamps every page "changes" all
// 2,000 of them. Without a normaliser the plan falls back to the CP code
// and the volatility report names the stamp with a normaliser that
// strips it; with that normaliser the same builds purge nothing.
func TestOutputBuildStamp(t *testing.T) {
	w := newHugoWorld(t, "")
	if r := w.purge(hugoBuild{pages: 2000, stamp: "2026-12-01T10:00:00Z"}); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	r := w.plan(hugoBuild{pages: 2000, stamp: "2026-12-02T10:00:00Z"}, "--quiet")
	if r.code != ExitOK || !strings.Contains(r.stdout, `differs in 2000 of them`) || !strings.Contains(r.stdout, "output.normalize") {
		t.Fatalf("plan: exit %d, want a volatility report naming the stamp in 2000 pages:\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	checkGolden(t, "output/stamp.golden", outputMasks(w, r.stdout))

	n := newHugoWorld(t, stampNormalizer)
	if r := n.purge(hugoBuild{pages: 2000, stamp: "2026-12-01T10:00:00Z"}); r.code != ExitOK {
		t.Fatalf("first purge (normalised): exit %d: %s", r.code, r.stderr)
	}
	p := n.planJSON(hugoBuild{pages: 2000, stamp: "2026-12-02T10:00:00Z"})
	if p.Output.Changed != 0 || len(p.Batches) != 0 || len(p.Warnings) != 0 {
		t.Fatalf("normalised stamp: %d changed, %d batches, warnings %q; want nothing to purge", p.Output.Changed, len(p.Batches), p.Warnings)
	}
}

// TestOutputRemovedPage: a page the build no longer writes is purged.
func TestOutputRemovedPage(t *testing.T) {
	w := newHugoWorld(t, "")
	if r := w.purge(hugoBuild{pages: 50}); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	p := w.planJSON(hugoBuild{pages: 50, gone: map[int]bool{7: true}})
	if p.Output.Removed != 1 || strings.Join(p.urls(), " ") != "https://www.example.com/posts/0007/" {
		t.Fatalf("removed %d, URLs %q; want the removed page's URL alone", p.Output.Removed, p.urls())
	}
}

// TestOutputFailedBuildRefused: an empty output (a failed build) is
// refused before anything is sent, exit 2, and the manifest stays.
func TestOutputFailedBuildRefused(t *testing.T) {
	w := newHugoWorld(t, "")
	if r := w.purge(hugoBuild{pages: 50}); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	before, err := os.ReadFile(w.mf)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(w.out); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(w.out, 0o755); err != nil {
		t.Fatal(err)
	}
	r := runQuick(t, nil, append([]string{"purge", "--repo", w.repo, "--site-dir", w.out, "--manifest", w.mf}, w.flags...)...)
	oneMessage(t, r, ExitUsage, "has no files", "check that the build succeeded")
	if after, _ := os.ReadFile(w.mf); string(after) != string(before) {
		t.Error("a refused build replaced the manifest")
	}
}
