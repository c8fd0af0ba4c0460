package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// Helpers of the fault campaign (faults_test.go, repofaults_test.go,
// stress_test.go): a CLI run with short waits, and the checks every case
// makes: exit code, one clear message, no goroutine left behind, a report
// that accounts for every planned object exactly once, no secret anywhere.

// quick are the client's waits in the campaign: retries a few milliseconds
// apart and 100ms of grace after the budget, so persistent faults end in
// well under a second instead of minutes.
var quick = ccu.SubmitOptions{MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Grace: 100 * time.Millisecond}

// runQuick runs the CLI in-process with the quick waits and these
// variables.
func runQuick(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{getenv: func(k string) string { return vars[k] }, stdout: &out, stderr: &errb, waits: quick}
	code := e.run(context.Background(), args)
	return result{code, out.String(), errb.String()}
}

// Known credentials, so the secret scan knows what to look for. The secret
// has base64's own characters, as real ones do.
var hardCred = ccusim.Credential{
	ClientToken:  "akab-hardening-client-token-0123456789",
	ClientSecret: "hArDeNiNg+SeCrEt/0123456789abcdefABCDEF=",
	AccessToken:  "akab-hardening-access-token-0123456789",
}

// wrongSecret is a client secret the simulator does not accept.
const wrongSecret = "d3JvbmctYnV0LXNlY3JldC12YWx1ZS0wMTIzNDU2Nzg5"

// secretForms are every form a leaked credential could take.
func secretForms() []string {
	var out []string
	for _, s := range []string{hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken, wrongSecret} {
		out = append(out, s, base64.StdEncoding.EncodeToString([]byte(s)), base64.URLEncoding.EncodeToString([]byte(s)))
	}
	return append(out, "EG1-HMAC-SHA256")
}

// noSecrets fails when text holds a credential, its base64 or the
// Authorization scheme; where names the output.
func noSecrets(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range secretForms() {
		if strings.Contains(text, s) {
			t.Errorf("%s holds a secret (%d chars, starting %.4q)", where, len(s), s)
		}
	}
}

// hardSim starts a simulator that accepts hardCred and returns the flags
// pointing at it and the folder with its .edgerc and ca.pem.
func hardSim(t *testing.T, opts ccusim.Options) (*ccusim.Server, []string) {
	t.Helper()
	opts.Credentials = []ccusim.Credential{hardCred}
	return simulator(t, opts)
}

// edgercFor writes an .edgerc for host with the known credentials (or the
// wrong secret) and returns its path.
func edgercFor(t *testing.T, host, secret string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "edgerc")
	body := "[ccu]\nhost = " + host + "\nclient_token = " + hardCred.ClientToken + "\nclient_secret = " + secret + "\naccess_token = " + hardCred.AccessToken + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// oneMessage checks the shape of a run's output: no panic or goroutine
// dump anywhere, nothing on stderr after success, and after a failure
// exactly one "ccu-purge:" error (its detail lines may follow) holding
// every fragment of want. Lines that --verbose logs (requests) and
// warnings are not errors.
func oneMessage(t *testing.T, r result, wantCode int, want ...string) {
	t.Helper()
	all := r.stdout + r.stderr
	for _, bad := range []string{"panic:", "goroutine ", "runtime error", "[recovered]"} {
		if strings.Contains(all, bad) {
			t.Errorf("output has %q:\n%s", bad, all)
		}
	}
	if r.code != wantCode {
		t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, wantCode, r.stdout, r.stderr)
	}
	var errs []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "ccu-purge: ") && !verboseLine(l) {
			errs = append(errs, l)
		}
	}
	switch {
	case wantCode == ExitOK && len(errs) > 0:
		t.Errorf("success with error lines:\n%s", strings.Join(errs, "\n"))
	case wantCode != ExitOK && len(errs) != 1:
		t.Errorf("%d error messages, want one:\n%s", len(errs), r.stderr)
	}
	for _, w := range want {
		if !containsAny(r.stderr, strings.Split(w, "|")) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

// containsAny: want "a|b" accepts either, where timing decides the
// wording (a retry's backoff or the pacer's wait meets the deadline).
func containsAny(s string, alts []string) bool {
	for _, a := range alts {
		if strings.Contains(s, a) {
			return true
		}
	}
	return false
}

// verboseLine is a request logged by --verbose ("ccu-purge: POST /ccu/…
// -> 201 supportId …"), a warning or a note, not an error message.
func verboseLine(l string) bool {
	rest := strings.TrimPrefix(l, "ccu-purge: ")
	if (strings.HasPrefix(rest, "GET /") || strings.HasPrefix(rest, "POST /")) && strings.Contains(rest, " -> ") {
		return true
	}
	return strings.HasPrefix(rest, "warning: ") || strings.HasPrefix(rest, "note: ") || strings.HasPrefix(rest, "the shallow clone lacks")
}

// fullReport is the --report file as the campaign reads it.
type fullReport struct {
	DryRun  bool
	Error   string
	Batches []struct {
		Batch      int
		Type       string
		Objects    []string
		HTTPStatus int
		PurgeID    string
		SupportID  string
		Error      string
	}
	Purged, NotPurged, Refused []reportObj
}

// accounting reads the report at path and checks it against the planned
// objects (keys: type and text): each one in purged or in notPurged, never
// both, never neither;
// each purged one in an accepted request with a purgeId that the
// simulator (when given) recorded with that very object; exit 0 exactly
// when nothing is left unpurged (or on a dry run).
func accounting(t *testing.T, path string, planned []string, sim *ccusim.Server, code int) fullReport {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	var r fullReport
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatalf("report is not JSON (%v):\n%s", err, data)
	}
	seen := map[string]string{}
	for _, list := range []struct {
		name string
		objs []reportObj
	}{{"purged", r.Purged}, {"notPurged", r.NotPurged}} {
		for _, obj := range list.objs {
			o := obj.key()
			if prev, dup := seen[o]; dup {
				t.Errorf("%s is in %s and in %s", o, prev, list.name)
			}
			seen[o] = list.name
		}
	}
	for _, o := range planned {
		if seen[o] == "" {
			t.Errorf("planned object %s is neither purged nor notPurged", o)
		}
		delete(seen, o)
	}
	for o := range seen {
		t.Errorf("report lists %s, which was not planned", o)
	}
	confirmed := map[string]string{} // object's key → purgeId of an accepted request
	for _, b := range r.Batches {
		if b.Error == "" && b.PurgeID != "" {
			for _, o := range b.Objects {
				confirmed[reportObj{b.Type, o}.key()] = b.PurgeID
			}
		}
	}
	recorded := map[string]bool{} // purgeId + object, as the simulator accepted them
	if sim != nil {
		for _, p := range sim.Purges() {
			for _, o := range p.Objects {
				recorded[p.PurgeID+"\x00"+o] = true
			}
		}
	}
	for _, obj := range r.Purged {
		o := obj.key()
		id := confirmed[o]
		switch {
		case id == "":
			t.Errorf("%s is purged without an accepted request with a purgeId", o)
		case sim != nil && !recorded[id+"\x00"+obj.Object]:
			t.Errorf("%s is purged by %s, which the simulator never accepted with it", o, id)
		}
	}
	if ok := len(r.NotPurged) == 0 || r.DryRun; ok != (code == ExitOK) && code != ExitUsage {
		t.Errorf("exit %d with %d object(s) not purged", code, len(r.NotPurged))
	}
	noSecrets(t, "the report", string(data))
	return r
}

// plannedObjects is every object of plan's batches for these arguments,
// as the accounting's keys (type and text), sorted.
func plannedObjects(t *testing.T, args ...string) []string {
	t.Helper()
	r := run(t, append([]string{"plan", "--output", "json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("plan: exit %d\n%s", r.code, r.stderr)
	}
	var p struct {
		Batches []struct {
			Type    string
			Objects []string
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, b := range p.Batches {
		for _, o := range b.Objects {
			out = append(out, reportObj{b.Type, o}.key())
		}
	}
	sort.Strings(out)
	return out
}

// leakCheck records the goroutines running now; the returned function
// waits (polling, at most 5s) until every goroutine started since has
// ended, and fails naming those that did not. The simulator's own
// goroutines (its server side) are not the CLI's and are left to its
// Close. The client's own connections, idle ones too, must be gone: the
// run closes its client (ccu.Client.Close).
func leakCheck(t *testing.T) func() {
	t.Helper()
	before := goroutines()
	return func() {
		t.Helper()
		var left []string
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			left = left[:0]
			for id, stack := range goroutines() {
				if _, old := before[id]; !old && !serverSide(stack) && !strings.Contains(stack, "leakCheck") {
					left = append(left, stack)
				}
			}
			if len(left) == 0 || time.Now().After(deadline) {
				break
			}
		}
		for _, s := range left {
			t.Errorf("goroutine left behind by the run:\n%s", s)
		}
	}
}

// goroutines maps each goroutine's id line to its stack.
func goroutines() map[string]string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	out := map[string]string{}
	for _, g := range strings.Split(string(buf), "\n\n") {
		head, _, _ := strings.Cut(g, " [")
		out[head] = g
	}
	return out
}

func serverSide(stack string) bool {
	for _, s := range []string{"internal/ccusim.", "net/http.(*conn).serve", "http2serverConn", "net/http/httptest.", "testing.tRunner", "testing.(*T).Run", "testing.runTests"} {
		if strings.Contains(stack, s) {
			return true
		}
	}
	return false
}

// gitCmd runs the git binary in dir with a fixed identity and no user
// config, skipping the test when git is absent.
func gitCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("the git binary is absent: these repositories are built with git itself")
	}
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// checkGolden compares got with testdata/name, rewriting the file under
// -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-golden +got), rerun with -update if intended:\n%s", path, d)
	}
}

// shallowClone builds an origin repository of commits that serves any
// commit it holds, and a depth-1 clone of it (see depthOne); without the
// git binary the test is skipped.
func shallowClone(t *testing.T, commits []gitfixture.Commit) (bare, clone string, shas []string) {
	t.Helper()
	bare = filepath.Join(t.TempDir(), "origin.git")
	shas, err := gitfixture.Build(bare, true, commits)
	if err != nil {
		t.Fatal(err)
	}
	gitCmd(t, bare, "config", "uploadpack.allowAnySHA1InWant", "true")
	return bare, depthOne(t, bare), shas
}

// depthOne clones bare at depth 1 into a new folder.
func depthOne(t *testing.T, bare string) string {
	t.Helper()
	clone := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, filepath.Dir(clone), "clone", "-q", "--depth", "1", "file://"+bare, clone)
	return clone
}
