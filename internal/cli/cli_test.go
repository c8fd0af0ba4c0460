package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestMain lets a test run the CLI as a real process (os.Args[0] is this
// test binary): with CCU_PURGE_RUN_MAIN=1 it behaves as ccu-purge.
func TestMain(m *testing.M) {
	if os.Getenv("CCU_PURGE_RUN_MAIN") == "1" {
		os.Exit(Run(context.Background(), os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

const siteConfig = `api: fast-purge
network: production
ignore: ["**/*.map"]
rules:
  - match: "public/**"
    strip: public/
    urls: https://www.example.com/{path}
`

// site builds a two-commit repository with a worktree: an edit, an add with
// a space and unicode, a delete and a rename.
func site(t *testing.T, config string, extra map[string]string) (string, []string) {
	t.Helper()
	second := map[string]string{"public/index.html": "v2", "public/a b/é#1.html": "new", "docs/notes.txt": "n"}
	for k, v := range extra {
		second[k] = v
	}
	dir := t.TempDir()
	shas, err := gitfixture.Build(dir, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": config, "public/index.html": "v1", "public/old.html": "o", "public/gone.html": "g"}, Tag: "v1"},
		{Message: "two", Write: second, Delete: []string{"public/gone.html"}, Rename: map[string]string{"public/old.html": "public/new.html"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, shas
}

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, func(string) string { return "" }, &out, &errb)
	return result{code, out.String(), errb.String()}
}

// simulator starts the CCU simulator and returns the flags that point
// purge at it.
func simulator(t *testing.T, opts ccusim.Options) (*ccusim.Server, []string) {
	t.Helper()
	sim, err := ccusim.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	edgerc, ca, err := sim.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return sim, []string{"--edgerc", edgerc, "--ca-cert", ca}
}

func TestPlanJSONGolden(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	r := run(t, "plan", "--repo", dir, "--from", "v1", "--output", "json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	checkGolden(t, "plan.golden.json", r.stdout)
	// The contract, independently of the golden file's bytes.
	var p struct {
		From, To  string
		Changes   []struct{ Status, Path, OldPath string }
		Unmatched []string
		Fallback  struct{ Used bool }
		Batches   []struct {
			API, Action, Network, Type string
			Objects                    []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.From) != 40 || len(p.To) != 40 {
		t.Errorf("from/to are not full SHAs: %q %q", p.From, p.To)
	}
	var renamed bool
	for _, c := range p.Changes {
		if c.Status == "R" && c.OldPath == "public/old.html" && c.Path == "public/new.html" {
			renamed = true
		}
	}
	if !renamed {
		t.Errorf("no rename with both paths in %+v", p.Changes)
	}
	objs := strings.Join(p.Batches[0].Objects, "\n")
	for _, want := range []string{"https://www.example.com/old.html", "https://www.example.com/new.html", "https://www.example.com/a%20b/%C3%A9%231.html", "https://www.example.com/gone.html"} {
		if !strings.Contains(objs, want) {
			t.Errorf("objects lack %s:\n%s", want, objs)
		}
	}
	if d := cmp.Diff([]string{"docs/notes.txt"}, p.Unmatched); d != "" {
		t.Errorf("unmatched (-want +got):\n%s", d)
	}
}

func TestPurgeFastPurge(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	report := filepath.Join(t.TempDir(), "report.json")
	r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1", "--report", report}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	purges := sim.Purges()
	if len(purges) != 1 || purges[0].API != "v3" || purges[0].Type != "url" || purges[0].Network != "production" {
		t.Fatalf("simulator got %+v", purges)
	}
	if !strings.Contains(r.stdout, "purgeId "+purges[0].PurgeID) {
		t.Errorf("output does not name purgeId %s:\n%s", purges[0].PurgeID, r.stdout)
	}
	rep := readReport(t, report)
	if len(rep.NotPurged) != 0 || len(rep.Purged) != len(purges[0].Objects) || rep.Batches[0].PurgeID != purges[0].PurgeID {
		t.Errorf("report = %+v", rep)
	}
}

func TestPurgeCCUv2(t *testing.T) {
	cfg := strings.Replace(siteConfig, "api: fast-purge", "api: ccu-v2\nqueue: emergency\naction: delete\nallow_delete: true", 1)
	dir, _ := site(t, cfg, nil)
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	p := sim.Purges()
	if len(p) != 1 || p[0].API != "v2" || p[0].Queue != "emergency" || p[0].Action != "remove" || p[0].Type != "arl" {
		t.Fatalf("simulator got %+v", p)
	}
}

// Seven hundred changed files make two requests, within both limits.
func TestPurge700Files(t *testing.T) {
	extra := map[string]string{}
	for i := 0; i < 700; i++ {
		extra[fmt.Sprintf("public/posts/%s-%04d.html", strings.Repeat("p", 40), i)] = "x"
	}
	dir, _ := site(t, siteConfig, extra)
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	purges := sim.Purges()
	total := 0
	for _, p := range purges {
		total += len(p.Objects)
		body, _ := json.Marshal(map[string]any{"objects": p.Objects})
		if len(p.Objects) > 500 || len(body) > 50000 {
			t.Errorf("request with %d objects, %d bytes", len(p.Objects), len(body))
		}
	}
	if len(purges) != 2 || total != 705 {
		t.Errorf("%d requests with %d objects, want 2 with 705", len(purges), total)
	}
}

// reportObj is an entry of the report's purged, notPurged and refused.
type reportObj struct{ Type, Object string }

// key is an object as the accounting compares it: type and text, since a
// CP code and a tag may both be "5".
func (o reportObj) key() string { return o.Type + " " + o.Object }

// typed gives objects of one type, as the report lists them.
func typed(typ string, objs ...string) []reportObj {
	out := []reportObj{}
	for _, o := range objs {
		out = append(out, reportObj{typ, o})
	}
	return out
}

type reportFile struct {
	Purged, NotPurged, Refused []reportObj
	Batches                    []struct {
		Index      int `json:"batch"`
		HTTPStatus int
		PurgeID    string
		Status     string // after --wait
		Error      string
	}
}

func readReport(t *testing.T, path string) reportFile {
	t.Helper()
	return readJSON[reportFile](t, path)
}

// readJSON decodes the JSON file at path (a report, a state file).
func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	var v T
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
	return v
}

func TestPurgeRefused(t *testing.T) {
	for _, tc := range []struct {
		name      string
		setup     func(*ccusim.Server)
		args      []string
		want      []string
		notPurged []reportObj
		refused   bool
	}{
		// One refused object fails Akamai's whole request: bisection purges
		// the other four and names the one.
		{"403 unauthorized arl", func(s *ccusim.Server) { s.Refuse("https://www.example.com/index.html") }, nil,
			[]string{"HTTP 403", "unauthorized arl", "https://www.example.com/index.html", "supportId "},
			typed("url", "https://www.example.com/index.html"), true},
		// A full queue is retried until the time budget runs out.
		{"507 queue full", func(s *ccusim.Server) { s.Fail(1000, 507, "queue is full", "User's queue is full") }, []string{"--timeout", "2s"},
			[]string{"HTTP 507", "queue is full", "User's queue is full", "supportId ", "time budget"},
			typed("url", "https://www.example.com/a%20b/%C3%A9%231.html", "https://www.example.com/gone.html", "https://www.example.com/index.html", "https://www.example.com/old.html", "https://www.example.com/new.html"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := site(t, siteConfig, nil)
			sim, flags := simulator(t, ccusim.Options{})
			tc.setup(sim)
			report := filepath.Join(t.TempDir(), "report.json")
			args := append([]string{"purge", "--repo", dir, "--from", "v1", "--report", report}, append(flags, tc.args...)...)
			r := run(t, args...)
			if r.code != ExitFailed {
				t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			rep := readReport(t, report)
			if d := cmp.Diff(tc.notPurged, rep.NotPurged); d != "" {
				t.Errorf("not purged (-want +got):\n%s", d)
			}
			if len(rep.Purged)+len(rep.NotPurged) != 5 {
				t.Errorf("purged %v + not purged %v do not add up to the 5 planned objects", rep.Purged, rep.NotPurged)
			}
			if tc.refused != (len(rep.Refused) > 0) {
				t.Errorf("refused = %v", rep.Refused)
			}
		})
	}
}

func TestInputErrors(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	badKey, _ := site(t, "rules:\n  - match: public/**\n    url: https://x.com/{path}\n", nil)
	badGlob, _ := site(t, "rules:\n  - match: 'public/[x'\n    urls: https://x.com/{path}\n", nil)
	empty := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"unknown key", []string{"plan", "--repo", badKey, "--from", "v1"}, []string{".ccu-purge.yml:3:5: unknown key \"url\""}},
		{"bad glob", []string{"plan", "--repo", badGlob, "--from", "v1"}, []string{".ccu-purge.yml:2:12: bad glob"}},
		{"missing config", []string{"plan", "--repo", dir, "--from", "v1", "--config", filepath.Join(empty, "x.yml")}, []string{"config file not found", "--config FILE"}},
		{"missing revision", []string{"plan", "--repo", dir, "--from", "v9"}, []string{"--from: resolve \"v9\"", "revision not found"}},
		{"no from", []string{"plan", "--repo", dir}, []string{"pass --from REV"}},
		{"missing edgerc", []string{"purge", "--repo", dir, "--from", "v1", "--edgerc", filepath.Join(empty, "edgerc")}, []string{"no Akamai API credentials", "pass --edgerc FILE"}},
		{"not a repository", []string{"plan", "--repo", empty, "--from", "v1"}, []string{"not a git repository"}},
		{"unknown command", []string{"purgee"}, []string{"unknown command \"purgee\""}},
		{"bad output", []string{"plan", "--output", "yaml"}, []string{"unknown --output \"yaml\""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.args...)
			if r.code != ExitUsage {
				t.Fatalf("exit %d, want 2\nstderr: %s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yml")
	os.WriteFile(bad, []byte("nope: 1\nrules:\n  - match: '[x'\n    urls: ftp://x/{path}\n"), 0o644)
	r := run(t, "validate", "--config", bad)
	if r.code != ExitUsage {
		t.Fatalf("exit %d, want 2", r.code)
	}
	for _, w := range []string{bad + ":1:1: unknown key", bad + ":3:12: bad glob", bad + ":4:11: rule 1: template"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("validate output lacks %q:\n%s", w, r.stdout)
		}
	}
	good := filepath.Join(dir, "good.yml")
	os.WriteFile(good, []byte(siteConfig), 0o644)
	if r := run(t, "validate", "--config", good); r.code != 0 || !strings.Contains(r.stdout, "ok, 1 rule(s)") {
		t.Errorf("validate good config: exit %d, %s%s", r.code, r.stdout, r.stderr)
	}
}

func TestNothingToPurge(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	r := run(t, "purge", "--repo", dir, "--from", "HEAD", "--edgerc", "/nonexistent")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to purge.") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

func TestDryRunSendsNothing(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	r := run(t, append([]string{"purge", "--dry-run", "--repo", dir, "--from", "v1"}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "would POST /ccu/v3/invalidate/url/production") {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := sim.Requests(); n != 0 {
		t.Errorf("dry run sent %d requests", n)
	}
}

// The CLI as a separate process trusts the simulator through SSL_CERT_FILE
// alone, as a user's shell would.
func TestSSLCertFile(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	edgerc, ca, err := sim.WriteFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "purge", "--repo", dir, "--from", "v1", "--edgerc", edgerc)
	cmd.Env = append(os.Environ(), "CCU_PURGE_RUN_MAIN=1", "SSL_CERT_FILE="+ca)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(sim.Purges()) != 1 {
		t.Errorf("simulator saw %d purges", len(sim.Purges()))
	}
	// Without the CA, TLS verification must fail: the trust is real.
	cmd = exec.Command(os.Args[0], "purge", "--repo", dir, "--from", "v1", "--edgerc", edgerc)
	cmd.Env = append(os.Environ(), "CCU_PURGE_RUN_MAIN=1", "SSL_CERT_FILE=/dev/null")
	out, err = cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != ExitFailed || !strings.Contains(string(out), "certificate") {
		t.Errorf("untrusted server: err %v\n%s", err, out)
	}
}

// No command, in any outcome, prints a credential or the signature.
func TestSecretsNeverPrinted(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	sim, flags := simulator(t, ccusim.Options{})
	c := sim.Credential()
	wrong := filepath.Join(t.TempDir(), "wrong")
	os.WriteFile(wrong, []byte(fmt.Sprintf("[ccu]\nhost = %s\nclient_token = %s\nclient_secret = %s\naccess_token = %s\n", sim.Host(), c.ClientToken, "d3JvbmctYnV0LXNlY3JldC12YWx1ZQ==", c.AccessToken)), 0o600)
	report := filepath.Join(t.TempDir(), "r.json")
	var all strings.Builder
	runs := [][]string{
		append([]string{"purge", "--verbose", "--repo", dir, "--from", "v1", "--report", report}, flags...),
		{"purge", "--verbose", "--repo", dir, "--from", "v1", "--edgerc", wrong, "--ca-cert", flags[3], "--report", report + "2"},
		append([]string{"purge", "--dry-run", "--verbose", "--repo", dir, "--from", "v1"}, flags...),
		{"plan", "--verbose", "--repo", dir, "--from", "v1"},
	}
	codes := []int{0, 1, 0, 0}
	for i, args := range runs {
		r := run(t, args...)
		if r.code != codes[i] {
			t.Errorf("%v: exit %d, want %d\n%s", args[:2], r.code, codes[i], r.stderr)
		}
		all.WriteString(r.stdout + r.stderr)
	}
	for _, f := range []string{report, report + "2"} {
		data, _ := os.ReadFile(f)
		all.Write(data)
	}
	secrets := []string{c.ClientSecret, c.ClientToken, c.AccessToken, "d3JvbmctYnV0LXNlY3JldC12YWx1ZQ==", "EG1-HMAC-SHA256",
		base64.StdEncoding.EncodeToString([]byte(c.ClientSecret))}
	for _, s := range secrets {
		if strings.Contains(all.String(), s) {
			t.Errorf("output contains a secret (%d chars)", len(s))
		}
	}
	if !strings.Contains(all.String(), "HTTP 401") {
		t.Errorf("the wrong-secret run did not report the 401:\n%s", all.String())
	}
}

// Precedence: flags > CCU_PURGE_* variables > the file.
func TestSettingsPrecedence(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	for _, tc := range []struct {
		name string
		vars map[string]string
		args []string
		want string
	}{
		{"file", nil, nil, "production"},
		{"environment", map[string]string{"CCU_PURGE_NETWORK": "staging"}, nil, "staging"},
		{"flag beats environment", map[string]string{"CCU_PURGE_NETWORK": "staging"}, []string{"--network", "production"}, "production"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runEnv(t, tc.vars, append([]string{"plan", "--repo", dir, "--from", "v1", "--output", "json"}, tc.args...)...)
			var doc struct{ Batches []struct{ Network string } }
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || len(doc.Batches) == 0 {
				t.Fatalf("%v\n%s%s", err, r.stdout, r.stderr)
			}
			if doc.Batches[0].Network != tc.want {
				t.Errorf("network %q, want %q", doc.Batches[0].Network, tc.want)
			}
		})
	}
	r := runEnv(t, map[string]string{"CCU_PURGE_NETWORK": "prod"}, "plan", "--repo", dir, "--from", "v1")
	if r.code != 2 || !strings.Contains(r.stderr, "CCU_PURGE_NETWORK") {
		t.Errorf("bad variable: exit %d\n%s", r.code, r.stderr)
	}
}

// An .edgerc others can read is worth a warning, not a failure.
func TestEdgercPermissionWarning(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	_, flags := simulator(t, ccusim.Options{})
	if err := os.Chmod(flags[1], 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stderr, "ccu-purge: warning: ") || !strings.Contains(r.stderr, "chmod 600") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	os.Chmod(flags[1], 0o600)
	if r := run(t, append([]string{"purge", "--repo", dir, "--from", "v1"}, flags...)...); strings.Contains(r.stderr, "warning") {
		t.Errorf("warning for a 0600 file:\n%s", r.stderr)
	}
}

// purge --help must show the defaults the code uses.
func TestHelpShowsDefaults(t *testing.T) {
	help := run(t, "purge", "--help").stdout
	for _, want := range []string{
		fmt.Sprintf(`--concurrency N +requests in flight \(default %d\)\n`, ccu.DefaultConcurrency),
		`--timeout DURATION +.*\(default 10m\)\n`,
		fmt.Sprintf(`--batch-size N +.*\(default %d\)\n`, purge.MaxObjects),
	} {
		if !regexp.MustCompile(want).MatchString(help) {
			t.Errorf("purge --help does not match %q:\n%s", want, help)
		}
	}
}

// A CP code and a cache tag with the same text are two objects: when the
// request for one fails and the other's is accepted, the report lists each
// once, with its type, in purged or in notPurged.
func TestReportObjectTypes(t *testing.T) {
	dir, _ := site(t, siteConfig+"cpcodes: [5]\ntags: [\"5\"]\nthreshold: 1\n", nil)
	sim, flags := simulator(t, ccusim.Options{})
	args := []string{"--repo", dir, "--from", "v1"}
	planned := plannedObjects(t, args...)
	if d := cmp.Diff([]string{"cpcode 5", "tag 5"}, planned); d != "" {
		t.Fatalf("planned objects (-want +got):\n%s", d)
	}
	sim.Fail(1, 403, "", "") // the first request; the second is accepted
	report := filepath.Join(t.TempDir(), "report.json")
	r := run(t, append(append([]string{"purge", "--concurrency", "1", "--report", report}, args...), flags...)...)
	rep := accounting(t, report, planned, sim, r.code)
	if r.code != ExitFailed || len(rep.Purged) != 1 || len(rep.NotPurged) != 1 || rep.Purged[0].Type == rep.NotPurged[0].Type {
		t.Errorf("exit %d, purged %v, not purged %v: want one of cpcode 5 and tag 5 in each\n%s%s", r.code, rep.Purged, rep.NotPurged, r.stdout, r.stderr)
	}
	if want := "  " + rep.NotPurged[0].key() + "\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout does not list %q as not purged:\n%s", want, r.stdout)
	}
}
