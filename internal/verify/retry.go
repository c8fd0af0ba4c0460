package verify

import (
	"context"
	"fmt"
	"time"
)

// check asks the edge about one target until it is fresh or the budget
// ends, waiting Backoff (doubled each time, at most maxBackoff) between
// asks. A stale URL and one unknown by an error are asked again; the
// last verdict stands. ctx is the caller's (an interrupt), budget the
// Timeout within it.
func (v *verifier) check(ctx, budget context.Context, t Target) Result {
	var last attempt
	gets, seconds, wait := 0, 0.0, v.s.Backoff
	for n := 0; ; n++ {
		at := v.try(budget, t)
		gets += at.gets
		if n > 0 && at.err != nil && budget.Err() != nil {
			break // an ask the budget cut short: the one before stands
		}
		last, seconds = at, v.elapsed()
		if at.err != nil && budget.Err() != nil {
			last.unknown(v.cutShort(ctx), "give verify a longer --verify-timeout")
		}
		if at.verdict == Fresh || (at.verdict == Unknown && !at.retry) || !sleep(budget, wait) {
			break
		}
		wait = min(wait*2, maxBackoff)
	}
	return v.result(t, last, gets, seconds)
}

// cutShort says why an ask got no answer when the context ended.
func (v *verifier) cutShort(ctx context.Context) string {
	if ctx.Err() != nil {
		return "interrupted before the edge answered"
	}
	return fmt.Sprintf("the budget (%s) ran out before the edge answered", v.s.Timeout)
}

func (v *verifier) result(t Target, at attempt, gets int, seconds float64) Result {
	r := Result{
		URL: t.URL, Result: at.verdict, Checks: at.checks, Attempts: gets, Seconds: seconds,
		Evidence: at.ev, Diagnosis: at.diag, Hint: at.hint, Source: t.Source, Batch: t.Batch,
	}
	if r.Result == Stale && r.Diagnosis == "" {
		r.Diagnosis = "the edge still serves what it held before the purge, as if the purge never reached it"
		r.Hint = fmt.Sprintf("the purge may have been lost: purge it again with `ccu-purge purge --url %s` (Fast Purge has no status call to ask)", t.URL)
	}
	if r.Result == Fresh {
		r.Diagnosis, r.Hint = "", ""
	}
	return r
}

// sleep waits d, or less if ctx ends first; false when it ended.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
