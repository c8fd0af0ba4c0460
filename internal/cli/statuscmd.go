package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/deadline"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// queryFlags parses the flags of status and queue, which may come before
// or after the argument (ccu-purge status ID --edgerc FILE), and returns the
// arguments and the time budget.
func (e *env) queryFlags(name string, args []string, o *options.Options) ([]string, time.Duration, error) {
	fs := e.flags(name, o)
	flags, rest := options.SplitArgs(fs, args)
	if err := e.parse(fs, flags, o); err != nil {
		return nil, 0, err
	}
	if err := options.CheckQuery(o); err != nil {
		return nil, 0, usageErr(err)
	}
	return rest, o.Timeout, nil
}

// query runs one read-only API call within the time budget and names the
// budget when it ran out.
func query(ctx context.Context, timeout time.Duration, call func(context.Context) error) error {
	budget, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := call(budget); err != nil {
		return &exitError{ExitFailed, deadline.Wrap(ctx, budget, timeout, err)}
	}
	return nil
}

// status prints a CCU v2 purge's status: `ccu-purge status ID|progressUri`.
func (e *env) status(ctx context.Context, args []string) error {
	o := &options.Options{}
	rest, timeout, err := e.queryFlags("status", args, o)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("status takes one purge ID or progressUri (CCU v2; Fast Purge has no status call), e.g. ccu-purge status /ccu/v2/purges/57799d8b-…")
	}
	if err := ccu.CheckStatusID(rest[0]); err != nil {
		return usageErr(err)
	}
	c, err := e.client(o)
	if err != nil {
		return err
	}
	defer c.Close()
	var st ccu.PurgeStatus
	if err := query(ctx, timeout, func(ctx context.Context) (err error) {
		if st, err = c.Status(ctx, rest[0]); err != nil {
			return fmt.Errorf("read the status of purge %s: %w", rest[0], err)
		}
		return nil
	}); err != nil {
		return err
	}
	rpt.Status(e.stdout, st)
	return nil
}

// queue prints a CCU v2 queue's length: `ccu-purge queue [default|emergency]`.
func (e *env) queue(ctx context.Context, args []string) error {
	o := &options.Options{}
	rest, timeout, err := e.queryFlags("queue", args, o)
	if err != nil {
		return err
	}
	name := purge.DefaultQueue
	switch len(rest) {
	case 0:
	case 1:
		name = purge.Queue(rest[0])
	default:
		return usagef("queue takes at most one queue name: default or emergency")
	}
	if name.Capacity() == 0 {
		return usagef("unknown queue %q; valid queues are \"default\" and \"emergency\"", name)
	}
	c, err := e.client(o)
	if err != nil {
		return err
	}
	defer c.Close()
	var n int
	if err := query(ctx, timeout, func(ctx context.Context) (err error) {
		if n, err = c.QueueLength(ctx, name); err != nil {
			return fmt.Errorf("read the %s queue's length: %w", name, err)
		}
		return nil
	}); err != nil {
		return err
	}
	rpt.Queue(e.stdout, name, n)
	return nil
}
