package cli

import (
	"bytes"
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// report is the run's report (package report formats it) with the cli's
// exit code on failure. It stays a type of its own while the wait sets
// each request's Status through batchReport.
type report struct{ *rpt.Report }

// batchReport is one request of the report.
type batchReport = rpt.Request

func newReport(p *plan.Plan, sent []ccu.Sent, dry bool) *report {
	return &report{rpt.New(p, sent, dry)}
}

// fileReport is what --report holds after a run that ended with err: the
// report of what was sent, or, when the run stopped before sending, every
// planned object in notPurged with the reason.
func (run *purgeRun) fileReport(err error) *report {
	if run.report != nil {
		return run.report
	}
	return &report{rpt.NotSent(run.view(err).Plan, err)}
}

func (r *report) summarize(w io.Writer) { r.Summary(w) }

// err is the run's outcome: exit 1 naming every failed request.
func (r *report) err() error {
	if err := r.Err(); err != nil {
		return &exitError{ExitFailed, err}
	}
	return nil
}

func (r *report) accepted() int { return r.Accepted() }

// view is the run as the report package reads it.
func (run *purgeRun) view(err error) rpt.Run {
	v := rpt.Run{Path: run.path, Err: err}
	if run.plan != nil {
		v.Range, v.Plan = run.plan.Range, run.plan.Plan
	}
	if run.report != nil {
		v.Report = run.report.Report
	}
	return v
}

// outputs are the run's named results, as the step outputs and dotenv
// show them.
func (run *purgeRun) outputs() []rpt.Output { return rpt.Outputs(run.view(nil)) }

func (e *env) writeReport(path string, r *report) error {
	var b bytes.Buffer
	if err := rpt.JSON(&b, r.Report); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := e.writeOut(path, b.Bytes()); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}

// writeJUnit writes r as JUnit XML to path, through writeOut (redacted,
// replaced in one step), like the JSON report.
func (e *env) writeJUnit(path string, r *report) error {
	data, err := rpt.JUnit(r.Report)
	if err == nil {
		err = e.writeOut(path, data)
	}
	if err != nil {
		return fmt.Errorf("write JUnit report %s: %w", path, err)
	}
	return nil
}

// writeDotenv writes GitLab's dotenv report through writeOut.
func (e *env) writeDotenv(path string, outs []rpt.Output) error {
	data, err := rpt.Dotenv(outs)
	if err != nil {
		return err
	}
	if err := e.writeOut(path, data); err != nil {
		return fmt.Errorf("write dotenv report %s: %w", path, err)
	}
	return nil
}
