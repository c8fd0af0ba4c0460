package ccu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// DefaultConcurrency is how many requests Submit keeps in flight. It is 8,
// not the 4 first specified, because 4 cannot meet the 10,000-URL goal
// (0.5 s at 100 ms per request): 20 requests of 500 objects take
// ceil(20/4) = 5 rounds, and 0.5 s is that floor before TLS and signing.
// Eight in flight is far under Fast Purge's request bucket (100 burst,
// 50/s), and the client-side pacer holds any rate to the buckets anyway.
const DefaultConcurrency = 8

// SubmitOptions tune Submit.
type SubmitOptions struct {
	Concurrency int            // requests in flight, default DefaultConcurrency
	Buckets     *purge.Buckets // Fast Purge pacing; nil = AkamaiBuckets
	Limits      []RateLimit    // the account's figures now (RateLimitStatus): they seed the pacing
	// MinBackoff and MaxBackoff bound the wait between retries (1s and 30s
	// by default; tests shorten them).
	MinBackoff, MaxBackoff time.Duration
	// Grace is how long requests in flight may finish after ctx ends
	// (interrupt or timeout), default 5s; no new request starts.
	Grace time.Duration
	// OnSent, when set, is called once per finished request, in plan
	// order (a batch's requests once every earlier batch has finished),
	// one call at a time.
	OnSent func(Sent)
	// OnRetry, when set, is called before each wait for another attempt,
	// from the request's own goroutine (calls may run at once), so a run
	// that retries for minutes says so instead of going quiet.
	OnRetry func(RetryEvent)
	// OnPace, when set, is called before each wait for Akamai's rate
	// buckets (Fast Purge), from the request's own goroutine (calls may
	// run at once), so a status line can say what the run waits for.
	OnPace func(PaceEvent)
	// OnAsk, when set, is called as each attempt's request goes out
	// (batch is its plan batch), from its goroutine; the function it
	// returns is called once the answer, or the error, is in.
	OnAsk func(batch int) (answered func())
}

// PaceEvent is a request held back until Akamai's buckets refill.
type PaceEvent struct {
	Batch   int         // index of the plan batch the request came from
	Request purge.Batch // what will be sent: the batch, or a part of it
	// Bucket is the one short: "requests" (every request takes a token)
	// or the objects' kind, "url" (ARLs too), "cpcode" or "tag".
	Bucket string
	Wait   time.Duration // until the bucket holds enough
}

// RetryEvent is one failed attempt that Submit will try again.
type RetryEvent struct {
	Batch   int         // index of the plan batch the request came from
	Request purge.Batch // what was sent: the batch, or a part of it
	// SplitAfter is why the batch was split ("HTTP 413", "HTTP 403"),
	// "" for a whole batch; the part's number is known only at its end.
	SplitAfter string
	Attempt    int           // the attempt that failed, from 1
	Reason     string        // in words: "connection refused", "HTTP 503", "HTTP 429 rate limit"
	Delay      time.Duration // before the next attempt
	// Left is the time budget left when the next attempt starts; 0 when
	// the run has no deadline.
	Left time.Duration
}

func (o *SubmitOptions) defaults() {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = time.Second
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(30*time.Second, o.MinBackoff)
	}
	if o.Grace <= 0 {
		o.Grace = 5 * time.Second
	}
	if o.Buckets == nil {
		o.Buckets = &purge.AkamaiBuckets
	}
}

// Sent is one request as it ended: the objects it carried (a batch, or the
// part of one after a 413 split or a 400/403 bisection) and the outcome.
type Sent struct {
	Batch    int         // index of the plan batch it came from
	Request  purge.Batch // what was sent
	Result   Result      // the API's answer when Err is nil
	Err      error
	Attempts int
	// Refused is set when the API refused exactly these objects (a
	// bisected 400 or 403 on a single object).
	Refused bool
	// Part and Parts number the requests a plan batch was split into
	// (part 1 of 3), both 0 for a batch sent whole; SplitAfter is the
	// answer that split this part's parent ("HTTP 413", "HTTP 403").
	Part, Parts int
	SplitAfter  string
}

// Submit sends every batch, Concurrency at a time, retrying what may
// succeed later, and returns every request's outcome in plan order. Every
// object of every batch ends in exactly one Sent: accepted, or with an error.
func (c *Client) Submit(ctx context.Context, batches []purge.Batch, o SubmitOptions) []Sent {
	o.defaults()
	s := &submission{c: c, o: o, pace: newPacer(*o.Buckets, c.now, o.Limits...)}
	s.reqCtx, s.stop = graceContext(ctx, o.Grace)
	defer s.stop()
	results := make([][]Sent, len(batches))
	// OnSent sees requests in plan order, as the results are: a finished
	// batch waits for every earlier one, so logs read like the plan.
	var mu sync.Mutex
	finished := make([]bool, len(batches))
	reported := 0
	finish := func(i int, r []Sent) {
		mu.Lock()
		defer mu.Unlock()
		results[i], finished[i] = r, true
		for ; reported < len(batches) && finished[reported]; reported++ {
			for _, x := range results[reported] {
				if o.OnSent != nil {
					o.OnSent(x)
				}
			}
		}
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for range o.Concurrency {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				finish(i, numbered(s.batch(ctx, i, batches[i], "")))
			}
		}()
	}
	for i := range batches {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []Sent
	for _, r := range results {
		out = append(out, r...)
	}
	return out
}

// graceContext is for requests already in flight: it outlives ctx by grace,
// so an interrupt lets an answer arrive instead of losing a 201.
func graceContext(ctx context.Context, grace time.Duration) (context.Context, func()) {
	rc, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancel)
		<-rc.Done()
		t.Stop()
	})
	return rc, func() { stop(); cancel() }
}

// numbered gives the parts of one split batch their numbers, once every
// part has ended and their count is known.
func numbered(parts []Sent) []Sent {
	if len(parts) < 2 {
		return parts
	}
	for k := range parts {
		parts[k].Part, parts[k].Parts = k+1, len(parts)
	}
	return parts
}

// maxRefused is how many objects a submission lets the API refuse one by
// one, while it accepts fewer, before it stops bisecting. Bisection costs about two requests per
// refused object, which is cheap for a few bad URLs and a storm (2n-1
// requests per batch, all drawn from the account's shared buckets) when
// the API refuses everything, e.g. an API client without CCU access to
// these hostnames.
const maxRefused = 20

type submission struct {
	c        *Client
	o        SubmitOptions
	pace     *pacer
	reqCtx   context.Context
	stop     func()
	refused  atomic.Int64 // objects refused one by one so far
	accepted atomic.Int64 // objects accepted so far
}

// batch sends one batch, splitting it on 413 and bisecting it on a 400 or
// 403 that judged its objects, so one bad object does not fail the rest;
// split is why its parent was split, "" for a whole batch.
func (s *submission) batch(ctx context.Context, i int, b purge.Batch, split string) []Sent {
	res, attempts, err := s.attempts(ctx, i, b, split)
	one := Sent{Batch: i, Request: b, Result: res, Err: err, Attempts: attempts, SplitAfter: split}
	if err == nil || ctx.Err() != nil {
		return []Sent{one}
	}
	one.Result = Result{}
	if len(b.Objects) == 1 {
		if one.Refused = refusal(err); one.Refused {
			s.refused.Add(1)
		}
		return []Sent{one}
	}
	var ae *APIError
	if !errors.As(err, &ae) || !(ae.Status == http.StatusRequestEntityTooLarge || refusal(err)) {
		return []Sent{one}
	}
	// Stop only when refusals dominate: a few bad objects among many good
	// ones are always bisected out, however many there are.
	if refused := s.refused.Load(); refusal(err) && refused >= maxRefused && refused > s.accepted.Load() {
		one.Err = fmt.Errorf("%w; not bisected further, because the API refused %d objects one by one and accepted only %d, so it seems to refuse everything: check that the API client has CCU access to these hostnames or CP codes", err, refused, s.accepted.Load())
		return []Sent{one}
	}
	mid := len(b.Objects) / 2
	left, right := b, b
	left.Objects, right.Objects = b.Objects[:mid:mid], b.Objects[mid:]
	why := fmt.Sprintf("HTTP %d", ae.Status)
	return append(s.batch(ctx, i, left, why), s.batch(ctx, i, right, why)...)
}

// refusal is a 400 or 403 in CCU's own form: a judgement on the objects,
// unlike the gateway's authentication errors.
func refusal(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && !ae.Gateway && (ae.Status == http.StatusBadRequest || ae.Status == http.StatusForbidden)
}

// paced is the pacer's waiting callback for batch i's request b: OnPace,
// or nil.
func (s *submission) paced(i int, b purge.Batch) func(string, time.Duration) {
	if s.o.OnPace == nil {
		return nil
	}
	return func(bucket string, d time.Duration) {
		s.o.OnPace(PaceEvent{Batch: i, Request: b, Bucket: bucket, Wait: d})
	}
}

// asked tells OnAsk that batch i's request goes out.
func (s *submission) asked(i int) (answered func()) {
	if s.o.OnAsk == nil {
		return func() {}
	}
	return s.o.OnAsk(i)
}

// attempts sends b until it is accepted, fails for good, or the time
// budget (ctx) ends. Each attempt is signed afresh: new timestamp, new nonce.
func (s *submission) attempts(ctx context.Context, i int, b purge.Batch, split string) (Result, int, error) {
	var last error
	refusedRun := 0 // attempts refused in a row
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return Result{}, n - 1, notSent(last, err)
		}
		if b.API == purge.FastPurge {
			if err := s.pace.wait(ctx, b.Type, len(b.Objects), s.paced(i, b)); err != nil {
				return Result{}, n - 1, notSent(last, err)
			}
		}
		answered := s.asked(i)
		res, h, err := s.c.once(s.reqCtx, b)
		answered()
		if b.API == purge.FastPurge {
			s.pace.answered(b.Type, len(b.Objects), h, err)
		}
		if err == nil || !retryable(err) {
			if err == nil {
				s.accepted.Add(int64(len(b.Objects)))
			}
			return res, n, err
		}
		if refusedRun = nextRun(refusedRun, err); refusedRun >= refusedTries {
			return Result{}, n, refusedTooOften(n, err)
		}
		last = err
		d := s.backoff(n)
		if s.fits(ctx, d) && s.o.OnRetry != nil {
			s.o.OnRetry(RetryEvent{Batch: i, Request: b, SplitAfter: split, Attempt: n, Reason: Reason(err), Delay: d, Left: left(ctx, d)})
		}
		if !s.sleep(ctx, d) {
			why := "the time budget (--timeout) ran out"
			if errors.Is(ctx.Err(), context.Canceled) {
				why = "interrupted" // the run's context, not the budget's deadline
			}
			return Result{}, n, fmt.Errorf("gave up after %d attempt(s), %s: %w", n, why, err)
		}
	}
}

func notSent(last, cause error) error {
	why := "interrupted"
	if errors.Is(cause, context.DeadlineExceeded) {
		why = "the time budget (--timeout) ran out"
	}
	if last != nil {
		return &stopError{fmt.Sprintf("gave up, %s, after: %v", why, last), []error{cause, last}}
	}
	return &stopError{"not sent", []error{cause}}
}

// stopError says in words why a request ended with its context, and still
// wraps the context's error for errors.Is: the user reads "not sent" or
// "interrupted", never Go's "context canceled".
type stopError struct {
	msg  string
	errs []error
}

func (e *stopError) Error() string   { return e.msg }
func (e *stopError) Unwrap() []error { return e.errs }

// backoff is exponential with "equal jitter" (half the delay fixed, half
// random), so clients retrying together spread out while each still backs
// off.
func (s *submission) backoff(n int) time.Duration {
	d := s.o.MinBackoff << min(n-1, 16)
	if d > s.o.MaxBackoff || d <= 0 {
		d = s.o.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// fits reports whether a wait of d ends before ctx's deadline.
func (s *submission) fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) >= d
}

// left is the time ctx has left once d has passed; 0 without a deadline.
func left(ctx context.Context, d time.Duration) time.Duration {
	if dl, ok := ctx.Deadline(); ok {
		return max(time.Until(dl)-d, 0)
	}
	return 0
}

// sleep waits d unless ctx ends first or d would pass its deadline.
func (s *submission) sleep(ctx context.Context, d time.Duration) bool {
	if !s.fits(ctx, d) {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// retryable: rate limits, server errors, a full queue, and transport
// failures may pass; refusals (400, 401, 403, 415) will not.
func retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusTooManyRequests || ae.Status >= 500
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	return errors.Is(err, errTransport)
}

// Reason says in a few words why an attempt failed, for a retry's line:
// "HTTP 503", "HTTP 429 rate limit", "connection refused", "timed out".
func Reason(err error) string {
	var ae *APIError
	var ne net.Error
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests:
		return "HTTP 429 rate limit"
	case errors.As(err, &ae):
		return fmt.Sprintf("HTTP %d", ae.Status)
	case errors.Is(err, errRefused):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &ne) && ne.Timeout():
		return "timed out"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed before the answer"
	}
	return "connection failed"
}
