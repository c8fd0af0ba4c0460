package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

var update = flag.Bool("update", false, "rewrite the golden files (testdata/*/*.golden), never their inputs")

// golden compares got with testdata/dir/name.golden, rewriting it first
// with -update. Only .golden files are ever written.
func golden(t *testing.T, dir, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", dir, name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/report -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s (-golden +got), rerun with -update if intended:\n%s", path, d)
	}
}

// fixedDelimiter stands for Delimiter, so the GitHub outputs' golden file
// is stable.
func fixedDelimiter(string) (string, error) { return "ghadelimiter_TEST", nil }

// build is the case's report and run, as the cli makes them: New after
// sending (statuses set by the wait), NotSent when the run stopped before.
func (c runCase) build() (*Report, Run) {
	run := Run{Range: c.rng, Plan: c.plan, Path: c.path, Err: c.stopped}
	if c.stopped != nil {
		return NotSent(c.plan, c.stopped), run
	}
	r := New(c.plan, c.sent, c.dry)
	for i, s := range c.status {
		r.Batches[i].Status = s
	}
	r.Verify, r.AcceptedAt = c.verify, c.acceptedAt
	run.Report, run.Err = r, r.Err()
	return r, run
}

// TestGolden writes every output format of every case and compares each
// with its golden file: the text plan, the lines printed per request and
// at the end, the --report JSON, the job summary, the GitHub outputs,
// dotenv, JUnit and the annotations.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r, run := c.build()
			if c.plan != nil {
				var b bytes.Buffer
				Plan(&b, c.rng, c.plan)
				golden(t, c.name, "plan", b.Bytes())
				golden(t, c.name, "plan.json", planJSON(t, c))
				if c.stopped == nil {
					golden(t, c.name, "sent", sentLines(t, c))
				}
			}
			golden(t, c.name, "summary", summaryLines(r))
			if r.Verify != nil {
				golden(t, c.name, "verify", verifyLines(r))
			}
			var js bytes.Buffer
			if err := JSON(&js, r); err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, "report.json", js.Bytes())
			golden(t, c.name, "job-summary.md", []byte(JobSummary(run)))
			gh, err := GitHubOutputs(Outputs(run), fixedDelimiter)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, "github-output", []byte(gh))
			env, err := Dotenv(Outputs(run))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, "dotenv", env)
			x, err := JUnit(r)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, c.name, "junit.xml", x)
			golden(t, c.name, "annotations", annotationLines(Annotations(run, c.config, "/work/site")))
		})
	}
}

// planJSON is plan --output json: the plan with its range.
func planJSON(t *testing.T, c runCase) []byte {
	doc := PlanDoc{Range: c.rng, Plan: c.plan}
	var b bytes.Buffer
	if err := JSON(&b, doc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sentLines are what a purge prints per request (and, dry, what it would
// POST).
func sentLines(t *testing.T, c runCase) []byte {
	var b bytes.Buffer
	for _, s := range c.sent {
		if c.dry {
			path, body, err := ccu.Request(s.Request)
			if err != nil {
				t.Fatal(err)
			}
			WouldPost(&b, s.Request, path, body)
			continue
		}
		Sent(&b, len(c.plan.Batches), s)
	}
	return b.Bytes()
}

// summaryLines are the closing lines, then the run's error as the user
// reads it.
func summaryLines(r *Report) []byte {
	var b bytes.Buffer
	r.Summary(&b)
	if err := r.Err(); err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.Bytes()
}

// verifyLines are what verify prints: a line per URL as it is judged,
// then the summary, then the error the exit code comes from.
func verifyLines(r *Report) []byte {
	var b bytes.Buffer
	for _, res := range r.Verify.Results {
		fmt.Fprintln(&b, VerifyLine(res))
	}
	b.WriteString("--\n")
	VerifySummary(&b, r.Verify)
	if err := r.VerifyErr(); err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	}
	return b.Bytes()
}

func annotationLines(as []Annotation) []byte {
	var b strings.Builder
	for _, a := range as {
		data, _ := json.Marshal(a)
		b.Write(data)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// TestGoldenStatus: what status and queue print, for a purge in
// progress, one done, one with a detail, and both queues.
func TestGoldenStatus(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Status(&b, ccu.PurgeStatus{PurgeID: "e535071c-26b2-11e7-94d7-276f2f54d938", PurgeStatus: "In-Progress",
		SubmissionTime: "2026-12-02T01:00:00Z", PingAfterSeconds: 60, SupportID: "17PY1492793544958045-219026624"})
	Status(&b, ccu.PurgeStatus{PurgeID: "p2", PurgeStatus: "Done", SubmissionTime: "2026-12-02T01:00:00Z",
		CompletionTime: "2026-12-02T01:05:00Z", PingAfterSeconds: 60, SupportID: "s2"})
	Status(&b, ccu.PurgeStatus{PurgeID: "p3", PurgeStatus: "Unknown", Detail: "No purge request found with ID p3", SupportID: "s3"})
	Queue(&b, purge.DefaultQueue, 42)
	Queue(&b, purge.EmergencyQueue, 0)
	golden(t, "status", "text", b.Bytes())
}

// TestGoldenExplain: explain's text for each kind of answer.
func TestGoldenExplain(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Explain(&b, explanations())
	golden(t, "explain", "text", b.Bytes())
	var js bytes.Buffer
	if err := JSON(&js, explanations()); err != nil {
		t.Fatal(err)
	}
	golden(t, "explain", "json", js.Bytes())
}

// TestGoldenFilesHaveCases: every golden file belongs to a case that
// writes it, so a case renamed or dropped cannot leave a stale file that
// checks nothing.
func TestGoldenFilesHaveCases(t *testing.T) {
	t.Parallel()
	dirs := map[string]bool{"explain": true, "status": true, "quiet": true, "limits": true, "objects": true}
	for _, c := range cases() {
		dirs[c.name] = true
	}
	files, err := filepath.Glob(filepath.Join("testdata", "*", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if dir := filepath.Base(filepath.Dir(f)); !dirs[dir] {
			t.Errorf("%s belongs to no case: remove it, or add case %q", f, dir)
		}
	}
}
