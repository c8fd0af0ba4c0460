package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// More of build-output mode end to end: --explain-output, fingerprinted
// assets, output.max_removed, both signals, the manifest beside --state,
// the first-run policies, a corrupt manifest and the plan's JSON.

// siteConfig16 is a generated site's config with the output: section's
// settings in output (indented under output:) and on_unknown_base.
const siteConfig16 = `network: staging
cpcodes: [424242]
on_unknown_base: %s
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

// builtFiles is one build output: file bodies by slash path.
type builtFiles map[string]string

// pages is a build of n small pages, each saying v in its footer.
func pages(n int, v string) builtFiles {
	b := builtFiles{}
	for i := range n {
		b[fmt.Sprintf("posts/%04d/index.html", i)] = pageBody(i, v)
	}
	return b
}

func pageBody(i int, v string) string {
	return fmt.Sprintf("<!doctype html><html><body><p>Post %d</p><footer>%s</footer></body></html>\n", i, v)
}

// with is b with these files added or replaced ("" removes one).
func (b builtFiles) with(files map[string]string) builtFiles {
	out := builtFiles{}
	for k, v := range b {
		out[k] = v
	}
	for k, v := range files {
		if v == "" {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

func (b builtFiles) write(t *testing.T, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	for rel, body := range b {
		writeTree(t, dir, rel, body)
	}
}

// outWorld is a repository of commits (the config in the first), a build
// folder, a manifest path and a simulator kept for its record.
type outWorld struct {
	*hugoWorld
	sim  *ccusim.Server
	shas []string
}

func newOutWorld(t *testing.T, config string, commits ...gitfixture.Commit) *outWorld {
	t.Helper()
	hw := &hugoWorld{t: t, repo: t.TempDir(), dir: t.TempDir()}
	hw.out, hw.mf = filepath.Join(hw.dir, "public"), filepath.Join(hw.dir, "manifest.gz")
	first := gitfixture.Commit{Message: "config", Write: map[string]string{".ccu-purge.yml": config}, Tag: "v1"}
	for k, v := range commits[0].Write {
		first.Write[k] = v
	}
	shas, err := gitfixture.Build(hw.repo, false, append([]gitfixture.Commit{first}, commits[1:]...))
	if err != nil {
		t.Fatal(err)
	}
	unlimited := ccusim.Unlimited()
	sim, flags := simulator(t, ccusim.Options{Buckets: &unlimited})
	hw.flags = flags
	return &outWorld{hugoWorld: hw, sim: sim, shas: shas}
}

// oneCommit is newOutWorld's history when the repository holds only the
// config.
var oneCommit = gitfixture.Commit{}

// cmd writes b (unless nil) to the output folder and runs command with
// --repo, --site-dir and extra; purge also gets the simulator's flags.
func (w *outWorld) cmd(command string, b builtFiles, extra ...string) result {
	w.t.Helper()
	if b != nil {
		b.write(w.t, w.out)
	}
	args := append([]string{command, "--repo", w.repo, "--site-dir", w.out}, extra...)
	if command == "purge" {
		args = append(args, w.flags...)
	}
	return runQuick(w.t, nil, args...)
}

// record purges b with --manifest and fails the test unless it was
// recorded.
func (w *outWorld) record(b builtFiles, extra ...string) {
	w.t.Helper()
	r := w.cmd("purge", b, append([]string{"--manifest", w.mf}, extra...)...)
	if r.code != ExitOK || !strings.Contains(r.stdout, "Recorded the build output's manifest") {
		w.t.Fatalf("recording purge: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// planDoc16 is more of plan --output json than outputPlan reads; its
// Output, with the manifest's path and commit, hides outputPlan's.
type planDoc16 struct {
	outputPlan
	Output struct {
		Manifest       string
		ManifestCommit string `json:"manifestCommit"`
		Files, Added   int
		Changed        int
		Removed        int
		Immutable      int
	} `json:"output"`
	Changes []struct{ Status, Path, Signal string } `json:"changes"`
}

func (w *outWorld) planJSON16(b builtFiles, extra ...string) planDoc16 {
	w.t.Helper()
	r := w.cmd("plan", b, append([]string{"--output", "json"}, extra...)...)
	if r.code != ExitOK {
		w.t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	var p planDoc16
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		w.t.Fatalf("plan --output json: %v\n%s", err, r.stdout)
	}
	return p
}

// purgedSince are the objects of every purge the simulator accepted
// after its first n, sorted.
func (w *outWorld) purgedSince(n int) []string {
	var out []string
	for _, p := range w.sim.Purges()[n:] {
		for _, o := range p.Objects {
			if p.Hostname != "" && strings.HasPrefix(o, "/") {
				o = "https://" + p.Hostname + o
			}
			out = append(out, o)
		}
	}
	slices.Sort(out)
	return out
}

func pageURL(i int) string { return fmt.Sprintf("https://www.example.com/posts/%04d/", i) }

// TestOutputExplain: plan --explain-output shows the first differing
// bytes from the manifest's sample; a text file over the sample size
// needs --previous-dir, which compares it in full; a path the manifest
// lacks is an input error naming it.
func TestOutputExplain(t *testing.T) {
	w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", ""), oneCommit)
	big := strings.Repeat(`{"title":"post"},`, 600) // 10,200 bytes: over the 4,096 sampled
	v1 := pages(5, "v1").with(map[string]string{"search.json": big + `{"n":1}`})
	w.record(v1)
	prev := filepath.Join(w.dir, "previous")
	v1.write(t, prev)
	v2 := v1.with(map[string]string{"posts/0003/index.html": pageBody(3, "v2"), "search.json": big + `{"n":2}`, "posts/0009/index.html": pageBody(9, "v2")})
	v2.write(t, w.out)
	at := strings.Index(pageBody(3, "v1"), "v1") + 1 // "v" is the same
	cases := []struct {
		name      string
		args      []string
		code      int
		want      string
		wantError []string
	}{
		{name: "sample", args: []string{"--explain-output", "posts/0003/index.html"}, want: fmt.Sprintf("posts/0003/index.html: first difference at byte %d (line 1): old «… html><html><body><p>Post 3</p><footer>v1</footer></body></html>\\n» new «… html><html><body><p>Post 3</p><footer>v2</footer></body></html>\\n»", at)},
		{name: "as the plan names it", args: []string{"--explain-output", "public/posts/0003/index.html"}, want: "posts/0003/index.html: first difference at byte " + fmt.Sprint(at)},
		{name: "unchanged", args: []string{"--explain-output", "posts/0001/index.html"}, want: "posts/0001/index.html: no difference: the same"},
		{name: "over the sample size", args: []string{"--explain-output", "search.json"}, want: "search.json: differs from the last manifest (10207 bytes then, 10207 now), which keeps no sample of it"},
		{name: "previous dir", args: []string{"--explain-output", "search.json", "--previous-dir", prev}, want: `search.json: first difference at byte 10205 (line 1): old «…,{"title":"post"},{"title":"post"},{"n":1}» new «…,{"title":"post"},{"title":"post"},{"n":2}»`},
		{name: "new file", args: []string{"--explain-output", "posts/0009/index.html"}, code: ExitUsage, wantError: []string{"--explain-output posts/0009/index.html", "the last manifest has no such file"}},
		{name: "no such file", args: []string{"--explain-output", "posts/0042/index.html"}, code: ExitUsage, wantError: []string{"--explain-output posts/0042/index.html: the build output " + w.out + " has no such file", "a path relative to it"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := w.cmd("plan", nil, append([]string{"--manifest", w.mf}, c.args...)...)
			oneMessage(t, r, c.code, c.wantError...)
			if c.code == ExitOK && !strings.HasPrefix(r.stdout, c.want) {
				t.Errorf("stdout:\n%s\nwant it to start with:\n%s", r.stdout, c.want)
			}
		})
	}
}

// TestOutputImmutable: a renamed fingerprinted asset is a new URL: with
// output.immutable neither name is purged, both are counted apart, and
// the changed page still is purged.
func TestOutputImmutable(t *testing.T) {
	w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", `  immutable: ["**/*.????????.{js,css}"]`), oneCommit)
	w.record(pages(5, "v1").with(map[string]string{"assets/app.3f2a1c9b.js": "one()", "assets/site.css": "a{}"}))
	v2 := pages(5, "v1").with(map[string]string{"assets/app.9d8e7f6a.js": "two()", "assets/site.css": "b{}", "posts/0002/index.html": pageBody(2, "v2")})
	p := w.planJSON16(v2, "--manifest", w.mf)
	want := []string{"https://www.example.com/assets/site.css", pageURL(2)}
	if got := p.urls(); !slices.Equal(got, want) || p.Output.Immutable != 2 || p.Output.Added != 0 || p.Output.Removed != 0 || p.Output.Changed != 2 {
		t.Errorf("URLs %q, output %+v; want %q, 2 immutable, 2 changed, none added or removed", got, p.Output, want)
	}
	text := w.cmd("plan", nil, "--manifest", w.mf, "--quiet")
	if !strings.Contains(text.stdout, "0 added, 2 changed, 0 removed, 2 fingerprinted (output.immutable: new URLs, not purged)") {
		t.Errorf("plan text lacks the fingerprinted count:\n%s\n%s", text.stdout, text.stderr)
	}
}

// TestOutputMaxRemoved: more removed files than output.max_removed stop
// the run before anything is sent; as many as the cap are purged.
func TestOutputMaxRemoved(t *testing.T) {
	for _, c := range []struct {
		name    string
		removed int
		code    int
	}{
		{"at the cap", 3, ExitOK},
		{"over the cap", 4, ExitUsage},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", "  max_removed: 3"), oneCommit)
			w.record(pages(30, "v1"))
			sent := len(w.sim.Purges())
			gone := map[string]string{}
			for i := range c.removed {
				gone[fmt.Sprintf("posts/%04d/index.html", i)] = ""
			}
			r := w.cmd("purge", pages(30, "v1").with(gone), "--manifest", w.mf)
			if c.code == ExitOK {
				oneMessage(t, r, ExitOK)
				want := []string{pageURL(0), pageURL(1), pageURL(2)}
				if got := w.purgedSince(sent); !slices.Equal(got, want) {
					t.Errorf("purged %q, want the removed pages %q", got, want)
				}
				return
			}
			oneMessage(t, r, ExitUsage, "the build removed 4 files, more than output.max_removed (3)", "raise max_removed")
			if n := len(w.sim.Purges()); n != sent {
				t.Errorf("the simulator saw %d purges after the refused run, want none", n-sent)
			}
		})
	}
}

// bothConfig serves static/ from the repository (source: git) and the
// pages from the build output.
const bothConfig = `network: staging
cpcodes: [424242]
on_unknown_base: cpcode
output:
  dir: public
rules:
  - match: "static/**"
    source: git
    strip: static/
    urls: https://static.example.com/{path}
  - match: "public/**/index.html"
    strip: public/
    urls: https://www.example.com/{dir}
`

// TestOutputBothSignals: with --from, the git diff decides for the
// source: git rule and the build output for the pages; the plan says
// which signal found each change, and the purge sends both.
func TestOutputBothSignals(t *testing.T) {
	w := newOutWorld(t, bothConfig,
		gitfixture.Commit{Write: map[string]string{"static/robots.txt": "one"}},
		gitfixture.Commit{Message: "robots", Write: map[string]string{"static/robots.txt": "two", "static/logo.svg": "<svg/>"}})
	w.record(pages(5, "v1"))
	before := len(w.sim.Purges())
	v2 := pages(5, "v1").with(map[string]string{"posts/0004/index.html": pageBody(4, "v2")})
	p := w.planJSON16(v2, "--manifest", w.mf, "--from", "v1")
	var got []string
	for _, c := range p.Changes {
		got = append(got, c.Signal+" "+c.Status+" "+c.Path)
	}
	want := []string{"output M public/posts/0004/index.html", "git A static/logo.svg", "git M static/robots.txt"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("changes %q, want %q", got, want)
	}
	r := w.cmd("purge", nil, "--manifest", w.mf, "--from", "v1")
	oneMessage(t, r, ExitOK)
	sent := w.purgedSince(before)
	wantSent := []string{"https://static.example.com/logo.svg", "https://static.example.com/robots.txt", pageURL(4)}
	if !slices.Equal(sent, wantSent) {
		t.Errorf("purged %q, want %q", sent, wantSent)
	}
}

// TestOutputManifestBesideState: with --state and no --manifest, the
// manifest is kept beside the state file, one per network; the next run
// compares with it, and a failed purge leaves it as it was.
func TestOutputManifestBesideState(t *testing.T) {
	w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", ""), oneCommit)
	st := filepath.Join(w.dir, "s.json")
	kept := filepath.Join(w.dir, "s.json.staging.manifest.gz")
	r := w.cmd("purge", pages(5, "v1"), "--state", st)
	oneMessage(t, r, ExitOK)
	if !strings.Contains(r.stdout, "Recorded the build output's manifest (5 files) in "+kept) {
		t.Fatalf("first purge did not record %s:\n%s", kept, r.stdout)
	}
	before, err := os.ReadFile(kept)
	if err != nil {
		t.Fatal(err)
	}
	v2 := pages(5, "v1").with(map[string]string{"posts/0001/index.html": pageBody(1, "v2")})
	p := w.planJSON16(v2, "--state", st)
	if p.Output.Manifest != kept || p.Output.ManifestCommit != w.shas[0] || !slices.Equal(p.urls(), []string{pageURL(1)}) {
		t.Errorf("manifest %s at %.12s, URLs %q; want %s at %.12s, the changed page alone", p.Output.Manifest, p.Output.ManifestCommit, p.urls(), kept, w.shas[0])
	}
	w.sim.Refuse(pageURL(1))
	r = w.cmd("purge", nil, "--state", st)
	oneMessage(t, r, ExitFailed)
	if after, _ := os.ReadFile(kept); string(after) != string(before) {
		t.Error("a failed purge replaced the manifest")
	}
}

// TestOutputFirstRun: with no manifest yet, on_unknown_base decides:
// fail stops with the fix, all purges every file's URL, cpcode the CP
// code.
func TestOutputFirstRun(t *testing.T) {
	for _, c := range []struct {
		policy string
		code   int
		want   []string
	}{
		{"fail", ExitUsage, []string{"no manifest of a purged build", "set on_unknown_base: cpcode"}},
		{"all", ExitOK, []string{"https://www.example.com/css/site.css", pageURL(0), pageURL(1)}},
		{"cpcode", ExitOK, []string{"424242"}},
	} {
		t.Run(c.policy, func(t *testing.T) {
			w := newOutWorld(t, fmt.Sprintf(siteConfig16, c.policy, ""), oneCommit)
			r := w.cmd("purge", pages(2, "v1").with(map[string]string{"css/site.css": "a{}"}), "--manifest", w.mf)
			if c.code != ExitOK {
				oneMessage(t, r, c.code, c.want...)
				if _, err := os.Stat(w.mf); err == nil || len(w.sim.Purges()) > 0 {
					t.Errorf("a refused first run sent %d purges or wrote the manifest (%v)", len(w.sim.Purges()), err)
				}
				return
			}
			oneMessage(t, r, ExitOK)
			if got := w.purgedSince(0); !slices.Equal(got, c.want) {
				t.Errorf("purged %q, want %q", got, c.want)
			}
			if _, err := os.Stat(w.mf); err != nil {
				t.Errorf("the first run recorded no manifest: %v", err)
			}
		})
	}
}

// TestOutputCorruptManifest: a manifest that does not read is an input
// error naming the file and the fix, before anything is sent.
func TestOutputCorruptManifest(t *testing.T) {
	for name, body := range map[string]string{
		"not gzip":  "hello, I am not a manifest",
		"truncated": "\x1f\x8b\x08\x00\x00\x00\x00\x00",
	} {
		t.Run(name, func(t *testing.T) {
			w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", ""), oneCommit)
			writeTree(t, w.dir, "manifest.gz", body)
			r := w.cmd("purge", pages(3, "v1"), "--manifest", w.mf)
			oneMessage(t, r, ExitUsage, "manifest "+w.mf, "delete it to start again from on_unknown_base")
			if n := len(w.sim.Purges()); n > 0 {
				t.Errorf("%d purges sent with a corrupt manifest", n)
			}
		})
	}
}

// TestOutputPlanJSON: plan --output json of a build-output plan says the
// mode, the counts and the commit the manifest was recorded at.
func TestOutputPlanJSON(t *testing.T) {
	w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", ""), oneCommit)
	w.record(pages(6, "v1"))
	v2 := pages(6, "v1").with(map[string]string{"posts/0000/index.html": "", "posts/0002/index.html": pageBody(2, "v2"), "posts/0100/index.html": pageBody(100, "v1")})
	p := w.planJSON16(v2, "--manifest", w.mf)
	o := p.Output
	if p.Mode != "output" || o.ManifestCommit != w.shas[0] || o.Files != 6 || o.Added != 1 || o.Changed != 1 || o.Removed != 1 || o.Manifest != w.mf {
		t.Errorf("mode %q, output %+v; want output, manifest %s at %s, 6 files, 1 added, 1 changed, 1 removed", p.Mode, o, w.mf, w.shas[0])
	}
}

// TestOutputNeedsManifest: output.dir with neither --manifest nor
// --state asks for one of them (not for a git base the mode never uses).
func TestOutputNeedsManifest(t *testing.T) {
	w := newOutWorld(t, fmt.Sprintf(siteConfig16, "cpcode", ""), oneCommit)
	r := w.cmd("plan", pages(3, "v1"))
	oneMessage(t, r, ExitUsage, "pass --manifest FILE", "--state FILE")
}
