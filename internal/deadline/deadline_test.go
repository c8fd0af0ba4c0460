package deadline

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// contexts are a run and its budget, each still going or ended; both
// end with the test.
func contexts(t *testing.T, runEnded, budgetEnded bool) (run, budget context.Context) {
	run, cancelRun := context.WithCancel(context.Background())
	budget, cancelBudget := context.WithCancel(run)
	t.Cleanup(cancelRun)
	t.Cleanup(cancelBudget)
	if runEnded {
		cancelRun()
	}
	if budgetEnded {
		cancelBudget()
	}
	return run, budget
}

func TestReasonAndWrap(t *testing.T) {
	t.Parallel()
	base := errors.New("read the queue")
	for _, tc := range []struct {
		name                string
		runEnded, budgetEnd bool
		reason, wrapped     string
	}{
		{"still going", false, false, "", "read the queue"},
		{"budget ran out", false, true, "the time budget (--timeout 2m0s) ran out", "the time budget (--timeout 2m0s) ran out: read the queue"},
		{"interrupted", true, true, "interrupted", "interrupted: read the queue"},
	} {
		run, budget := contexts(t, tc.runEnded, tc.budgetEnd)
		if got := Reason(run, budget, 2*time.Minute); got != tc.reason {
			t.Errorf("%s: Reason = %q, want %q", tc.name, got, tc.reason)
		}
		err := Wrap(run, budget, 2*time.Minute, base)
		if err.Error() != tc.wrapped || !errors.Is(err, base) {
			t.Errorf("%s: Wrap = %v, want %q wrapping the error", tc.name, err, tc.wrapped)
		}
	}
}

func TestSent(t *testing.T) {
	t.Parallel()
	notSent := fmt.Errorf("not sent: %w", context.Canceled)
	apiErr := &ccu.APIError{Status: 429, Title: "Rate Limit exceeded"}
	for _, tc := range []struct {
		name                string
		runEnded, budgetEnd bool
		sent                ccu.Sent
		want                string // the error after; "" = none
	}{
		{"accepted", true, true, ccu.Sent{Attempts: 1}, ""},
		{"the API's answer", false, true, ccu.Sent{Attempts: 2, Err: fmt.Errorf("after %w", apiErr)}, "after " + apiErr.Error()},
		{"a context error while the budget lasts", false, false, ccu.Sent{Attempts: 1, Err: context.Canceled}, "context canceled"},
		{"never sent, budget out", false, true, ccu.Sent{Err: notSent},
			"the time budget (--timeout 1m0s) ran out: not sent: context canceled"},
		{"sent, no answer, interrupted", true, true, ccu.Sent{Attempts: 1, Err: context.Canceled},
			"interrupted: no answer, so whether it was applied is unknown: context canceled"},
	} {
		run, budget := contexts(t, tc.runEnded, tc.budgetEnd)
		got := Sent(run, budget, time.Minute, tc.sent)
		switch {
		case tc.want == "" && got.Err != nil:
			t.Errorf("%s: error %v, want none", tc.name, got.Err)
		case tc.want != "" && (got.Err == nil || got.Err.Error() != tc.want):
			t.Errorf("%s: error %v, want %q", tc.name, got.Err, tc.want)
		}
	}
}

func TestIsContextErr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{context.Canceled, true},
		{fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{errors.New("context canceled"), false},
		{nil, false},
	} {
		if got := IsContextErr(tc.err); got != tc.want {
			t.Errorf("IsContextErr(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestWaitStatus(t *testing.T) {
	t.Parallel()
	statusErr := errors.New("read the status: HTTP 503")
	for _, tc := range []struct {
		name                string
		runEnded, budgetEnd bool
		v2                  bool
		o                   ccu.Outcome
		want                string
	}{
		{"done", false, false, true, ccu.Outcome{Status: ccu.PurgeStatus{PurgeStatus: "Done"}}, "Done"},
		{"nothing to wait for", false, false, false, ccu.Outcome{}, ""},
		{"v2 status failed as the budget ran out", false, true, true, ccu.Outcome{Err: statusErr},
			"not confirmed: the time budget (--timeout 1m0s) ran out: read the status: HTTP 503"},
		{"fast purge interrupted", true, true, false, ccu.Outcome{Err: context.Canceled}, "not confirmed: interrupted"},
	} {
		run, budget := contexts(t, tc.runEnded, tc.budgetEnd)
		if got := WaitStatus(run, budget, time.Minute, tc.v2, tc.o); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
