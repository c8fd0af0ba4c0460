package action

import (
	"cmp"
	"errors"
	"path/filepath"
)

// Switches are the run's settings a proposed change turns off.
type Switches struct {
	DryRun bool
	Verify bool
}

// Propose is how a run of a proposed change (a pull request or a merge
// queue entry, the event named event) goes: it shows what its merge will
// purge, as its head is not what the edge serves yet, so it is a dry run;
// and it verifies nothing, as nothing is purged (refusing a workflow's
// verify: true, as --verify --dry-run is, would fail every proposal:
// that setting is for its pushes). notices say so, one a line. Any
// other run keeps s, without notices.
func Propose(s Switches, proposal bool, event string) (Switches, []string) {
	if !proposal {
		return s, nil
	}
	notices := []string{"proposed change (" + event + "): planning only (dry run), nothing is purged"}
	if s.Verify {
		notices = append(notices, "proposed change: no verification, as nothing is purged")
	}
	return Switches{DryRun: true}, notices
}

// ReportFile is the --report file of a run: the report input, else
// ccu-purge-report.json under runnerTemp (RUNNER_TEMP, which the runner
// empties after the job), else under tmp (a run outside a runner), so the
// step outputs can always name a report.
func ReportFile(report, runnerTemp, tmp string) string {
	return cmp.Or(report, filepath.Join(cmp.Or(runnerTemp, tmp), "ccu-purge-report.json"))
}

// ErrWarned is fail-on: warning's verdict on a run that warned.
var ErrWarned = errors.New("warnings with fail-on: warning (unmatched files, a fallback or a submodule not purged, see above)")

// Verdict applies fail-on (see FailOn) to a run that ended with err and
// whose plan warned or not: error keeps err; warning also fails, with
// ErrWarned, a run that warned without an error; never fails no step.
func Verdict(failOn string, warned bool, err error) error {
	switch {
	case failOn == "never":
		return nil
	case failOn == "warning" && err == nil && warned:
		return ErrWarned
	}
	return err
}
