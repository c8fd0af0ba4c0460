package cli

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// Secrets never reach what the tool writes out (stdout, stderr, every
// output file), whatever a server echoes; and the files it writes are
// replaced in one step, through links, never over what it reads.

// credForms are the known credentials in every form a server could echo
// them, spelled here independently of internal/redact.
func credForms() []string {
	var out []string
	for _, s := range []string{hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken} {
		b := []byte(s)
		out = append(out, s, base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
			url.QueryEscape(s), url.PathEscape(s), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)))
	}
	return out
}

// echoer is a hostile API that puts the Authorization header it received
// and every form of the credentials into its answers.
type echoer struct {
	mu    sync.Mutex
	auths []string
}

func (e *echoer) text(r *http.Request) string {
	a := r.Header.Get("Authorization")
	e.mu.Lock()
	e.auths = append(e.auths, a)
	e.mu.Unlock()
	return a + " | " + strings.Join(credForms(), " ")
}

// leaks fails when text holds a credential form, a received Authorization
// header or its scheme.
func (e *echoer) leaks(t *testing.T, where, text string) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.auths) == 0 {
		t.Fatalf("the hostile server was never asked: the case tests nothing")
	}
	for i, s := range append(append(credForms(), "EG1-HMAC-SHA256", "client_token="), e.auths...) {
		if strings.Contains(text, s) {
			t.Errorf("%s holds secret form #%d (%d chars, starting %.6q)", where, i, len(s), s)
		}
	}
}

// echoAnswers are the answers in which the server echoes the secrets.
func echoAnswers(e *echoer) map[string]http.HandlerFunc {
	jsonAnswer := func(w http.ResponseWriter, status int, v map[string]any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	return map[string]http.HandlerFunc{
		"error body": func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 400, map[string]any{"httpStatus": 400, "title": e.text(r), "detail": e.text(r),
				"supportId": base64.StdEncoding.EncodeToString([]byte(hardCred.ClientToken))})
		},
		"HTML page": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			fmt.Fprintf(w, "<html><body><h1>Bad gateway</h1><pre>%s</pre></body></html>", e.text(r))
		},
		"201 body and ids": func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 201, map[string]any{"httpStatus": 201, "detail": e.text(r), "estimatedSeconds": 0,
				"purgeId": hardCred.AccessToken, "supportId": hex.EncodeToString([]byte(hardCred.ClientSecret))})
		},
		"gateway 401": func(w http.ResponseWriter, r *http.Request) {
			jsonAnswer(w, 401, map[string]any{"status": 401, "title": "Not authorized", "detail": e.text(r),
				"requestId": url.QueryEscape(hardCred.ClientSecret)})
		},
	}
}

// A server that echoes the Authorization header and the
// credentials leaves them in no output: stdout, stderr, the report and
// the dotenv report.
func TestEchoedSecretsRedactedCLI(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	for name := range echoAnswers(&echoer{}) {
		t.Run(name, func(t *testing.T) {
			e := &echoer{}
			flags := stub(t, echoAnswers(e)[name])
			out := t.TempDir()
			report, dotenv := filepath.Join(out, "report.json"), filepath.Join(out, "dotenv")
			r := runQuick(t, nil, append([]string{"purge", "--verbose", "--repo", dir, "--from", "v1", "--timeout", "2s",
				"--report", report, "--dotenv", dotenv}, flags...)...)
			if r.code != ExitOK && r.code != ExitFailed {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			e.leaks(t, "stdout", r.stdout)
			e.leaks(t, "stderr", r.stderr)
			for _, f := range []string{report, dotenv} {
				data, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				e.leaks(t, filepath.Base(f), string(data))
			}
			if data, _ := os.ReadFile(report); !json.Valid(data) {
				t.Errorf("the redacted report is not JSON:\n%s", data)
			}
		})
	}
}

// In the Action: the log after the masks, the step outputs
// (support-ids, purge-ids), the job summary and the report.
func TestEchoedSecretsRedactedAction(t *testing.T) {
	for name := range echoAnswers(&echoer{}) {
		if name == "HTML page" {
			continue // a 502 is retried for the Action's whole 10-minute budget; the CLI test has it
		}
		t.Run(name, func(t *testing.T) {
			e := &echoer{}
			flags := stub(t, echoAnswers(e)[name])
			g := hardGHA(t)
			edgerc, err := os.ReadFile(flags[1])
			if err != nil {
				t.Fatal(err)
			}
			g.env = append(g.env, "SSL_CERT_FILE="+flags[3])
			code, out := g.run("push", map[string]string{"edgerc": string(edgerc), "wait": "false"})
			if code != ExitOK && code != ExitFailed || strings.Contains(out, "panic:") {
				t.Fatalf("exit %d\n%s", code, out)
			}
			rest := out[strings.LastIndex(out, "::add-mask::"):]
			e.leaks(t, "the log after the masks", rest[strings.Index(rest, "\n")+1:])
			e.leaks(t, "the step outputs", g.file(g.output))
			e.leaks(t, "the job summary", g.file(g.summary))
			report := g.outputs()["report"]
			if report == "" {
				t.Fatalf("no report output:\n%s", g.file(g.output))
			}
			e.leaks(t, "the report", g.file(report))
		})
	}
}

// The Action masks the values edgegrid-golang loads, whatever the
// .edgerc syntax: quoted, in backticks, "key: value", inline comments.
func TestActionMasksLoadedValues(t *testing.T) {
	for _, tc := range []struct{ name, token, secret, access string }{
		{"double quotes", `client_token = "%s"`, `client_secret = "%s"`, `access_token = "%s"`},
		{"backticks", "client_token = `%s`", "client_secret = `%s`", "access_token = `%s`"},
		{"key: value", `client_token: %s`, `client_secret: %s`, `access_token: %s`},
		{"inline comments", `client_token = %s # the token`, `client_secret = %s ; keep it safe`, `access_token = %s # access`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := hardGHA(t)
			content := fmt.Sprintf("[ccu]\nhost = %s\n%s\n%s\n%s\n", g.sim.Host(), fmt.Sprintf(tc.token, hardCred.ClientToken),
				fmt.Sprintf(tc.secret, hardCred.ClientSecret), fmt.Sprintf(tc.access, hardCred.AccessToken))
			code, out := g.run("push", map[string]string{"edgerc": content, "wait": "false"})
			if code != ExitOK || len(g.sim.Purges()) != 1 {
				t.Fatalf("exit %d, %d purges (the simulator checks the loaded values by their signature)\n%s", code, len(g.sim.Purges()), out)
			}
			masksFirst(t, out, []string{hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken})
		})
	}
}

// defanged fails when out has a line the runner would obey as a workflow
// command (it trims spaces first) or a terminal escape.
func defanged(t *testing.T, where, out string) {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "::") {
			t.Errorf("%s has a workflow command line: %q", where, l)
		}
	}
	if strings.Contains(out, "##[") { // the runner's legacy form, obeyed anywhere in a line
		t.Errorf("%s has a legacy workflow command (##[): %q", where, out)
	}
	if strings.ContainsAny(out, "\x1b\r\x07") {
		t.Errorf("%s has a terminal control character: %q", where, out)
	}
}

// v2Hostile is a CCU v2 API whose status and queue answers carry
// workflow commands and terminal escapes in every string; purgeStatus is
// what the status says.
func v2Hostile(purgeStatus string) http.HandlerFunc {
	evil := func(s string) string {
		return s + "\n::error::forged " + s + "\x1b[2J\r::add-mask::x ##[error]legacy " + s
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Method == http.MethodPost:
			w.WriteHeader(201)
			json.NewEncoder(w).Encode(map[string]any{"httpStatus": 201, "purgeId": "p-1", "progressUri": "/ccu/v2/purges/p-1",
				"estimatedSeconds": 1, "pingAfterSeconds": 0, "supportId": "s-1", "detail": "Request accepted."})
		case strings.HasPrefix(r.URL.Path, "/ccu/v2/queues/"):
			json.NewEncoder(w).Encode(map[string]any{"httpStatus": 200, "queueLength": 0, "detail": evil("queue"), "supportId": evil("q")})
		case r.URL.Path == "/ccu/v2/purges/broken":
			w.WriteHeader(500)
			json.NewEncoder(w).Encode(map[string]any{"httpStatus": 500, "title": "::stop-commands::tok", "detail": evil("detail")})
		default:
			json.NewEncoder(w).Encode(map[string]any{"purgeId": evil("p-1"), "purgeStatus": purgeStatus, "supportId": evil("sup"),
				"submissionTime": evil("sub"), "completionTime": evil("done"), "detail": evil("detail"), "pingAfterSeconds": 0})
		}
	}
}

// Status, queue and purge --wait print no string of an answer
// raw, GETs included.
func TestHostileStatusAnswersDefanged(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	for _, tc := range []struct {
		name, purgeStatus string
		args              []string
		code              int
	}{
		{"status", "In-Progress\n::error::forged status", []string{"status", "p-1"}, ExitOK},
		{"status error", "Done", []string{"status", "broken"}, ExitFailed},
		{"queue", "Done", []string{"queue", "default"}, ExitOK},
		{"purge --wait", "Done", []string{"purge", "--wait", "--api", "ccu-v2", "--repo", dir, "--from", "v1"}, ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			flags := stub(t, v2Hostile(tc.purgeStatus))
			r := runQuick(t, nil, append(append(tc.args, "--verbose", "--timeout", "5s"), flags...)...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			defanged(t, "stdout", r.stdout)
			defanged(t, "stderr", r.stderr)
		})
	}
}

// An Action input that names a path and holds a line break is
// refused before anything is sent or printed from it, and no input can
// forge a step output.
func TestActionInputInjection(t *testing.T) {
	for _, tc := range []struct{ input, value string }{
		{"config", ".ccu-purge.yml\n::error::forged by config"},
		{"state", "state.json\n::error::forged by state"},
		{"report", "REPORT\n_GitHubActionsFileCommandDelimeter_\nforged<<EOF\nyes\nEOF"},
		{"section", "ccu\r::warning::forged by section"},
	} {
		t.Run(tc.input, func(t *testing.T) {
			g := hardGHA(t)
			value := strings.ReplaceAll(tc.value, "REPORT", filepath.Join(t.TempDir(), "r.json"))
			code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "wait": "false", tc.input: value})
			if code != ExitUsage || !strings.Contains(out, "input "+tc.input+" holds a control character") {
				t.Errorf("exit %d, want 2 naming input %s:\n%s", code, tc.input, out)
			}
			if strings.Contains(out, "\n::error::forged") || strings.Contains(out, "\n::warning::forged") {
				t.Errorf("the log has a forged workflow command:\n%s", out)
			}
			if o := g.outputs(); o["forged"] != "" {
				t.Errorf("a step output was forged: %v", o)
			}
			if n := len(g.sim.Purges()); n != 0 {
				t.Errorf("%d purge(s) sent", n)
			}
		})
	}
}

// A token in the .edgerc host field (the lines swapped) is
// refused up front (exit 2), and never printed, as DNS's error would.
func TestSwappedHostNotPrinted(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	swapped := filepath.Join(t.TempDir(), "edgerc")
	os.WriteFile(swapped, []byte("[ccu]\nhost = "+hardCred.ClientToken+"\nclient_token = akab-host.purge.akamaiapis.invalid\nclient_secret = "+
		hardCred.ClientSecret+"\naccess_token = "+hardCred.AccessToken+"\n"), 0o600)
	for _, args := range [][]string{
		{"purge", "--repo", dir, "--from", "v1"},
		{"status", "p-1"},
		{"queue"},
	} {
		t.Run(args[0], func(t *testing.T) {
			r := runQuick(t, nil, append(args, "--edgerc", swapped, "--timeout", "5s")...)
			oneMessage(t, r, ExitUsage, "was not swapped with client_token")
			noSecrets(t, "stdout and stderr", r.stdout+r.stderr)
		})
	}
	t.Run("action", func(t *testing.T) {
		g := hardGHA(t)
		code, out := g.run("push", map[string]string{"host": hardCred.ClientToken, "client-token": "akab-host.purge.akamaiapis.invalid",
			"client-secret": hardCred.ClientSecret, "access-token": hardCred.AccessToken})
		if code != ExitUsage || !strings.Contains(out, "was not swapped") {
			t.Errorf("exit %d, want 2:\n%s", code, out)
		}
		rest := out[strings.LastIndex(out, "::add-mask::"):]
		noSecrets(t, "the log after the masks", rest[strings.Index(rest, "\n")+1:])
	})
}

// Files: the report is not truncated up front; the
// previous one stays whole while batches are in flight, and the new one
// replaces it at the end (through a symlink, its target).
func TestReportReplacedAtTheEnd(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	for _, link := range []bool{false, true} {
		t.Run(fmt.Sprintf("symlink=%v", link), func(t *testing.T) {
			sim, flags := hardSim(t, ccusim.Options{})
			started := make(chan struct{}, 1)
			sim.Script(ccusim.Step{Delay: time.Second, Started: started})
			out := t.TempDir()
			report := filepath.Join(out, "report.json")
			if err := os.WriteFile(report, []byte(`{"previous":true}`), 0o644); err != nil {
				t.Fatal(err)
			}
			path := report
			if link {
				path = filepath.Join(out, "link.json")
				if err := os.Symlink(report, path); err != nil {
					t.Fatal(err)
				}
			}
			done := make(chan result, 1)
			go func() {
				done <- runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", "--report", path}, flags...)...)
			}()
			<-started
			if data, _ := os.ReadFile(report); string(data) != `{"previous":true}` {
				t.Errorf("while a batch is in flight the report holds %q, want the previous one", data)
			}
			r := <-done
			accounting(t, report, plannedObjects(t, "--repo", dir, "--from", "v1"), sim, r.code)
			if r.code != ExitOK {
				t.Errorf("exit %d\n%s", r.code, r.stderr)
			}
			if fi, err := os.Lstat(path); err != nil || link != (fi.Mode()&os.ModeSymlink != 0) {
				t.Errorf("the report's link was replaced: %v %v", fi.Mode(), err)
			}
			if left, _ := filepath.Glob(filepath.Join(out, ".*")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// A report or dotenv path that is a link (or a chain of links) to a file
// not written yet is written through, as the state file is: the rename
// replaced the link with a file and never wrote its target, which
// writing in place (before the atomic writes) did not.
func TestOutputLinkToNewFile(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	out := t.TempDir()
	if err := os.Mkdir(filepath.Join(out, "artifacts"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := [][2]string{
		{filepath.Join("artifacts", "report.json"), filepath.Join(out, "report.json")},
		{filepath.Join("..", "artifacts", "out.env"), filepath.Join(out, "artifacts", "next.env")},
		{filepath.Join("artifacts", "next.env"), filepath.Join(out, "out.env")},
	}
	for _, l := range links {
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	r := runQuick(t, nil, "purge", "--dry-run", "--repo", dir, "--from", "v1", "--report", links[0][1], "--dotenv", links[2][1])
	if r.code != ExitOK {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, l := range links {
		if fi, err := os.Lstat(l[1]); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Errorf("the link %s was replaced: %v", l[1], err)
		}
	}
	if rep := readReport(t, filepath.Join(out, "artifacts", "report.json")); len(rep.NotPurged) != 5 {
		t.Errorf("the report's target holds %+v", rep)
	}
	if data, err := os.ReadFile(filepath.Join(out, "artifacts", "out.env")); err != nil || !strings.Contains(string(data), "CCU_PURGE_FROM=") {
		t.Errorf("the dotenv's target holds %q (%v)", data, err)
	}
}

// Every output path is checked before anything is sent (exit 2,
// naming it), and the Action does not panic without GITHUB_OUTPUT or
// GITHUB_STEP_SUMMARY.
func TestOutputPathsCheckedUpFront(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	missing := filepath.Join(t.TempDir(), "no-such-folder", "file")
	for _, tc := range []struct {
		name, flag, path string
	}{
		{"dotenv in a missing folder", "--dotenv", missing},
		{"dotenv is a folder", "--dotenv", t.TempDir()},
		{"report in a missing folder", "--report", missing},
		{"report is a folder", "--report", t.TempDir()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, flags := hardSim(t, ccusim.Options{})
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", tc.flag, tc.path}, flags...)...)
			oneMessage(t, r, ExitUsage, tc.flag+" "+tc.path)
			if n := len(sim.Purges()); n != 0 {
				t.Errorf("%d purge(s) sent before the output path was found unwritable", n)
			}
		})
	}
	for _, tc := range []struct {
		name, env string
		code      int
		want      string
		purges    int
	}{
		{"GITHUB_OUTPUT unset", "GITHUB_OUTPUT=", 0, "GITHUB_OUTPUT is not set", 1},
		{"GITHUB_STEP_SUMMARY unset", "GITHUB_STEP_SUMMARY=", 0, "GITHUB_STEP_SUMMARY is not set", 1},
		{"GITHUB_OUTPUT in a missing folder", "GITHUB_OUTPUT=" + missing, 2, "GITHUB_OUTPUT " + missing + " cannot be written", 0},
		{"GITHUB_STEP_SUMMARY is a folder", "GITHUB_STEP_SUMMARY=" + t.TempDir(), 2, "is a folder", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := hardGHA(t)
			g.env = append(g.env, tc.env)
			code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "wait": "false"})
			if code != tc.code || !strings.Contains(out, tc.want) || strings.Contains(out, "panic") {
				t.Errorf("exit %d (want %d), output lacks %q or panics:\n%s", code, tc.code, tc.want, out)
			}
			if n := len(g.sim.Purges()); n != tc.purges {
				t.Errorf("%d purge(s), want %d", n, tc.purges)
			}
		})
	}
}

// Through the CLI: the shallow-fetch warning shows the remote's
// URL without the token in its user name or query.
func TestShallowFetchWarningHidesURLToken(t *testing.T) {
	dir, shas := site(t, siteConfig+"on_unknown_base: cpcode\ncpcodes: [12345]\n", nil)
	clone := filepath.Join(t.TempDir(), "clone")
	gitCmd(t, t.TempDir(), "clone", "-q", "--depth", "1", "file://"+dir, clone)
	const user, query = "ghp_UserNameToken0123456789", "QueryToken0123456789abc"
	gitCmd(t, clone, "remote", "set-url", "origin", "http://"+user+"@127.0.0.1:1/o/r.git?access_token="+query)
	r := runEnv(t, pushEvent(t, shas[0], shas[1]), "plan", "--repo", clone)
	if r.code != ExitOK || !strings.Contains(r.stderr, "fetching it failed") {
		t.Fatalf("exit %d, want 0 with the fetch warning\n%s", r.code, r.stderr)
	}
	for _, s := range []string{user, query} {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("the output shows the URL's token %q:\n%s", s, r.stderr)
		}
	}
}

// The one place: once hide has the credentials, stdout, stderr
// and every file writer drop them, in every form, whoever wrote them (the
// integration tests above also pass through ccu's own scrubbing).
func TestHideCoversEveryOutput(t *testing.T) {
	t.Parallel()
	var out, errb strings.Builder
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb}
	e.hide(hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken)
	leak := strings.Join(credForms(), " ") + " EG1-HMAC-SHA256 client_token=" + hardCred.ClientToken + ";signature=c2ln"
	dir := t.TempDir()
	fmt.Fprintln(e.stdout, leak)
	fmt.Fprintln(e.stderr, leak)
	files := map[string]func(string) error{
		"writeOut":  func(p string) error { return e.writeOut(p, []byte(leak)) },
		"appendOut": func(p string) error { return e.appendOut(p, []byte(leak)) },
		"report":    func(p string) error { return e.writeReport(p, &rpt.Report{Error: leak}) },
		"dotenv":    func(p string) error { return e.writeDotenv(p, []rpt.Output{{Name: "support-ids", Value: leak}}) },
	}
	texts := map[string]string{}
	for name, write := range files {
		path := filepath.Join(dir, name)
		if err := write(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		data, _ := os.ReadFile(path)
		texts[name] = string(data)
	}
	texts["stdout"], texts["stderr"] = out.String(), errb.String()
	for name, text := range texts {
		if !strings.Contains(text, "***") {
			t.Errorf("%s shows no redaction at all: %q", name, text)
		}
		for i, s := range append(credForms(), "EG1-HMAC-SHA256", "client_token=") {
			if strings.Contains(text, s) {
				t.Errorf("%s holds secret form #%d", name, i)
			}
		}
	}
}

// A token the server puts where ccu cuts a field to length is
// removed before the cut; cut first, its first half would pass redaction.
func TestEchoCutMidTokenRedacted(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	flags := stub(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(400)
		json.NewEncoder(w).Encode(map[string]any{"httpStatus": 400, "title": "Bad request",
			"detail": strings.Repeat("x", 290) + hardCred.ClientToken})
	})
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", "--timeout", "2s"}, flags...)...)
	if r.code != ExitFailed || !strings.Contains(r.stderr, "xxxxxxxx") {
		t.Fatalf("exit %d, want 1 with the detail shown\n%s", r.code, r.stderr)
	}
	if half := hardCred.ClientToken[:8]; strings.Contains(r.stdout+r.stderr, half) {
		t.Errorf("the output holds the start of the client token, %q:\n%s", half, r.stderr)
	}
}
