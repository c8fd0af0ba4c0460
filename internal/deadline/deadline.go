// Package deadline says, in the user's terms, why a run's time ran out.
// A run has two contexts: the run's own, which an interrupt (Ctrl-C,
// SIGTERM) ends, and the time budget (--timeout) under it. Go's own
// "context canceled" or "deadline exceeded" tells the user nothing, so
// errors that end with either are prefixed with which one it was.
package deadline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// Reason says why the time ran out: "interrupted" or "the time budget
// (--timeout 10m0s) ran out"; "" while it has not.
func Reason(run, budget context.Context, timeout time.Duration) string {
	switch {
	case run.Err() != nil:
		return "interrupted"
	case budget.Err() != nil:
		return fmt.Sprintf("the time budget (--timeout %s) ran out", timeout)
	}
	return ""
}

// Wrap prefixes err with Reason, when the time ran out.
func Wrap(run, budget context.Context, timeout time.Duration, err error) error {
	if why := Reason(run, budget, timeout); why != "" {
		return fmt.Errorf("%s: %w", why, err)
	}
	return err
}

// Sent says why a request ended with the run's context (ccu reports a
// bare context error): the time budget ran out or the run was
// interrupted, and whether the request was sent, in which case Akamai may
// have applied it without the answer arriving. An answer of the API's own
// is left as it is.
func Sent(run, budget context.Context, timeout time.Duration, s ccu.Sent) ccu.Sent {
	var answered *ccu.APIError
	if s.Err == nil || !IsContextErr(s.Err) || budget.Err() == nil || errors.As(s.Err, &answered) {
		return s // the API's own answer, with ccu's note on the budget
	}
	if s.Attempts == 0 {
		s.Err = Wrap(run, budget, timeout, s.Err) // ccu's error already says "not sent"
		return s
	}
	s.Err = Wrap(run, budget, timeout, fmt.Errorf("no answer, so whether it was applied is unknown: %w", s.Err))
	return s
}

// WaitEnded says why --wait stopped before every purge was confirmed,
// after every request was accepted: interrupted (the run exits 1, since
// the user stopped it) or the time budget (exit 0). Either way the run
// counts as purged, not confirmed; report is the --report file, "" when
// none was asked for.
func WaitEnded(interrupted bool, timeout time.Duration, report string) string {
	msg := fmt.Sprintf("the time budget (--timeout %s) ran out while waiting for the purges to take effect (--wait)", timeout)
	if interrupted {
		msg = "interrupted while waiting for the purges to take effect (--wait)"
	}
	msg += ": every request was accepted, so the run counts as purged, not confirmed"
	if report != "" {
		msg += "; the report " + report + " has their purgeIds"
	}
	if interrupted {
		msg += "; it exits 1 because it was stopped"
	}
	return msg
}

// IsContextErr reports an error that ends with a context's end.
func IsContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// WaitStatus is a purge's Status after --wait: Done, "" when there was
// nothing to wait for, or "not confirmed:" and why in the user's terms. A
// CCU v2 purge's error is its status call's (wrapped with Reason); a Fast
// Purge one can only have run out of time.
func WaitStatus(run, budget context.Context, timeout time.Duration, v2 bool, o ccu.Outcome) string {
	switch {
	case o.Err == nil:
		return o.Status.PurgeStatus
	case v2:
		return "not confirmed: " + Wrap(run, budget, timeout, o.Err).Error()
	}
	return "not confirmed: " + Reason(run, budget, timeout)
}
