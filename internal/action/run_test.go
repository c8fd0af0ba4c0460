package action

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPropose(t *testing.T) {
	t.Parallel()
	const dry = "proposed change (pull_request): planning only (dry run), nothing is purged"
	for _, tc := range []struct {
		name     string
		s        Switches
		proposal bool
		want     Switches
		notices  []string
	}{
		{name: "a push keeps its switches", s: Switches{Verify: true}, want: Switches{Verify: true}},
		{name: "a push's dry run", s: Switches{DryRun: true}, want: Switches{DryRun: true}},
		{name: "a proposal runs dry", proposal: true, want: Switches{DryRun: true}, notices: []string{dry}},
		{name: "a proposal verifies nothing", s: Switches{Verify: true}, proposal: true, want: Switches{DryRun: true},
			notices: []string{dry, "proposed change: no verification, as nothing is purged"}},
		{name: "a proposal already dry", s: Switches{DryRun: true}, proposal: true, want: Switches{DryRun: true}, notices: []string{dry}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, notices := Propose(tc.s, tc.proposal, "pull_request")
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("switches (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.notices, notices); d != "" {
				t.Errorf("notices (-want +got):\n%s", d)
			}
		})
	}
}

func TestReportFile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ report, runnerTemp, tmp, want string }{
		{"out/r.json", "/runner/tmp", "/tmp/x", "out/r.json"},
		{"", "/runner/tmp", "/tmp/x", "/runner/tmp/ccu-purge-report.json"},
		{"", "", "/tmp/x", "/tmp/x/ccu-purge-report.json"},
	} {
		if got := ReportFile(tc.report, tc.runnerTemp, tc.tmp); got != tc.want {
			t.Errorf("ReportFile(%q, %q, %q) = %q, want %q", tc.report, tc.runnerTemp, tc.tmp, got, tc.want)
		}
	}
}

func TestVerdict(t *testing.T) {
	t.Parallel()
	failed := errors.New("purge failed")
	for _, tc := range []struct {
		failOn string
		warned bool
		err    error
		want   error
	}{
		{"error", false, nil, nil},
		{"error", true, nil, nil},
		{"error", false, failed, failed},
		{"warning", false, nil, nil},
		{"warning", true, nil, ErrWarned},
		{"warning", true, failed, failed},
		{"warning", false, failed, failed},
		{"never", true, nil, nil},
		{"never", false, failed, nil},
	} {
		if got := Verdict(tc.failOn, tc.warned, tc.err); got != tc.want {
			t.Errorf("Verdict(%q, %v, %v) = %v, want %v", tc.failOn, tc.warned, tc.err, got, tc.want)
		}
	}
}
