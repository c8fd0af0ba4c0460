package cli

import (
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// junitFile is what a reader of the JUnit file sees.
type junitFile struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// Random parts of a run: the simulator's ids and the test's folders.
var junitNoise = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`ed[a-z]{2}-[0-9A-Za-z]{22}`), "PURGE-ID"},
	{regexp.MustCompile(`17PY[0-9]{16}-[0-9]{9}`), "SUPPORT-ID"},
}

// TestJUnitGolden runs purge with --junit (and --report) against the
// simulator: every request accepted; one refused URL, found by bisecting
// its batch; credentials that do not load, so no request is sent; and a
// time budget that ends with one request unanswered and one unsent. The
// file matches its golden copy, its counts add up, and each failure lists
// exactly the objects the JSON report has in notPurged.
func TestJUnitGolden(t *testing.T) {
	for _, tc := range []struct {
		name, golden string
		setup        func(*ccusim.Server)
		flags        func(edgerc string) []string
		code         int
		tests, fails int
	}{
		{"success", "junit-success.golden", nil, nil, 0, 3, 0},
		{"partial failure, bisected", "junit-bisected.golden", func(s *ccusim.Server) { s.Refuse("https://www.example.com/index.html") }, nil, ExitFailed, 4, 1},
		{"not sent", "junit-notsent.golden", nil, func(edgerc string) []string { return []string{"--section", "staging"} }, ExitUsage, 3, 3},
		// The second request hangs until the time budget ends; the third
		// is never sent.
		{"budget ran out", "junit-budget.golden", func(s *ccusim.Server) { s.Script(ccusim.Step{}, ccusim.Step{Hang: true}) },
			func(string) []string { return []string{"--timeout", "1s"} }, ExitFailed, 3, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, _ := site(t, siteConfig, nil)
			sim, flags := simulator(t, ccusim.Options{})
			if tc.setup != nil {
				tc.setup(sim)
			}
			if tc.flags != nil {
				flags = append(flags, tc.flags(flags[1])...)
			}
			out := t.TempDir()
			junit, report := filepath.Join(out, "junit.xml"), filepath.Join(out, "report.json")
			args := append([]string{"purge", "--repo", dir, "--from", "v1", "--batch-size", "2", "--concurrency", "1", "--junit", junit, "--report", report}, flags...)
			r := runQuick(t, nil, args...)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.code, r.stdout, r.stderr)
			}
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			got := string(data)
			for _, n := range junitNoise {
				got = n.re.ReplaceAllString(got, n.with)
			}
			got = strings.ReplaceAll(got, flags[1], "EDGERC")
			checkGolden(t, tc.golden, got)
			checkJUnit(t, data, readReport(t, report), tc.tests, tc.fails)
		})
	}
}

// checkJUnit checks a JUnit file against the JSON report of the same run:
// the counts, and the failures' objects against notPurged.
func checkJUnit(t *testing.T, data []byte, rep reportFile, tests, fails int) {
	t.Helper()
	var f junitFile
	if err := xml.Unmarshal(data, &f); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	if len(f.Suites) != 1 {
		t.Fatalf("%d suites, want 1", len(f.Suites))
	}
	s := f.Suites[0]
	failed, skipped := 0, 0
	var listed []string
	for _, c := range s.Cases {
		if c.Skipped != nil {
			skipped++
		}
		if c.Failure == nil {
			continue
		}
		failed++
		if c.Failure.Message == "" || c.Failure.Type == "" {
			t.Errorf("case %q: a failure without message or type", c.Name)
		}
		_, objs, _ := strings.Cut(c.Failure.Text, "Not purged")
		for _, l := range strings.Split(objs, "\n")[1:] {
			if l = strings.TrimSpace(l); l != "" {
				listed = append(listed, l)
			}
		}
	}
	if len(s.Cases) != tests || s.Tests != tests || f.Tests != tests || failed != fails || s.Failures != fails || f.Failures != fails || s.Skipped != skipped || f.Skipped != skipped {
		t.Errorf("counts: root %d/%d/%d, suite %d/%d/%d (tests/failures/skipped), cases %d/%d/%d, want %d tests, %d failures",
			f.Tests, f.Failures, f.Skipped, s.Tests, s.Failures, s.Skipped, len(s.Cases), failed, skipped, tests, fails)
	}
	var notPurged []string
	for _, o := range rep.NotPurged {
		notPurged = append(notPurged, o.Object)
	}
	if d := cmp.Diff(notPurged, listed); d != "" {
		t.Errorf("objects in the failures (-report's notPurged +JUnit):\n%s", d)
	}
}

// TestJUnitRedacted: credentials in what the JUnit file shows (an error,
// an API detail, a supportId, a purged object) reach it only redacted,
// through writeOut as every other output; and a hostile API that echoes
// them leaves them nowhere in the file.
func TestJUnitRedacted(t *testing.T) {
	t.Run("writeOut", func(t *testing.T) {
		e := &env{getenv: func(string) string { return "" }, stdout: io.Discard, stderr: io.Discard}
		e.hide(hardCred.ClientToken, hardCred.ClientSecret, hardCred.AccessToken)
		leak := strings.Join(credForms(), " ")
		b := purge.Batch{API: "fast-purge", Action: "invalidate", Type: "url", Network: "production", Objects: []string{"https://www.example.com/" + hardCred.AccessToken}}
		rep := &rpt.Report{Error: leak, Batches: []rpt.Request{
			{Index: 1, Batch: b, Attempts: 1, Error: leak, HTTPStatus: 400, SupportID: hardCred.ClientToken, APIError: &ccu.APIError{Status: 400, Title: leak, Detail: leak}},
			{Index: 2, Batch: b, HTTPStatus: 201, PurgeID: hardCred.ClientSecret, SupportID: leak},
		}}
		path := filepath.Join(t.TempDir(), "junit.xml")
		if err := e.writeJUnit(path, rep); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		if !strings.Contains(string(data), "***") {
			t.Errorf("the JUnit file shows no redaction at all:\n%s", data)
		}
		for i, s := range credForms() {
			if strings.Contains(string(data), s) {
				t.Errorf("the JUnit file holds secret form #%d", i)
			}
		}
		var f junitFile
		if err := xml.Unmarshal(data, &f); err != nil {
			t.Errorf("the redacted JUnit file is not XML: %v", err)
		}
	})
	t.Run("echoing API", func(t *testing.T) {
		dir, _ := site(t, siteConfig, nil)
		e := &echoer{}
		flags := stub(t, echoAnswers(e)["error body"])
		junit := filepath.Join(t.TempDir(), "junit.xml")
		r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", "v1", "--timeout", "2s", "--junit", junit}, flags...)...)
		if r.code != ExitFailed {
			t.Fatalf("exit %d, want 1\n%s", r.code, r.stderr)
		}
		data, err := os.ReadFile(junit)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), "HTTP 400") {
			t.Fatalf("the JUnit file lacks the failure:\n%s", data)
		}
		e.leaks(t, "the JUnit file", string(data))
	})
}

// TestJUnitRefusesInputs: --junit naming the state or config file, or a
// folder, is refused before anything is sent.
func TestJUnitRefusesInputs(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	state := filepath.Join(t.TempDir(), "state.json")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"the config file", []string{"--junit", filepath.Join(dir, ".ccu-purge.yml")}, "is the config file"},
		{"the state file", []string{"--junit", state, "--state", state}, "is the state file (--state)"},
		{"a folder", []string{"--junit", dir}, "is a folder"},
		{"the report", []string{"--junit", state, "--report", state}, "--report and --junit name one file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append([]string{"purge", "--dry-run", "--repo", dir, "--from", "v1"}, tc.args...)...)
			oneMessage(t, r, ExitUsage, "--junit", tc.want)
		})
	}
}

// TestJUnitDryRunAndNothing: a dry run's requests are skipped cases (not
// failures: nothing was meant to be sent), and a run with nothing to purge
// still has one passing case, so Jenkins' junit step finds a result.
func TestJUnitDryRunAndNothing(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	for _, tc := range []struct {
		name                  string
		from                  string
		tests, fails, skipped int
		want                  string
	}{
		{"dry run", "v1", 3, 0, 3, `<skipped message="dry run: not sent">`},
		{"nothing to purge", "HEAD", 1, 0, 0, `name="0/0 nothing to purge"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			junit := filepath.Join(t.TempDir(), "junit.xml")
			r := run(t, "purge", "--dry-run", "--repo", dir, "--from", tc.from, "--batch-size", "2", "--junit", junit)
			if r.code != 0 {
				t.Fatalf("exit %d\n%s", r.code, r.stderr)
			}
			data, err := os.ReadFile(junit)
			if err != nil {
				t.Fatal(err)
			}
			var f junitFile
			if err := xml.Unmarshal(data, &f); err != nil {
				t.Fatal(err)
			}
			if f.Tests != tc.tests || f.Failures != tc.fails || f.Skipped != tc.skipped || len(f.Suites[0].Cases) != tc.tests {
				t.Errorf("tests/failures/skipped = %d/%d/%d, want %d/%d/%d", f.Tests, f.Failures, f.Skipped, tc.tests, tc.fails, tc.skipped)
			}
			if !strings.Contains(string(data), tc.want) {
				t.Errorf("the JUnit file lacks %s:\n%s", tc.want, data)
			}
		})
	}
}

// TestActionJUnitInput: the Action's junit input writes the same file as
// --junit, with the accepted request as a passing case.
func TestActionJUnitInput(t *testing.T) {
	g := newGHA(t, siteConfig, pushEv)
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out := g.run("push", map[string]string{"edgerc": g.edgerc, "junit": junit})
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	purges := g.sim.Purges()
	data := g.file(junit)
	if len(purges) != 1 || !strings.Contains(data, `name="1/1 fast-purge invalidate url production (5 objects)"`) || !strings.Contains(data, purges[0].PurgeID) {
		t.Errorf("JUnit file after %d purge(s):\n%s", len(purges), data)
	}
}
