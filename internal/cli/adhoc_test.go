package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// purgesOf is every purge the simulator recorded, as "type network:
// objects", sorted: requests in flight together finish in any order.
func purgesOf(sim *ccusim.Server) []string {
	var out []string
	for _, p := range sim.Purges() {
		out = append(out, fmt.Sprintf("%s %s: %s", p.Type, p.Network, strings.Join(p.Objects, " ")))
	}
	slices.Sort(out)
	return out
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// An ad-hoc purge outside any repository: the flags' objects and a list's,
// one type per request, duplicates once, with the report, and no state
// written although CCU_PURGE_STATE names a file.
func TestAdhocPurge(t *testing.T) {
	t.Parallel()
	sim, flags := simulator(t, ccusim.Options{})
	dir := t.TempDir()
	list := writeFile(t, dir, "objects.txt", "# after the hotfix\nhttps://www.example.com/b\n\ntag docs\ncpcode 12345\nhttps://www.example.com/a\n")
	report, state := filepath.Join(dir, "r.json"), filepath.Join(dir, "state.json")
	vars := map[string]string{"CCU_PURGE_STATE": state}
	args := append([]string{"purge", "--repo", dir, "--url", "https://www.example.com/a", "--cpcode", "12345", "--objects-from", list, "--report", report}, flags...)
	r := runQuick(t, vars, args...)
	if r.code != ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
	want := []string{"cpcode production: 12345", "tag production: docs", "url production: https://www.example.com/a https://www.example.com/b"}
	if d := cmp.Diff(want, purgesOf(sim)); d != "" {
		t.Errorf("purges (-want +got):\n%s", d)
	}
	if line := "Objects: 4, named by --url, --cpcode, " + list + "; no config file, default settings\n"; !strings.HasPrefix(r.stdout, line) {
		t.Errorf("stdout does not start with %q:\n%s", line, r.stdout)
	}
	if _, err := os.Stat(state); !os.IsNotExist(err) {
		t.Errorf("the state file was written: %v", err)
	}
	rep := readReport(t, report)
	if len(rep.Purged) != 4 || len(rep.NotPurged) != 0 {
		t.Errorf("report: %d purged, %d not purged", len(rep.Purged), len(rep.NotPurged))
	}
}

// The list on stdin, the settings from the config in --repo, a flag over
// them; and a dry run, which needs no credentials and sends nothing.
func TestAdhocStdinConfigDryRun(t *testing.T) {
	t.Parallel()
	sim, flags := simulator(t, ccusim.Options{})
	dir := t.TempDir()
	writeFile(t, dir, ".ccu-purge.yml", "network: staging\naction: delete\nrules:\n  - match: \"**\"\n    urls: https://www.example.com/{path}\n")
	var out, errb bytes.Buffer
	e := &env{getenv: func(string) string { return "" }, stdout: &out, stderr: &errb, waits: quick,
		stdin: strings.NewReader("https://www.example.com/x\n")}
	if code := e.run(context.Background(), append([]string{"purge", "--repo", dir, "--objects-from", "-"}, flags...)); code != ExitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if d := cmp.Diff([]string{"url staging: https://www.example.com/x"}, purgesOf(sim)); d != "" {
		t.Errorf("purges (-want +got):\n%s", d)
	}
	if !strings.Contains(out.String(), "named by stdin; settings from "+filepath.Join(dir, ".ccu-purge.yml")) {
		t.Errorf("stdout:\n%s", out.String())
	}
	r := runQuick(t, map[string]string{"CCU_PURGE_NETWORK": "production"}, "purge", "--repo", t.TempDir(), "--tag", "t1", "--dry-run", "--network", "staging")
	if r.code != ExitOK || !strings.Contains(r.stdout, "POST /ccu/v3/invalidate/tag/staging") || len(sim.Purges()) != 1 {
		t.Errorf("dry run: exit %d, %d purges\n%s%s", r.code, len(sim.Purges()), r.stdout, r.stderr)
	}
}

// A bad object is refused before anything is sent, with its line; a
// range next to named objects is a usage error.
func TestAdhocRefused(t *testing.T) {
	t.Parallel()
	sim, flags := simulator(t, ccusim.Options{})
	dir := t.TempDir()
	list := writeFile(t, dir, "objects.txt", "# 1\nhttps://www.example.com/a\n\n\n\n\nhttp://Bad Host/x\n")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad line", []string{"--objects-from", list}, list + `:7: "http://Bad Host/x" is not a URL: it does not make an absolute http(s) URL or an ARL`},
		{"bad flag", []string{"--url", "https://WWW.example.com/", "--cpcode", "x"}, `--url: "https://WWW.example.com/" is not a URL: it has the host "WWW.example.com"`},
		{"missing list", []string{"--objects-from", filepath.Join(dir, "none.txt")}, "--objects-from: open " + filepath.Join(dir, "none.txt")},
		{"with --from", []string{"--url", "https://www.example.com/", "--from", "v1"}, "--from chooses a range"},
		{"tags on v2", []string{"--tag", "t", "--api", "ccu-v2"}, "cache tags need api fast-purge"},
	} {
		r := runQuick(t, nil, append(append([]string{"purge", "--repo", dir}, tc.args...), flags...)...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
	if n := len(sim.Served()); n != 0 {
		t.Errorf("%d requests served, want none", n)
	}
}

// A refused URL is bisected out and the run exits 1, as for a range.
func TestAdhocRefusedByTheAPI(t *testing.T) {
	t.Parallel()
	sim, flags := simulator(t, ccusim.Options{})
	sim.Refuse("https://www.example.com/forbidden")
	r := runQuick(t, nil, append([]string{"purge", "--repo", t.TempDir(), "--url", "https://www.example.com/ok", "--url", "https://www.example.com/forbidden"}, flags...)...)
	if r.code != ExitFailed {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if d := cmp.Diff([]string{"url production: https://www.example.com/ok"}, purgesOf(sim)); d != "" {
		t.Errorf("purges (-want +got):\n%s", d)
	}
}

func TestLimitsCommand(t *testing.T) {
	t.Parallel()
	_, flags := simulator(t, ccusim.Options{})
	r := runQuick(t, nil, append([]string{"limits"}, flags...)...)
	want := `Fast Purge rate limits, shared by every client of the account:
  url     requests   100 of 100 left, refills 50/s, full
          objects  10000 of 10000 left, refills 200/s, full
  cpcode  requests   100 of 100 left, refills 50/s, full
          objects    300 of 300 left, refills 30/min, full
  tag     requests   100 of 100 left, refills 50/s, full
          objects   5000 of 5000 left, refills 500/min, full
`
	if r.code != ExitOK || r.stdout != want {
		t.Errorf("exit %d\n%s\nwant\n%s\nstderr: %s", r.code, r.stdout, want, r.stderr)
	}
	r = runQuick(t, nil, append([]string{"limits", "tag"}, flags...)...)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "Fast Purge rate limits") || strings.Count(r.stdout, "\n") != 3 || !strings.Contains(r.stdout, "  tag ") {
		t.Errorf("limits tag: exit %d\n%s", r.code, r.stdout)
	}
	r = runQuick(t, nil, append([]string{"limits", "arl"}, flags...)...)
	if r.code != ExitUsage || !strings.Contains(r.stderr, `unknown purge type "arl"`) {
		t.Errorf("limits arl: exit %d, %s", r.code, r.stderr)
	}
}

// Against an account whose URL bucket is smaller than Akamai's published
// one, a purge that reads the limits first (--limits, or past 1,000 URLs)
// paces from them and is never refused; without them its second request
// of 500 gets a 429.
func TestPurgeSeededFromLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		urls   int
		limits bool
		seeded bool
	}{{1000, false, false}, {1000, true, true}, {1001, false, true}} {
		b := ccusim.RealBuckets()
		b.URL = ccusim.Bucket{Burst: 600, PerSecond: 300}
		sim, flags := simulator(t, ccusim.Options{Buckets: &b})
		var list strings.Builder
		for i := range tc.urls {
			fmt.Fprintf(&list, "https://www.example.com/%d\n", i)
		}
		dir := t.TempDir()
		args := append([]string{"purge", "--repo", dir, "--objects-from", writeFile(t, dir, "o.txt", list.String())}, flags...)
		if tc.limits {
			args = append(args, "--limits")
		}
		r := runQuick(t, nil, args...)
		if r.code != ExitOK {
			t.Fatalf("%+v: exit %d\n%s%s", tc, r.code, r.stdout, r.stderr)
		}
		refused := 0
		for _, s := range sim.Served() {
			if s.Status == http.StatusTooManyRequests {
				refused++
			}
		}
		said := strings.Contains(r.stdout, "Pacing url purges from the account's rate limits: 600 of 600 objects left (300/s), 100 of 100 requests (50/s).\n")
		if tc.seeded != (refused == 0) || tc.seeded != said {
			t.Errorf("%+v: %d answers were 429, pacing line %v\n%s", tc, refused, said, r.stdout)
		}
	}
}
