package demo

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
	"github.com/google/go-cmp/cmp"
)

// scriptMasks replace what differs between runs: the temporary folder,
// the loopback ports, the commits' SHAs, the purge IDs and the repository
// built there.
var scriptMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\S*ccu-purge-demo-\d+`), "TMP"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "ADDR"},
	{regexp.MustCompile(`\b[0-9a-f]{40}\b`), "SHA"},
	{regexp.MustCompile(`edup-[0-9A-Za-z]+`), "ID"},
	{regexp.MustCompile(`TMP/demo-site\.git`), "REPO"}, // Repo "."
}

// mask masks s, and repo (the --repo given, unless ".") as REPO.
func mask(s, repo string) string {
	s = filepath.ToSlash(s)
	if repo != "." {
		s = strings.ReplaceAll(s, filepath.ToSlash(repo), "REPO")
	}
	for _, m := range scriptMasks {
		s = m.re.ReplaceAllString(s, m.with)
	}
	return s
}

var errFailed = errors.New("the command failed")

// fakeCommands expects the calls in want, in order (the command's name,
// then its args, masked); any other call fails the test, as does one it
// expected and never got. Each call prints "[name]", so the test sees
// where the demo's text falls around the command's output. A purge sends
// a real purge to the simulator the args name, after checking that the
// edge they name still serves v1.
type fakeCommands struct {
	t    *testing.T
	out  io.Writer
	repo string
	want []string
	fail int // the call (from 0) that returns errFailed; -1 for none
	got  int
}

func (f *fakeCommands) commands() Commands {
	return Commands{Explain: f.command("explain"), Purge: f.command("purge")}
}

func (f *fakeCommands) command(name string) func(context.Context, []string) error {
	return func(ctx context.Context, args []string) error {
		line := mask(name+" "+strings.Join(args, " "), f.repo)
		if f.got >= len(f.want) {
			f.t.Errorf("unexpected call %q", line)
			return errors.New("unexpected call")
		}
		if line != f.want[f.got] {
			f.t.Errorf("call %d:\n got %q\nwant %q", f.got, line, f.want[f.got])
		}
		f.got++
		fmt.Fprintf(f.out, "[%s]\n", name)
		if f.got-1 == f.fail {
			return errFailed
		}
		if name == "purge" {
			return purgeLikeTheTool(ctx, args)
		}
		return nil
	}
}

func (f *fakeCommands) verify() {
	if f.got != len(f.want) {
		f.t.Errorf("%d call(s), want %d: %q never came", f.got, len(f.want), f.want[f.got:])
	}
}

// flagValue is the value after --name in args.
func flagValue(args []string, name string) string {
	for i, a := range args[:len(args)-1] {
		if a == "--"+name {
			return args[i+1]
		}
	}
	return ""
}

// purgeLikeTheTool checks that the edge of --connect-to serves v1's home
// page (cached before the deploy), then purges two URLs on staging with
// the --edgerc and --ca-cert given, signed by edgegrid-golang.
func purgeLikeTheTool(ctx context.Context, args []string) error {
	pem, err := os.ReadFile(flagValue(args, "ca-cert"))
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	_, edge, _ := strings.Cut(flagValue(args, "connect-to"), Host+":")
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if strings.HasPrefix(addr, Host+":") {
			addr = edge
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	if home, err := fetch(client, mustRequest(ctx, http.MethodGet, "https://"+Host+"/", "")); err != nil || !strings.Contains(home, "<title>Home</title>") {
		return fmt.Errorf("the edge at %s does not serve v1's home page: %q, %v", edge, home, err)
	}
	cfg, err := edgegrid.New(edgegrid.WithFile(flagValue(args, "edgerc")), edgegrid.WithSection(flagValue(args, "section")))
	if err != nil {
		return err
	}
	req := mustRequest(ctx, http.MethodPost, "https://"+cfg.Host+"/ccu/v3/invalidate/url/staging", `{"objects":["https://www.example.com/","https://www.example.com/index.html"]}`)
	req.Header.Set("Content-Type", "application/json")
	cfg.SignRequest(req)
	_, err = fetch(client, req)
	return err
}

func mustRequest(ctx context.Context, method, url, body string) *http.Request {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	return req
}

// fetch is req's body, or an error for a status other than 200 or 201.
func fetch(client *http.Client, req *http.Request) (string, error) {
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != 200 && resp.StatusCode != 201 {
		err = fmt.Errorf("%s %s: HTTP %d: %s", req.Method, req.URL, resp.StatusCode, body)
	}
	return string(body), err
}

const (
	explainCall = "explain --repo REPO public/blog/index.html"
	purgeCall   = "purge --repo REPO --from v1 --to v2 --edgerc TMP/sim/.edgerc --section ccu --ca-cert TMP/sim/ca.pem --verify --connect-to www.example.com:ADDR"
	lostCall    = purgeCall + " --verify-timeout 3s --quiet"

	scriptIntro = "== Demo: the example site REPO, purged against the local CCU simulator at https://ADDR\n\n" +
		"$ git --git-dir REPO show v2:.ccu-purge.yml\n" + Config + "\n" +
		"$ " + "ccu-purge " + explainCall + "\n[explain]\n"
	scriptPurge = "\nThe simulated edge at ADDR (staging) has cached v1's 10 URLs from its origin TMP/origin; v2 is deployed there now.\n" +
		"\n$ ccu-purge " + purgeCall + "\n[purge]\n"
	scriptRest = "\nThe simulator accepted 1 purge request(s):\n" +
		"  purgeId ID: v3 invalidate url on staging, 2 object(s)\n" +
		"\n== A lost purge: the same deploy again, on an edge at ADDR that never receives the purge\n" +
		"\n$ ccu-purge " + lostCall + "\n[purge]\n" +
		"\nThe purge was accepted, yet the edge still serves v1: the verification caught it. With --on-stale fail (verify.on_stale: fail) the job fails with exit 1.\n"
)

// Run plays the script in order: the commands it runs with which
// arguments, the text around them, where it stops when a step fails.
func TestRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		repo    func(t *testing.T) string // --repo
		verbose bool
		want    []string // the calls
		fail    int      // the call that fails; -1 for none
		wantOut string
		wantErr string // fragment; "" = success
		posts   int    // purge POSTs in the simulator's log (Logf)
	}{
		{"a repository built where --repo names none", func(t *testing.T) string { return filepath.Join(t.TempDir(), "site.git") }, false,
			[]string{explainCall, purgeCall, lostCall}, -1, "built REPO: v1 SHA, v2 SHA\n" + scriptIntro + scriptPurge + scriptRest, "", 2},
		{"a fresh repository, verbose purges", func(*testing.T) string { return "." }, true,
			[]string{explainCall, purgeCall + " --verbose", lostCall + " --verbose"}, -1,
			scriptIntro + scriptPurge + scriptRest, "", 2},
		{"a failed purge ends the demo", func(t *testing.T) string { return filepath.Join(t.TempDir(), "site.git") }, false,
			[]string{explainCall, purgeCall}, 1, "built REPO: v1 SHA, v2 SHA\n" + scriptIntro + scriptPurge, errFailed.Error(), 0},
		{"a failed explain ends the demo", func(t *testing.T) string { return filepath.Join(t.TempDir(), "site.git") }, false,
			[]string{explainCall}, 0, "built REPO: v1 SHA, v2 SHA\n" + scriptIntro, errFailed.Error(), 0},
		{"a --repo that is no repository runs nothing", func(t *testing.T) string { return t.TempDir() }, false,
			nil, -1, "== Demo: the example site REPO, purged against the local CCU simulator at https://ADDR\n\n", "open the example repository", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			repo := tc.repo(t)
			f := &fakeCommands{t: t, out: &out, repo: repo, want: tc.want, fail: tc.fail}
			var mu sync.Mutex
			posts := 0
			logf := func(format string, args ...any) { // from the simulator's handlers
				mu.Lock()
				defer mu.Unlock()
				if strings.HasPrefix(fmt.Sprintf(format, args...), "POST /ccu/v3/") {
					posts++
				}
			}
			err := Run(context.Background(), Options{Repo: repo, Out: &out, Verbose: tc.verbose, Logf: logf}, f.commands())
			f.verify()
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("Run: %v, want %q", err, tc.wantErr)
			}
			if tc.fail >= 0 && !errors.Is(err, errFailed) {
				t.Errorf("Run: %v, want the command's error as it is", err)
			}
			if mu.Lock(); posts != tc.posts {
				t.Errorf("the simulator logged %d purge POST(s), want %d", posts, tc.posts)
			}
			mu.Unlock()
			if diff := cmp.Diff(tc.wantOut, mask(out.String(), f.repo)); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
		})
	}
}
