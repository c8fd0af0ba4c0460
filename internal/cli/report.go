package cli

import (
	"bytes"
	"fmt"

	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// fileReport is what --report holds after a run that ended with err: the
// report of what was sent, or, when the run stopped before sending, every
// planned object in notPurged with the reason.
func (run *purgeRun) fileReport(err error) *rpt.Report {
	if run.report != nil {
		return run.report
	}
	return rpt.NotSent(run.view(err).Plan, err)
}

// reportErr is the run's outcome: exit 1 naming every failed request.
func reportErr(r *rpt.Report) error {
	if err := r.Err(); err != nil {
		return &exitError{ExitFailed, err}
	}
	return nil
}

// view is the run as the report package reads it.
func (run *purgeRun) view(err error) rpt.Run {
	v := rpt.Run{Path: run.path, Err: err, Report: run.report}
	if run.plan != nil {
		v.Range, v.Plan = run.plan.Range, run.plan.Plan
	}
	return v
}

// outputs are the run's named results, as the step outputs and dotenv
// show them.
func (run *purgeRun) outputs() []rpt.Output { return rpt.Outputs(run.view(nil)) }

// writeReport writes r as the --report JSON, through writeOut (redacted,
// replaced in one step).
func (e *env) writeReport(path string, r *rpt.Report) error {
	var b bytes.Buffer
	err := rpt.JSON(&b, r)
	return e.writeFormat("report", path, b.Bytes(), err)
}

// writeJUnit writes r as JUnit XML, like the JSON report.
func (e *env) writeJUnit(path string, r *rpt.Report) error {
	data, err := rpt.JUnit(r)
	return e.writeFormat("JUnit report", path, data, err)
}

// writeDotenv writes GitLab's dotenv report. A value that cannot be
// written as one (a line break) is an error of its own.
func (e *env) writeDotenv(path string, outs []rpt.Output) error {
	data, err := rpt.Dotenv(outs)
	if err != nil {
		return err
	}
	return e.writeFormat("dotenv report", path, data, nil)
}

// writeFormat writes what a format gave through writeOut, naming the
// file when either failed.
func (e *env) writeFormat(what, path string, data []byte, err error) error {
	if err == nil {
		err = e.writeOut(path, data)
	}
	if err != nil {
		return fmt.Errorf("write %s %s: %w", what, path, err)
	}
	return nil
}
