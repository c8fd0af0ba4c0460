package ccu

import (
	"context"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// QueuePoll is how often WaitQueues reads the length of a queue too full
// for the plan: CCU v2 drains in minutes, so asking more often only adds
// requests.
const QueuePoll = 5 * time.Second

// WaitQueues makes sure CCU v2's queues have room for the batches' objects
// before anything is sent, so a full queue does not fail the plan half-way:
// each queue the batches use is waited for in purge.Queues order (see
// WaitQueue). progress, when set, hears a queue's length each time it is
// still too full, with the objects the batches add to it.
func (c *Client) WaitQueues(ctx context.Context, batches []purge.Batch, interval time.Duration, progress func(q purge.Queue, length, adding int)) error {
	need := map[purge.Queue]int{}
	for _, b := range batches {
		if b.API == purge.CCUv2 {
			need[b.Queue] += len(b.Objects)
		}
	}
	for _, q := range purge.Queues {
		if need[q] == 0 {
			continue
		}
		var heard func(int)
		if progress != nil {
			heard = func(length int) { progress(q, length, need[q]) }
		}
		if err := c.WaitQueue(ctx, q, need[q], interval, heard); err != nil {
			return err
		}
	}
	return nil
}

// Pending is a purge the API accepted, to wait for: a CCU v2 purge by its
// ProgressURI (or PurgeID) and PingAfterSeconds, a Fast Purge one by its
// EstimatedSeconds.
type Pending struct {
	API purge.API
	Result
}

// Outcome is how the wait for one purge ended: Status.PurgeStatus "Done"
// when it took effect, or Err when it was not confirmed. Err is the status
// call's error, or is (Fast Purge) or wraps (CCU v2, naming the purge)
// ctx's error when waiting ended first: the caller words why, its time
// budget or an interrupt. The zero Outcome means there was nothing to wait
// for: Fast Purge estimated 0 seconds.
type Outcome struct {
	Status PurgeStatus
	Err    error
}

// WaitHooks tell how Wait goes, for progress output; either may be nil.
type WaitHooks struct {
	// Ended is called as each purge's wait ends, CCU v2 purges from the
	// goroutine that waited for it.
	Ended func(i int, o Outcome)
	// FastPurge is called as the wait for the Fast Purge purges begins,
	// once every CCU v2 purge has ended: it lasts seconds.
	FastPurge func(seconds int)
}

// Wait waits until the accepted purges ps have taken effect and returns
// each one's Outcome, in ps's order. CCU v2 purges are polled all at once
// (see WaitAllDone), with at most inFlight status calls at a time; Fast
// Purge, which has no status call, is waited out by the longest
// EstimatedSeconds. A purge not confirmed in time stays purged: the API
// accepted it.
func (c *Client) Wait(ctx context.Context, ps []Pending, inFlight int, hooks WaitHooks) []Outcome {
	out := make([]Outcome, len(ps))
	ended := func(i int, o Outcome) {
		out[i] = o // each purge's own element, read once every wait has ended
		if hooks.Ended != nil {
			hooks.Ended(i, o)
		}
	}
	c.waitV2(ctx, ps, inFlight, ended)
	waitFastPurge(ctx, ps, hooks.FastPurge, ended)
	return out
}

// waitV2 polls the CCU v2 purges among ps until each is Done or ctx ends.
func (c *Client) waitV2(ctx context.Context, ps []Pending, inFlight int, ended func(int, Outcome)) {
	var at []int // ps's index of each polled purge
	var rs []Result
	for i, p := range ps {
		if p.API == purge.CCUv2 {
			at, rs = append(at, i), append(rs, p.Result)
		}
	}
	if len(rs) == 0 {
		return
	}
	c.WaitAllDone(ctx, rs, inFlight, func(j int, st PurgeStatus, err error) {
		ended(at[j], Outcome{Status: st, Err: err})
	})
}

// waitFastPurge waits the longest EstimatedSeconds of the Fast Purge
// purges among ps, unless ctx ends first; with none, or 0 seconds, it
// waits for nothing and leaves their outcomes zero.
func waitFastPurge(ctx context.Context, ps []Pending, begins func(int), ended func(int, Outcome)) {
	longest := 0
	for _, p := range ps {
		if p.API != purge.CCUv2 {
			longest = max(longest, p.EstimatedSeconds)
		}
	}
	if longest == 0 {
		return
	}
	if begins != nil {
		begins(longest)
	}
	t := time.NewTimer(time.Duration(longest) * time.Second)
	defer t.Stop()
	var err error
	select {
	case <-ctx.Done():
		err = ctx.Err()
	case <-t.C:
	}
	for i, p := range ps {
		if p.API == purge.CCUv2 {
			continue
		}
		if err != nil {
			ended(i, Outcome{Err: err})
		} else {
			ended(i, Outcome{Status: PurgeStatus{PurgeID: p.PurgeID, PurgeStatus: "Done"}})
		}
	}
}
