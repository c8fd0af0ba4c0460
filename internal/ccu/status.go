package ccu

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// PurgeStatus is CCU v2's answer about one purge request.
type PurgeStatus struct {
	PurgeID          string `json:"purgeId"`
	PurgeStatus      string `json:"purgeStatus"` // In-Progress, Done or Unknown
	SupportID        string `json:"supportId"`
	PingAfterSeconds int    `json:"pingAfterSeconds"`
	SubmissionTime   string `json:"submissionTime"`
	CompletionTime   string `json:"completionTime"`
	Detail           string `json:"detail"`
}

// NoFastPurgeStatus says what to do instead of asking for a Fast Purge
// purge's status.
const NoFastPurgeStatus = "Fast Purge has no status call (status is CCU v2's): its purges take effect in about 5 seconds, and purge --wait waits the estimatedSeconds the API answered before it reports them Done"

// fastPurgePrefixes begin Fast Purge's newer purge IDs, one per purge
// type; its older IDs are UUIDs, like CCU v2's, and cannot be told apart.
var fastPurgePrefixes = []string{"edup-", "edcp-", "edtp-"}

// CheckStatusID refuses what Status cannot ask about: a Fast Purge purge
// ID, or text that is neither a purge ID nor a progressUri.
func CheckStatusID(id string) error {
	if slices.ContainsFunc(fastPurgePrefixes, func(p string) bool { return strings.HasPrefix(id, p) }) {
		return fmt.Errorf("%q is a Fast Purge purge ID: %s", id, NoFastPurgeStatus)
	}
	if !strings.HasPrefix(id, "/ccu/v2/purges/") && (id == "" || strings.ContainsAny(id, "/?#")) {
		return fmt.Errorf("%q is neither a purge ID nor a /ccu/v2/purges/ progressUri", id)
	}
	return nil
}

// Status reads a CCU v2 purge's status from its purge ID or progressUri.
// Fast Purge has no such call: its purges finish in seconds.
func (c *Client) Status(ctx context.Context, idOrURI string) (PurgeStatus, error) {
	if err := CheckStatusID(idOrURI); err != nil {
		return PurgeStatus{}, err
	}
	path := idOrURI
	if !strings.HasPrefix(path, "/ccu/v2/purges/") {
		path = "/ccu/v2/purges/" + path
	}
	var st PurgeStatus
	err := c.get(ctx, path, &st)
	st = st.cleaned()
	st.PingAfterSeconds = clampSeconds(st.PingAfterSeconds)
	return st, err
}

// cleaned is st with every text as clean as an error's: status, ids, times
// and detail are printed by status and --wait, so a hostile server could
// otherwise write terminal escapes or workflow commands into the log.
func (st PurgeStatus) cleaned() PurgeStatus {
	for _, f := range []*string{&st.PurgeID, &st.PurgeStatus, &st.SupportID, &st.SubmissionTime, &st.CompletionTime, &st.Detail} {
		*f = clean(*f, maxField)
	}
	return st
}

// maxAnswerSeconds caps the estimatedSeconds and pingAfterSeconds taken
// from an answer: a day, past any budget (--timeout), which then ends the
// wait first. Uncapped, a huge figure overflowed time.Duration into a
// negative wait, and --wait said Done at once.
const maxAnswerSeconds = int(maxWait / time.Second)

// clampSeconds keeps a figure of seconds from an answer within
// [0, maxAnswerSeconds]: a negative one means nothing to wait for.
func clampSeconds(n int) int { return min(max(n, 0), maxAnswerSeconds) }

// answerSeconds is member key of an answer as whole seconds within
// [0, maxAnswerSeconds], read from any JSON number: "1e10" or
// "99999999999999999999" are numbers too, and read as an int they failed,
// so the figure was 0 and --wait did not wait at all. A fraction is
// rounded up (waiting less than said is the error that matters); a number
// past float64's range is as huge as it looks. Absent, null or not a
// number is 0.
func answerSeconds(m map[string]json.RawMessage, key string) int {
	raw := strings.TrimSpace(string(m[key]))
	if raw == "" || raw == "null" || !json.Valid([]byte(raw)) {
		return 0
	}
	f, err := strconv.ParseFloat(raw, 64)
	switch {
	case err != nil && !math.IsInf(f, 0): // not a number
		return 0
	case f <= 0:
		return 0
	case f >= float64(maxAnswerSeconds):
		return maxAnswerSeconds
	}
	return int(math.Ceil(f))
}

// QueueLength reads how many objects wait in a CCU v2 queue.
func (c *Client) QueueLength(ctx context.Context, queue purge.Queue) (int, error) {
	if queue.Capacity() == 0 {
		return 0, fmt.Errorf("unknown queue %q; valid queues are \"default\" and \"emergency\"", queue)
	}
	var q struct {
		QueueLength int `json:"queueLength"`
	}
	err := c.get(ctx, "/ccu/v2/queues/"+string(queue), &q)
	return q.QueueLength, err
}

func (c *Client) get(ctx context.Context, path string, v any) error {
	resp, data, err := c.do(ctx, http.MethodGet, path, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		e := parseError(resp, data)
		e.ClockSkew, _ = time.ParseDuration(resp.Header.Get(skewHeader))
		return e
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("GET %s: the answer is not the expected JSON: %w", path, err)
	}
	return nil
}

// WaitQueue waits until queue has room for n more objects, polling every
// interval, or fails with the numbers when ctx ends first.
func (c *Client) WaitQueue(ctx context.Context, queue purge.Queue, n int, interval time.Duration, progress func(length int)) error {
	limit := queue.Capacity()
	if n > limit {
		return fmt.Errorf("the %s queue holds at most %d objects and the plan has %d: use the default queue, or purge CP codes", queue, limit, n)
	}
	refusedRun := 0 // polls refused in a row
	last := -1      // the length the last poll read, -1 before one did
	for polls := 1; ; polls++ {
		length, err := c.QueueLength(ctx, queue)
		switch refusedRun = nextRun(refusedRun, err); {
		case refusedRun >= refusedTries:
			return fmt.Errorf("read the %s queue's length: %w", queue, refusedTooOften(polls, err))
		case err != nil && ctx.Err() != nil && last >= 0:
			// The budget ended during a poll: the queue had not drained
			// by the last answer, which is what the user needs to know.
			return fmt.Errorf("the %s queue holds %d of %d objects and the plan adds %d; it did not drain in time (--timeout): %w", queue, last, limit, n, ctx.Err())
		case err != nil && (!retryable(err) || ctx.Err() != nil):
			return fmt.Errorf("read the %s queue's length: %w", queue, err)
		case err == nil && length+n <= limit:
			return nil
		case err == nil && progress != nil:
			progress(length)
		}
		if err == nil {
			last = length
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			if err != nil {
				return fmt.Errorf("read the %s queue's length before the time budget (--timeout) ran out: %w", queue, err)
			}
			return fmt.Errorf("the %s queue holds %d of %d objects and the plan adds %d; it did not drain in time (--timeout): %w", queue, length, limit, n, ctx.Err())
		case <-t.C:
		}
	}
}

// WaitAllDone waits for several v2 purges at once and calls done (from
// its own goroutine) as each one ends. Each purge keeps its own
// pingAfterSeconds schedule, so the whole wait lasts as long as the
// slowest purge, not the sum of them (two batches of the real 420 s would
// otherwise not fit the default 10-minute budget); at most inFlight status
// calls are made at a time.
func (c *Client) WaitAllDone(ctx context.Context, rs []Result, inFlight int, done func(i int, st PurgeStatus, err error)) {
	gate := make(chan struct{}, max(inFlight, 1))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := c.waitDone(ctx, r, gate)
			done(i, st, err)
		}()
	}
	wg.Wait()
}

// waitDone polls one v2 purge until Done, each time no sooner than the
// API's pingAfterSeconds asks; gate bounds the status calls in flight
// (only the calls: waiting between them costs nothing).
func (c *Client) waitDone(ctx context.Context, r Result, gate chan struct{}) (PurgeStatus, error) {
	ended := func() (PurgeStatus, error) {
		return PurgeStatus{}, &stopError{fmt.Sprintf("purge %s not Done yet when waiting ended", r.PurgeID), []error{ctx.Err()}}
	}
	ping := time.Duration(clampSeconds(r.PingAfterSeconds)) * time.Second
	for {
		t := time.NewTimer(max(ping, time.Second/10))
		select {
		case <-ctx.Done():
			t.Stop()
			return ended()
		case <-t.C:
		}
		select {
		case gate <- struct{}{}:
		case <-ctx.Done():
			return ended()
		}
		st, err := c.Status(ctx, cmp.Or(r.ProgressURI, r.PurgeID))
		<-gate
		if err != nil && retryable(err) && ctx.Err() == nil {
			continue // a passing 429, 5xx or dropped connection: ask again
		}
		if err != nil {
			return st, err
		}
		if st.PurgeStatus == "Done" {
			return st, nil
		}
		// At least 2 s between polls of one purge: all purges are polled at
		// once, and an answer without pingAfterSeconds must not turn that
		// into hundreds of requests a second.
		ping = max(time.Duration(st.PingAfterSeconds)*time.Second, 2*time.Second)
	}
}
