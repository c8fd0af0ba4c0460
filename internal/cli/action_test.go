package cli

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/action"
	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// gha is one simulated GitHub Actions step: the real binary (this test
// binary re-executed as ccu-purge) with the runner's variables and files.
type gha struct {
	t                      *testing.T
	dir                    string // workspace (the repository)
	output, summary, event string
	env                    []string
	sim                    *ccusim.Server
	ca                     string
	edgerc                 string // the simulator's .edgerc content
}

func newGHA(t *testing.T, config string, event map[string]any) *gha {
	t.Helper()
	return newGHAWith(t, config, nil, event)
}

// newGHAWith is newGHA with extra files in the site's second commit.
func newGHAWith(t *testing.T, config string, extra map[string]string, event map[string]any) *gha {
	t.Helper()
	dir, shas := site(t, config, extra)
	sim, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	simDir := t.TempDir()
	edgercPath, ca, err := sim.WriteFiles(simDir)
	if err != nil {
		t.Fatal(err)
	}
	content, _ := os.ReadFile(edgercPath)
	g := &gha{t: t, dir: dir, sim: sim, ca: ca, edgerc: string(content)}
	tmp := t.TempDir()
	g.output, g.summary, g.event = filepath.Join(tmp, "output"), filepath.Join(tmp, "summary"), filepath.Join(tmp, "event.json")
	raw, _ := json.Marshal(event)
	raw = []byte(strings.NewReplacer("$V1", shas[0], "$V2", shas[1]).Replace(string(raw)))
	if err := os.WriteFile(g.event, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	g.env = []string{"GITHUB_ACTIONS=true", "GITHUB_EVENT_PATH=" + g.event, "GITHUB_OUTPUT=" + g.output,
		"GITHUB_STEP_SUMMARY=" + g.summary, "GITHUB_SHA=" + shas[1], "RUNNER_TEMP=" + tmp, "SSL_CERT_FILE=" + ca}
	for _, f := range []string{g.output, g.summary} {
		os.WriteFile(f, nil, 0o644)
	}
	return g
}

// run runs the action in-process with these inputs (name → value) and
// event name, stdout and stderr in one log as the runner shows them. The
// environment is g.env (a later entry wins, as in a process's) in the
// workspace g.dir; its SSL_CERT_FILE is the CA the run trusts.
func (g *gha) run(eventName string, inputs map[string]string) (int, string) {
	vars := map[string]string{"GITHUB_EVENT_NAME": eventName, "GITHUB_WORKSPACE": g.dir}
	for _, kv := range g.env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	for k, v := range inputs {
		vars["INPUT_"+strings.ToUpper(k)] = v
	}
	log := newLockedBuffer() // simulator_test.go's
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: log, stderr: log, trust: vars["SSL_CERT_FILE"]}
	code := e.run(context.Background(), []string{"action"})
	return code, log.String()
}

func (g *gha) outputs() map[string]string {
	data, err := os.ReadFile(g.output)
	if err != nil {
		g.t.Fatal(err)
	}
	// GITHUB_OUTPUT uses name<<DELIMITER / value / DELIMITER blocks.
	out := map[string]string{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i+2 < len(lines); i++ {
		if name, delim, ok := strings.Cut(lines[i], "<<"); ok {
			out[name] = lines[i+1]
			if lines[i+2] != delim {
				out[name] = "" // multi-line: not expected here
			}
			i += 2
		}
	}
	return out
}

func (g *gha) file(path string) string {
	data, _ := os.ReadFile(path)
	return string(data)
}

var pushEv = map[string]any{"before": "$V1", "after": "$V2"}

func TestActionPush(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig, pushEv)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	o := g.outputs()
	purges := g.sim.Purges()
	if len(purges) != 1 || o["purge-ids"] != purges[0].PurgeID || o["object-count"] != "5" || o["batch-count"] != "1" ||
		o["range-source"] != "github:push" || len(o["from"]) != 40 || o["fallback-used"] != "false" || o["estimated-seconds"] != "5" {
		t.Errorf("outputs %v, simulator %+v", o, purges)
	}
	if o["report"] == "" || !strings.Contains(g.file(o["report"]), purges[0].PurgeID) {
		t.Errorf("report %q lacks the purge id", o["report"])
	}
	sum := g.file(g.summary)
	for _, want := range []string{"## ccu-purge", "github:push", "5 object(s) purged in 1 request(s)", "<code>" + purges[0].PurgeID + "</code>", "<details><summary>Objects (5)</summary>", "docs/notes.txt"} {
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	if !strings.Contains(out, "::warning::1 changed file(s) match no rule") || !strings.Contains(out, "::group::ccu-purge: Plan") || !strings.Contains(out, "::group::ccu-purge: Purge") {
		t.Errorf("log lacks the unmatched warning or a group:\n%s", out)
	}
	checkMasked(t, g, out)
}

// Masks come first: no line before them, every secret value among them.
func checkMasked(t *testing.T, g *gha, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	masks := 0
	for _, l := range lines {
		if !strings.HasPrefix(l, "::add-mask::") {
			break
		}
		masks++
	}
	c := g.sim.Credential()
	for _, secret := range []string{c.ClientSecret, c.ClientToken, c.AccessToken} {
		if !strings.Contains(strings.Join(lines[:masks], "\n"), "::add-mask::"+secret) {
			t.Errorf("secret of %d chars not masked before the first other line", len(secret))
		}
		rest := strings.Join(lines[masks:], "\n") + g.file(g.summary) + g.file(g.output)
		for _, form := range []string{secret, base64.StdEncoding.EncodeToString([]byte(secret))} {
			if strings.Contains(rest, form) {
				t.Errorf("a secret (or its base64) appears after the masks")
			}
		}
	}
}

func TestActionCredentialInputs(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig, pushEv)
	c := g.sim.Credential()
	code, out := g.run("push", map[string]string{"host": g.sim.Host(), "client-token": c.ClientToken, "client-secret": c.ClientSecret, "access-token": c.AccessToken})
	if code != 0 || len(g.sim.Purges()) != 1 {
		t.Fatalf("exit %d, %d purges\n%s", code, len(g.sim.Purges()), out)
	}
	checkMasked(t, g, out)
	code, out = g.run("push", map[string]string{"host": g.sim.Host(), "client-token": c.ClientToken})
	if code != 2 || !strings.Contains(out, "credential inputs client-secret, access-token are missing") {
		t.Errorf("partial credentials: exit %d\n%s", code, out)
	}
}

// Every proposed change (a pull request, a merge queue entry) runs dry:
// its head is not what the edge will serve.
func TestActionProposalIsDryRun(t *testing.T) {
	t.Parallel()
	pr := map[string]any{"pull_request": map[string]any{"base": map[string]string{"sha": "$V1"}, "head": map[string]string{"sha": "$V2"}}}
	for _, tc := range []struct {
		event string
		body  map[string]any
	}{
		{"pull_request", pr},
		{"pull_request_target", pr},
		{"merge_group", map[string]any{"merge_group": map[string]string{"base_sha": "$V1", "head_sha": "$V2"}}},
	} {
		t.Run(tc.event, func(t *testing.T) {
			t.Parallel()
			g := newGHA(t, siteConfig, tc.body)
			code, out := g.run(tc.event, map[string]string{"edgerc": g.edgerc, "verify": "true"})
			if code != 0 || g.sim.Requests() != 0 {
				t.Fatalf("exit %d, %d requests\n%s", code, g.sim.Requests(), out)
			}
			if sum := g.file(g.summary); !strings.Contains(sum, "dry run, 5 object(s) in 1 request(s) would be purged") {
				t.Errorf("summary:\n%s", sum)
			}
			if !strings.Contains(out, "::notice::proposed change ("+tc.event+"): planning only (dry run)") {
				t.Errorf("no notice that the run is dry:\n%s", out)
			}
			if !strings.Contains(out, "::notice::proposed change: no verification, as nothing is purged") {
				t.Errorf("no notice that the verify input is dropped:\n%s", out)
			}
		})
	}
}

func TestActionFailures(t *testing.T) {
	t.Parallel()
	badConfig := "rules:\n  - match: public/**\n    url: https://x.com/{path}\n"
	for _, tc := range []struct {
		name, config string
		event        map[string]any
		refuse       bool
		failOn       string
		wantCode     int
		want         string
		inputs       map[string]string
	}{
		{"config error annotated", badConfig, pushEv, false, "error", 2, "::error col=5,file=.ccu-purge.yml,line=3::unknown key \"url\"", nil},
		{"config error, fail-on never", badConfig, pushEv, false, "never", 0, "::error col=5,file=.ccu-purge.yml,line=3::", nil},
		{"first push, policy fail", siteConfig, map[string]any{"before": zeroSHA, "after": "$V2"}, false, "error", 2, "all zeros", nil},
		{"refused object", siteConfig, pushEv, true, "error", 1, "unauthorized arl", nil},
		{"refused object, fail-on never", siteConfig, pushEv, true, "never", 0, "unauthorized arl", nil},
		{"unmatched file, fail-on warning", siteConfig, pushEv, false, "warning", 1, "fail-on: warning", nil},
		{"report input is the state input", siteConfig, pushEv, false, "error", 2,
			"::error::--report .ccu-purge-state.json is the state file (--state) .ccu-purge-state.json: writing it would destroy that file",
			map[string]string{"state": ".ccu-purge-state.json", "report": ".ccu-purge-state.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGHA(t, tc.config, tc.event)
			if tc.refuse {
				g.sim.Refuse("https://www.example.com/index.html")
			}
			inputs := map[string]string{"edgerc": g.edgerc, "fail-on": tc.failOn}
			for k, v := range tc.inputs {
				inputs[k] = v
			}
			code, out := g.run("push", inputs)
			if code != tc.wantCode || !strings.Contains(out, tc.want) {
				t.Errorf("exit %d (want %d), output lacks %q:\n%s", code, tc.wantCode, tc.want, out)
			}
			checkMasked(t, g, out)
		})
	}
}

// actionFile is what the inventory tests read of an action's metadata.
type actionFile struct {
	Inputs  map[string]struct{ Default string }
	Outputs map[string]struct{ Value string }
	Runs    struct {
		Using string
		Image string
		Args  []string
		Steps []struct {
			ID  string
			Run string
			Env map[string]string
		}
	}
}

func readActionFile(t *testing.T, path string) actionFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var spec actionFile
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return spec
}

// Every input action.yml declares is read by the code, and every input the
// code reads is declared; the composite step that runs the tool passes
// each one as INPUT_<NAME> (a composite action does not set them), and
// each output is the step's output of the same name.
func TestActionInputsDeclared(t *testing.T) {
	t.Parallel()
	spec := readActionFile(t, "../../action.yml")
	var declared []string
	for k := range spec.Inputs {
		declared = append(declared, k)
	}
	// The Action's own inputs and the credentials are read by name, here
	// and in package action; the others through action.SetFlags, which
	// reads the input of every flag of action.Flags (TestActionInputsAsFlags).
	read := map[string]bool{}
	for _, file := range []string{"action.go", "../action/action.go"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`in\("([a-z-]+)"\)`).FindAllStringSubmatch(string(src), -1) {
			read[m[1]] = true
		}
	}
	for _, name := range action.Flags {
		read[action.Input(name)] = true
	}
	var used []string
	for k := range read {
		used = append(used, k)
	}
	sort.Strings(declared)
	sort.Strings(used)
	if d := cmp.Diff(declared, used); d != "" {
		t.Errorf("inputs (-action.yml +read by action.go):\n%s", d)
	}
	var outs []string
	for k := range spec.Outputs {
		outs = append(outs, k)
	}
	var written []string
	for _, o := range (&purgeRun{}).outputs() {
		written = append(written, o.Name)
	}
	sort.Strings(outs)
	sort.Strings(written)
	if d := cmp.Diff(outs, written); d != "" {
		t.Errorf("outputs (-action.yml +written):\n%s", d)
	}

	if spec.Runs.Using != "composite" {
		t.Fatalf("action.yml runs.using = %q, want composite (no container: macOS and Windows runners)", spec.Runs.Using)
	}
	var run *struct {
		ID  string
		Run string
		Env map[string]string
	}
	for i, s := range spec.Runs.Steps {
		if s.ID == "run" {
			run = &spec.Runs.Steps[i]
		}
	}
	if run == nil || !strings.Contains(run.Run, `"$CCU_PURGE_BIN" action`) {
		t.Fatalf("action.yml has no step id: run that runs \"$CCU_PURGE_BIN\" action: %+v", run)
	}
	wantEnv := map[string]string{}
	for _, name := range declared {
		wantEnv["INPUT_"+strings.ToUpper(name)] = "${{ inputs." + name + " }}"
	}
	gotEnv := map[string]string{}
	for k, v := range run.Env {
		if strings.HasPrefix(k, "INPUT_") {
			gotEnv[k] = v
		}
	}
	if d := cmp.Diff(wantEnv, gotEnv); d != "" {
		t.Errorf("the run step's INPUT_* env (-want +action.yml):\n%s", d)
	}
	for name, o := range spec.Outputs {
		if want := "${{ steps.run.outputs." + name + " }}"; o.Value != want {
			t.Errorf("output %s: value %q, want %q", name, o.Value, want)
		}
	}
}

// The container variant has the same inputs (with the same defaults) and
// outputs, and runs the published image, never a Dockerfile.
func TestDockerActionMatches(t *testing.T) {
	t.Parallel()
	main := readActionFile(t, "../../action.yml")
	docker := readActionFile(t, "../../docker/action.yml")
	if d := cmp.Diff(main.Inputs, docker.Inputs); d != "" {
		t.Errorf("inputs (-action.yml +docker/action.yml):\n%s", d)
	}
	var a, b []string
	for k := range main.Outputs {
		a = append(a, k)
	}
	for k := range docker.Outputs {
		b = append(b, k)
	}
	sort.Strings(a)
	sort.Strings(b)
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("outputs (-action.yml +docker/action.yml):\n%s", d)
	}
	r := docker.Runs
	if r.Using != "docker" || !regexp.MustCompile(`^docker://ghcr\.io/ccu-purge/ccu-purge:\d+\.\d+\.\d+$`).MatchString(r.Image) || !cmp.Equal(r.Args, []string{"action"}) {
		t.Errorf("docker/action.yml runs = %+v, want using: docker, image: docker://ghcr.io/ccu-purge/ccu-purge:X.Y.Z, args: [action]", r)
	}
}

func TestGitLabDotenvAndJenkins(t *testing.T) {
	dir, shas := site(t, siteConfig+"cpcodes: [777]\non_unknown_base: cpcode\n", nil)
	sim, flags := simulator(t, ccusim.Options{})
	dotenv := filepath.Join(t.TempDir(), "purge.env")
	gitlab := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": zeroSHA, "CI_COMMIT_SHA": shas[1]}
	r := runEnv(t, gitlab, append([]string{"purge", "--repo", dir, "--dotenv", dotenv}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	data, _ := os.ReadFile(dotenv)
	p := sim.Purges()
	for _, want := range []string{"CCU_PURGE_FROM=\n", "CCU_PURGE_TO=" + shas[1], "CCU_PURGE_RANGE_SOURCE=gitlab:push", "CCU_PURGE_FALLBACK_USED=true", "CCU_PURGE_PURGE_IDS=" + p[0].PurgeID, "CCU_PURGE_OBJECT_COUNT=1"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("dotenv lacks %q:\n%s", want, data)
		}
	}
	mr := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": zeroSHA, "CI_MERGE_REQUEST_DIFF_BASE_SHA": shas[0], "CI_COMMIT_SHA": shas[1]}
	if p := planJSON(t, runEnv(t, mr, "plan", "--repo", dir, "--output", "json")); p.Range.Source != "gitlab:merge_request" || p.Range.From != shas[0] {
		t.Errorf("merge request range %+v", p.Range)
	}
	jenkins := map[string]string{"JENKINS_URL": "https://ci.example", "GIT_COMMIT": shas[1]}
	if p := planJSON(t, runEnv(t, jenkins, "plan", "--repo", dir, "--output", "json")); p.Range.Source != "jenkins" || p.Range.Policy != "cpcode" || !strings.Contains(p.Range.Reason, "first build") {
		t.Errorf("jenkins first build range %+v", p.Range)
	}
}

// Inputs override the config file: network staging reaches the API.
func TestActionOverrides(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig, pushEv)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "network": "staging"})
	if p := g.sim.Purges(); code != 0 || len(p) != 1 || p[0].Network != "staging" {
		t.Fatalf("exit %d, purges %+v\n%s", code, p, out)
	}
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "network": "prod"})
	if code != 2 || !strings.Contains(out, `unknown network "prod"`) {
		t.Errorf("bad input: exit %d\n%s", code, out)
	}
}

// The state input: the first push records the head; a re-run of the same
// push then takes its base from the state, finds nothing new, and sends
// nothing.
func TestActionState(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig, pushEv)
	path := filepath.Join(t.TempDir(), "state.json")
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "state": path})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	o := g.outputs()
	if got := readState(t, path).net("production").Commit; got != o["to"] || len(got) != 40 {
		t.Fatalf("state records %q, want the head %q", got, o["to"])
	}
	sent := len(g.sim.Purges())
	os.WriteFile(g.output, nil, 0o644)
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "state": path})
	if code != 0 {
		t.Fatalf("re-run: exit %d\n%s", code, out)
	}
	if o := g.outputs(); o["range-source"] != "state" || o["from"] != o["to"] || o["object-count"] != "0" {
		t.Errorf("re-run outputs %v, want the range from the state, nothing planned", o)
	}
	if n := len(g.sim.Purges()); n != sent {
		t.Errorf("the re-run sent %d purge(s), want none", n-sent)
	}
}

// The delay input takes a duration; anything else is an input error that
// says what is expected, before anything is sent.
func TestActionDelayInput(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig, pushEv)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "delay": "soon"})
	if code != ExitUsage || !strings.Contains(out, `input delay must be a duration such as 30s or 2m, not "soon"`) || len(g.sim.Purges()) != 0 {
		t.Errorf("exit %d, %d purges:\n%s", code, len(g.sim.Purges()), out)
	}
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "delay": "10ms"})
	if code != 0 || !strings.Contains(out, "Waiting 10ms before purging") || !strings.Contains(out, "::group::ccu-purge: Delay") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// A path in the repository (a fork's pull request chooses them, and its
// dry run prints the plan) holding the runner's legacy command form,
// "##[error]…" or "##[set-output name=…;]…", which the runner obeys
// anywhere in a line: the Action's log never shows "##[" as it is.
func TestActionLegacyCommandsInPaths(t *testing.T) {
	t.Parallel()
	const evil = "public/##[error]forged ##[set-output name=purge-ids;]forged.html"
	g := newGHAWith(t, siteConfig, map[string]string{evil: "x"}, pushEv)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "wait": "false"})
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if !strings.Contains(out, "forged") {
		t.Fatalf("the plan does not show the path: the case tests nothing\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "##[") {
			t.Errorf("a log line holds a legacy workflow command: %q", l)
		}
	}
	if got := g.outputs()["purge-ids"]; strings.Contains(got, "forged") {
		t.Errorf("purge-ids output = %q", got)
	}
}

// The inputs that tune a run reach purge: batch-size splits the five URLs
// into requests of two, quiet drops the plan's lists, threshold falls back
// to the config's CP code, unmatched: error refuses the plan, and a bad
// number is the input's error, before anything is sent.
func TestActionTuningInputs(t *testing.T) {
	t.Parallel()
	g := newGHA(t, siteConfig+"cpcodes: [777]\n", pushEv)
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "batch-size": "2", "quiet": "true", "timeout": "1m", "concurrency": "1", "verbose": "true"})
	if p := g.sim.Purges(); code != 0 || len(p) != 3 {
		t.Fatalf("exit %d, %d purges, want 3 of at most 2 URLs\n%s", code, len(p), out)
	}
	if strings.Contains(out, "https://www.example.com/index.html\n") || !strings.Contains(out, "5 changes → 5 objects in 3 requests (1 unmatched, 0 ignored, no fallback)") {
		t.Errorf("quiet: the log lists the objects, or lacks the summary line:\n%s", out)
	}
	if n := strings.Count(out, "ccu-purge: POST /ccu/v3/invalidate/url/production -> 201"); n != 3 {
		t.Errorf("verbose: %d requests logged, want 3:\n%s", n, out)
	}
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "threshold": "3"})
	if p := g.sim.Purges(); code != 0 || len(p) != 4 || p[3].Type != "cpcode" {
		t.Errorf("threshold 3: exit %d, purges %+v\n%s", code, p, out)
	}
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "unmatched": "error"})
	if code != ExitUsage || !strings.Contains(out, "unmatched: error") || len(g.sim.Purges()) != 4 {
		t.Errorf("unmatched error: exit %d, %d purges:\n%s", code, len(g.sim.Purges()), out)
	}
	code, out = g.run("push", map[string]string{"edgerc": g.edgerc, "batch-size": "0"})
	if code != ExitUsage || !strings.Contains(out, `input batch-size must be a positive whole number, not "0"`) || len(g.sim.Purges()) != 4 {
		t.Errorf("batch-size 0: exit %d, %d purges:\n%s", code, len(g.sim.Purges()), out)
	}
}
