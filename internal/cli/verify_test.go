package cli

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// Issue 15's acceptance, end to end: the real CLI (purge --verify, verify,
// the Action) against the simulator's real edge over HTTPS on loopback.
// The edge caches release 1 of a small site; the test then deploys
// release 2 to the edge's origin folder and purges v1..v2.

// edgeHost is the site's host, as the rules write its URLs.
const edgeHost = "www.example.com"

// edgeSiteConfig purges the site's public/ folder on production; action
// is "" (invalidate, the default) or a line such as "action: delete".
func edgeSiteConfig(action string) string {
	return "api: fast-purge\nnetwork: production\ncpcodes: [424242]\n" + action + "\nrules:\n" +
		"  - match: \"public/**\"\n    strip: public/\n    urls: https://" + edgeHost + "/{path}\n"
}

// deleteConfig purges with delete, which production allows only with
// allow_delete.
var deleteConfig = edgeSiteConfig("action: delete\nallow_delete: true")

// The site's two releases: index and page change, gone is deleted, same
// stays (and is not purged).
var (
	release1 = map[string]string{"index.html": "<h1>home v1</h1>\n", "page.html": "<p>page v1</p>\n", "gone.html": "<p>gone</p>\n", "same.html": "<p>same</p>\n"}
	release2 = map[string]string{"index.html": "<h1>home v2, longer</h1>\n", "page.html": "<p>page v2</p>\n", "same.html": "<p>same</p>\n"}
)

// siteURL is the address of a file of the site.
func siteURL(name string) string { return "https://" + edgeHost + "/" + name }

// purgedURLs are the URLs v1..v2 purges; servedURLs those of them
// release 2 still serves (a 200, whose cache headers are judged: a 404
// for a deleted file is fresh by its status alone).
var (
	purgedURLs = []string{siteURL("gone.html"), siteURL("index.html"), siteURL("page.html")}
	servedURLs = []string{siteURL("index.html"), siteURL("page.html")}
)

// edgeWorld is a repository with both releases, the CCU simulator
// (estimatedSeconds 0, so nothing waits for it) and its edge in front of
// an origin folder that serves release 1 until deploy.
type edgeWorld struct {
	t      *testing.T
	repo   string
	sim    *ccusim.Server
	edge   *ccusim.Edge
	origin string
	flags  []string // --edgerc, --ca-cert
	ca     string
	shas   []string  // v1, v2
	v1At   time.Time // release 1's mtime: its Last-Modified
}

// newEdgeWorld builds the world with config and the edge's options (its
// Origin and Hosts are set here), the edge warmed with release 1.
func newEdgeWorld(t *testing.T, config string, eo ccusim.EdgeOptions) *edgeWorld {
	t.Helper()
	w := &edgeWorld{t: t, repo: t.TempDir(), origin: t.TempDir(), v1At: time.Now().Add(-2 * time.Hour).Truncate(time.Second)}
	var err error
	w.shas, err = gitfixture.Build(w.repo, false, []gitfixture.Commit{
		{Message: "one", Write: publicFiles(config, release1), Tag: "v1"},
		{Message: "two", Write: publicFiles(config, release2), Delete: []string{"public/gone.html"}, Tag: "v2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	w.sim, w.flags = simulator(t, ccusim.Options{V3Seconds: -1})
	w.ca = w.flags[3]
	w.writeOrigin(release1, w.v1At)
	eo.Origin, eo.Hosts = w.origin, []string{edgeHost}
	if w.edge, err = w.sim.StartEdge(eo); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.edge.Close() })
	if err := w.edge.Warm(context.Background(), siteURL("index.html"), siteURL("page.html"), siteURL("gone.html"), siteURL("same.html")); err != nil {
		t.Fatal(err)
	}
	return w
}

// publicFiles is the config and a release's files under public/.
func publicFiles(config string, release map[string]string) map[string]string {
	files := map[string]string{".ccu-purge.yml": config}
	for name, body := range release {
		files["public/"+name] = body
	}
	return files
}

// writeOrigin makes the origin folder serve release, each file with mtime
// at (its Last-Modified); a file release lacks is removed.
func (w *edgeWorld) writeOrigin(release map[string]string, at time.Time) {
	w.t.Helper()
	for _, name := range []string{"index.html", "page.html", "gone.html", "same.html"} {
		path := filepath.Join(w.origin, name)
		body, ok := release[name]
		if !ok {
			if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
				w.t.Fatal(err)
			}
			continue
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			w.t.Fatal(err)
		}
		if err := os.Chtimes(path, at, at); err != nil {
			w.t.Fatal(err)
		}
	}
}

// deploy puts release 2 on the origin, its files an hour newer than
// release 1's.
func (w *edgeWorld) deploy() { w.writeOrigin(release2, w.v1At.Add(time.Hour)) }

// connectTo sends the site's host to the edge, SNI and Host kept.
func (w *edgeWorld) connectTo() string { return edgeHost + ":" + w.edge.Addr() }

// purge runs purge --verify of v1..v2 with extra flags and the
// environment vars, every URL sampled.
func (w *edgeWorld) purge(vars map[string]string, extra ...string) result {
	w.t.Helper()
	args := append([]string{"purge", "--repo", w.repo, "--from", "v1", "--to", "v2", "--verify", "--sample", "all",
		"--connect-to", w.connectTo()}, w.flags...)
	return runQuick(w.t, vars, append(args, extra...)...)
}

// verify runs the verify command through the edge, every URL sampled; it
// takes no credentials, only the simulator's CA.
func (w *edgeWorld) verify(vars map[string]string, extra ...string) result {
	w.t.Helper()
	args := []string{"verify", "--repo", w.repo, "--sample", "all", "--connect-to", w.connectTo(), "--ca-cert", w.ca}
	return runQuick(w.t, vars, append(args, extra...)...)
}

// verifiedReport is the verify section of a --report file.
type verifiedReport struct {
	Verify *struct {
		Summary struct{ Checked, Fresh, Stale, Unknown, Of int }
		Sample  string
		OnStale string
		Results []verifiedResult
		Error   string
	}
}

type verifiedResult struct {
	URL       string
	Result    string
	Checks    []struct{ Name, Result, Detail string }
	Attempts  int
	Seconds   float64
	Diagnosis string
	Hint      string
	Evidence  struct {
		Status       int
		XCache       string
		CacheStatus  string
		CacheKey     string
		CPCode       int64
		LastModified string
	}
}

// readVerified reads the verify section of the report at path; it fails
// the test when there is none.
func readVerified(t *testing.T, path string) verifiedReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r verifiedReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report is not JSON (%v):\n%s", err, data)
	}
	if r.Verify == nil {
		t.Fatalf("report has no verify section:\n%s", data)
	}
	return r
}

// byURL maps results to their URLs.
func byURL(results []verifiedResult) map[string]verifiedResult {
	out := map[string]verifiedResult{}
	for _, r := range results {
		out[r.URL] = r
	}
	return out
}

// details are r's checks, one a line, for a failure's message.
func (r verifiedResult) details() string {
	var b strings.Builder
	for _, c := range r.Checks {
		b.WriteString(c.Name + " " + c.Result + ": " + c.Detail + "\n")
	}
	return b.String()
}

// A purge the edge never receives is caught: every purged URL is listed
// STALE, --on-stale fail exits 1 and warn (the default) 0, the report
// holds the stale results and the counts, and the state file moves all
// the same, since Akamai accepted the purge.
func TestVerifyLostPurge(t *testing.T) {
	for _, tc := range []struct {
		name     string
		flags    []string
		wantCode int
		onStale  string
	}{
		{"fail", []string{"--on-stale", "fail"}, ExitFailed, "fail"},
		{"warn", []string{"--on-stale", "warn"}, ExitOK, "warn"},
		{"default", nil, ExitOK, "warn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newEdgeWorld(t, edgeSiteConfig(""), ccusim.EdgeOptions{})
			w.deploy()
			w.edge.Fault(ccusim.EdgeFault{LosePurges: 1})
			dir := t.TempDir()
			report, statePath := filepath.Join(dir, "report.json"), filepath.Join(dir, "state.json")
			r := w.purge(nil, append([]string{"--verify-timeout", "1s", "--report", report, "--state", statePath}, tc.flags...)...)
			want := []string{}
			if tc.wantCode != ExitOK {
				want = append(want, "stale")
			}
			oneMessage(t, r, tc.wantCode, want...)
			for _, u := range purgedURLs {
				if !strings.Contains(r.stdout, "STALE  "+u+"  after ") {
					t.Errorf("stdout does not list %s as STALE:\n%s", u, r.stdout)
				}
			}
			v := readVerified(t, report).Verify
			if v.Summary.Checked != 3 || v.Summary.Stale != 3 || v.Summary.Fresh != 0 || v.Summary.Of != 3 || v.OnStale != tc.onStale {
				t.Errorf("verify summary %+v, onStale %q; want 3 checked, 3 stale of 3, onStale %s", v.Summary, v.OnStale, tc.onStale)
			}
			for _, res := range v.Results {
				if res.Result != "stale" || res.Diagnosis == "" || res.Attempts < 1 {
					t.Errorf("%s: result %q after %d attempt(s), diagnosis %q; want stale with a diagnosis", res.URL, res.Result, res.Attempts, res.Diagnosis)
				}
			}
			if got := readState(t, statePath).net("production"); got.Commit != w.shas[1] || got.PurgedAt == "" {
				t.Errorf("the state did not move after an accepted purge: %+v", got)
			}
		})
	}
}

// The invalidate trap: release 2's bytes differ but the files keep
// release 1's mtime, so Last-Modified does not change and an invalidate
// leaves the edge's copy (TCP_REFRESH_HIT), which verify names and for
// which it suggests delete; a delete purge makes the edge fetch again.
func TestVerifyStaleInvalidateTrap(t *testing.T) {
	for _, tc := range []struct {
		name, config string
		want         string // the result of index.html and page.html
	}{
		{"invalidate", edgeSiteConfig(""), "stale"},
		{"delete", deleteConfig, "fresh"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newEdgeWorld(t, tc.config, ccusim.EdgeOptions{})
			w.writeOrigin(release2, w.v1At) // the bytes change, the mtime does not
			report := filepath.Join(t.TempDir(), "report.json")
			r := w.purge(nil, "--verify-timeout", "1s", "--report", report)
			oneMessage(t, r, ExitOK)
			results := byURL(readVerified(t, report).Verify.Results)
			for _, u := range servedURLs {
				res := results[u]
				if res.Result != tc.want {
					t.Errorf("%s: %s, want %s\n%s", u, res.Result, tc.want, res.details())
				}
				if tc.want == "stale" && (!strings.Contains(res.Diagnosis, "Last-Modified") || !strings.Contains(res.Hint, "action: delete")) {
					t.Errorf("%s: the trap is not named: diagnosis %q, hint %q", u, res.Diagnosis, res.Hint)
				}
			}
			if tc.want == "stale" && !strings.Contains(r.stdout, "Last-Modified did not change") {
				t.Errorf("stdout does not name the trap:\n%s", r.stdout)
			}
		})
	}
}

// A file the deploy deleted answers 404 through the edge once purged:
// fresh, by its status.
func TestVerifyEdgeDeletedFileFresh(t *testing.T) {
	w := newEdgeWorld(t, edgeSiteConfig(""), ccusim.EdgeOptions{})
	w.deploy()
	report := filepath.Join(t.TempDir(), "report.json")
	r := w.purge(nil, "--verify-timeout", "5s", "--report", report)
	oneMessage(t, r, ExitOK)
	res := byURL(readVerified(t, report).Verify.Results)[siteURL("gone.html")]
	if res.Result != "fresh" || res.Evidence.Status != 404 {
		t.Errorf("deleted gone.html: %s with status %d, want fresh by a 404\n%s", res.Result, res.Evidence.Status, res.details())
	}
	if !strings.Contains(r.stdout, "fresh  "+siteURL("gone.html")+"  (status 404, ") {
		t.Errorf("stdout does not say the 404 made it fresh:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "3 fresh, 0 stale, 0 unknown.") {
		t.Errorf("not every purged URL is fresh:\n%s", r.stdout)
	}
}

// debugKey is a property's Enhanced Debug key.
var debugKey = []byte("ccu-purge enhanced debug key 01")

// An origin that lags the deploy serves release 1 to the edge after the
// purge: with --origin (the simulator's origin, asked with the site's
// Host) verify says the origin is not updated yet and suggests --delay.
func TestVerifyEdgeOriginLag(t *testing.T) {
	w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{})
	w.deploy()
	w.edge.Fault(ccusim.EdgeFault{OriginLag: time.Minute})
	report := filepath.Join(t.TempDir(), "report.json")
	r := w.purge(nil, "--verify-timeout", "1s", "--origin", w.edge.OriginURL(), "--report", report)
	oneMessage(t, r, ExitOK)
	results := byURL(readVerified(t, report).Verify.Results)
	for _, u := range servedURLs {
		res := results[u]
		if res.Result != "stale" || !strings.Contains(res.Diagnosis, "the origin is not updated yet") || !strings.Contains(res.Hint, "--delay") {
			t.Errorf("%s: %s, diagnosis %q, hint %q; want stale, the origin not updated yet, a hint of --delay\n%s", u, res.Result, res.Diagnosis, res.Hint, res.details())
		}
	}
	if !strings.Contains(r.stdout, "STALE  "+siteURL("page.html")+"  after 1 attempt in ") || !strings.Contains(r.stdout, "the origin is not updated yet") {
		t.Errorf("stdout does not say the origin lags:\n%s", r.stdout)
	}
}

// Purges that reach the edge 2 s late are asked again until fresh, within
// the budget, and the result says how long it took.
func TestVerifyEdgeSlowPropagation(t *testing.T) {
	w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{})
	w.deploy()
	w.edge.Fault(ccusim.EdgeFault{Propagation: 2 * time.Second})
	report := filepath.Join(t.TempDir(), "report.json")
	r := w.purge(nil, "--verify-timeout", "10s", "--report", report)
	oneMessage(t, r, ExitOK)
	v := readVerified(t, report).Verify
	if v.Summary.Fresh != 3 {
		t.Fatalf("%d of 3 fresh after a slow propagation:\n%s", v.Summary.Fresh, r.stdout)
	}
	for _, res := range v.Results {
		if res.Attempts < 2 || res.Seconds < 1 {
			t.Errorf("%s: fresh after %d attempt(s) in %.1fs; want more than one attempt and the seconds it took", res.URL, res.Attempts, res.Seconds)
		}
	}
	if !strings.Contains(r.stdout, "fresh  "+siteURL("page.html")+"  (content, ") || strings.Contains(r.stdout, "(content, 1 attempt,") {
		t.Errorf("stdout does not show the retries:\n%s", r.stdout)
	}
}

// An edge answering from another CP code than the config names is
// reported in the cache check and the evidence, read from the cache key
// that the Pragma debug headers bring back.
func TestVerifyEdgeOtherCPCode(t *testing.T) {
	w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{CPCode: 555})
	w.deploy()
	report := filepath.Join(t.TempDir(), "report.json")
	r := w.purge(nil, "--verify-timeout", "5s", "--report", report)
	oneMessage(t, r, ExitOK)
	results := byURL(readVerified(t, report).Verify.Results)
	for _, u := range servedURLs {
		res := results[u]
		if res.Evidence.CPCode != 555 || !strings.Contains(res.Evidence.CacheKey, "/555/") {
			t.Errorf("%s: evidence cpcode %d, cache key %q; want 555 read from the cache key", res.URL, res.Evidence.CPCode, res.Evidence.CacheKey)
		}
		if !strings.Contains(res.details(), "cache unknown: answered from CP code 555, the config names 424242") {
			t.Errorf("%s: the other CP code is not reported:\n%s", res.URL, res.details())
		}
	}
}

// Enhanced Debug: with the property's key in AKAMAI_DEBUG_KEY the edge
// answers with its debug headers; with a wrong key it answers none, which
// the cache check says. Neither the key nor a token is printed or
// written anywhere.
func TestVerifyEdgeEnhancedDebug(t *testing.T) {
	for _, tc := range []struct {
		name, key  string
		wantHeader bool
	}{
		{"right key", hex.EncodeToString(debugKey), true},
		{"wrong key", hex.EncodeToString([]byte("not the property's debug key!!")), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{DebugKey: debugKey})
			w.deploy()
			dir := t.TempDir()
			report, junit := filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml")
			r := w.purge(map[string]string{"AKAMAI_DEBUG_KEY": tc.key}, "--verify-timeout", "5s", "--report", report, "--junit", junit)
			oneMessage(t, r, ExitOK)
			results := byURL(readVerified(t, report).Verify.Results)
			for _, u := range servedURLs {
				res := results[u]
				got := res.Evidence.CacheStatus != "" && res.Evidence.XCache != ""
				noHeaders := strings.Contains(res.details(), "the edge returned no debug headers")
				if got != tc.wantHeader || noHeaders == tc.wantHeader {
					t.Errorf("%s: debug headers seen %v (X-Cache %q, Akamai-Cache-Status %q), want %v\n%s", res.URL, got, res.Evidence.XCache, res.Evidence.CacheStatus, tc.wantHeader, res.details())
				}
			}
			outputs := map[string]string{"stdout": r.stdout, "stderr": r.stderr, "the report": readText(t, report), "the JUnit file": readText(t, junit)}
			for where, text := range outputs {
				for _, secret := range []string{tc.key, hex.EncodeToString(debugKey), "hmac=", "acl="} {
					if strings.Contains(text, secret) {
						t.Errorf("%s holds %.8q… (the debug key or a token)", where, secret)
					}
				}
			}
		})
	}
}

func readText(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// verify --report reads a purge's report back, checks its URLs and writes
// the verify section into the same file, the purge's part kept.
func TestVerifyEdgeReportFile(t *testing.T) {
	w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{})
	w.deploy()
	report := filepath.Join(t.TempDir(), "report.json")
	r := runQuick(t, nil, append([]string{"purge", "--repo", w.repo, "--from", "v1", "--to", "v2", "--report", report}, w.flags...)...)
	oneMessage(t, r, ExitOK)
	r = w.verify(nil, "--report", report, "--verify-timeout", "5s")
	oneMessage(t, r, ExitOK)
	if !strings.Contains(r.stdout, "Verified 3 of 3 URL(s) (sample all): 3 fresh, 0 stale, 0 unknown.") {
		t.Errorf("verify --report did not check the report's 3 URLs fresh:\n%s", r.stdout)
	}
	v := readVerified(t, report).Verify
	for _, res := range v.Results {
		if res.Result != "fresh" {
			t.Errorf("%s: %s, want fresh\n%s", res.URL, res.Result, res.details())
		}
	}
	var purged struct{ Purged []reportObj }
	if err := json.Unmarshal([]byte(readText(t, report)), &purged); err != nil || len(purged.Purged) != 3 {
		t.Errorf("the report lost the purge's objects (%v): %+v", err, purged)
	}
}

// verify --url checks one URL through --connect-to; --output json prints
// the verification as JSON, alone on stdout so a script can parse it.
func TestVerifyEdgeURLOutputJSON(t *testing.T) {
	w := newEdgeWorld(t, deleteConfig, ccusim.EdgeOptions{})
	w.deploy()
	purge := runQuick(t, nil, append([]string{"purge", "--repo", w.repo, "--from", "v1", "--to", "v2"}, w.flags...)...)
	oneMessage(t, purge, ExitOK)
	r := w.verify(nil, "--url", siteURL("page.html"), "--site-dir", w.origin, "--output", "json", "--verify-timeout", "5s")
	oneMessage(t, r, ExitOK)
	var v struct {
		Summary struct{ Checked, Fresh int }
		Results []verifiedResult
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not the verification's JSON (%v):\n%s", err, r.stdout)
	}
	if v.Summary.Checked != 1 || v.Summary.Fresh != 1 || len(v.Results) != 1 || v.Results[0].URL != siteURL("page.html") {
		t.Errorf("verify --url page.html: %+v, want it checked fresh", v)
	}
	if !strings.Contains(r.stderr, "Verified 1 of 1 URL(s) (sample all): 1 fresh, 0 stale, 0 unknown.") {
		t.Errorf("stderr lacks the summary the JSON keeps off stdout:\n%s", r.stderr)
	}
}

// --junit has a verify testsuite, a failing case per stale URL.
func TestVerifyEdgeJUnitStale(t *testing.T) {
	w := newEdgeWorld(t, edgeSiteConfig(""), ccusim.EdgeOptions{})
	w.deploy()
	w.edge.Fault(ccusim.EdgeFault{LosePurges: 1})
	junit := filepath.Join(t.TempDir(), "junit.xml")
	r := w.purge(nil, "--verify-timeout", "1s", "--junit", junit)
	oneMessage(t, r, ExitOK)
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal([]byte(readText(t, junit)), &doc); err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if s.Name == "verify" && c.Failure != nil && c.Failure.Type == "stale" && c.Failure.Message != "" {
				failed[c.Name] = true
			}
		}
	}
	for _, u := range purgedURLs {
		if !failed[u] {
			t.Errorf("the JUnit file has no failing verify case for stale %s:\n%s", u, readText(t, junit))
		}
	}
}

// ghaFor is a GitHub Actions step on w's repository, pushed v1..v2, that
// purges against w's simulator (see action_test.go's newGHA).
func ghaFor(t *testing.T, w *edgeWorld) *gha {
	t.Helper()
	edgerc, err := os.ReadFile(w.flags[1])
	if err != nil {
		t.Fatal(err)
	}
	g := &gha{t: t, dir: w.repo, sim: w.sim, ca: w.ca, edgerc: string(edgerc)}
	tmp := t.TempDir()
	g.output, g.summary, g.event = filepath.Join(tmp, "output"), filepath.Join(tmp, "summary"), filepath.Join(tmp, "event.json")
	raw, _ := json.Marshal(map[string]any{"before": w.shas[0], "after": w.shas[1]})
	for path, data := range map[string][]byte{g.event: raw, g.output: nil, g.summary: nil} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g.env = []string{"GITHUB_ACTIONS=true", "GITHUB_EVENT_PATH=" + g.event, "GITHUB_OUTPUT=" + g.output,
		"GITHUB_STEP_SUMMARY=" + g.summary, "GITHUB_SHA=" + w.shas[1], "RUNNER_TEMP=" + tmp, "SSL_CERT_FILE=" + w.ca}
	return g
}

// The Action verifies with verify: true, connect-to and debug-key: the
// key is masked before any other output, the outputs count the verified
// and the stale URLs, the job summary has a Verification section, and
// each stale URL is a warning annotation.
func TestVerifyEdgeActionStale(t *testing.T) {
	w := newEdgeWorld(t, edgeSiteConfig(""), ccusim.EdgeOptions{DebugKey: debugKey})
	w.deploy()
	w.edge.Fault(ccusim.EdgeFault{LosePurges: 1})
	g := ghaFor(t, w)
	key := hex.EncodeToString(debugKey)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "verify": "true", "connect-to": w.connectTo(),
		"debug-key": key, "verify-sample": "all", "verify-timeout": "1s"})
	if code != ExitOK {
		t.Fatalf("exit %d with on-stale warn\n%s", code, out)
	}
	if !strings.HasPrefix(out, "::add-mask::") || !strings.Contains(out[:strings.Index(out, "\n::group::")], "::add-mask::"+key+"\n") {
		t.Errorf("the debug key is not masked before the other output:\n%s", out)
	}
	if o := g.outputs(); o["verified"] != "0" || o["stale"] != "3" {
		t.Errorf("outputs verified %q, stale %q; want 0 and 3", o["verified"], o["stale"])
	}
	sum := g.file(g.summary)
	if !strings.Contains(sum, "### Verification") || !strings.Contains(sum, "0 fresh, 3 stale, 0 unknown") {
		t.Errorf("the job summary has no Verification section with the counts:\n%s", sum)
	}
	for _, u := range purgedURLs {
		if !strings.Contains(out, "::warning::stale after the purge: "+u+" (") {
			t.Errorf("no warning annotation for stale %s:\n%s", u, out)
		}
	}
	checkMasked(t, g, out)
	rest := out[strings.Index(out, "\n::group::"):] + sum + g.file(g.output) + readText(t, g.outputs()["report"])
	for _, secret := range []string{key, "hmac="} {
		if strings.Contains(rest, secret) {
			t.Errorf("the debug key or a token (%.8q…) appears after the masks", secret)
		}
	}
}
