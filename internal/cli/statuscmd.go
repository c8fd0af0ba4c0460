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
	return e.ask(ctx, o, timeout, func(ctx context.Context, c *ccu.Client) error {
		st, err := c.Status(ctx, rest[0])
		if err != nil {
			return fmt.Errorf("read the status of purge %s: %w", rest[0], err)
		}
		rpt.Status(e.stdout, st)
		return nil
	})
}

// queue prints a CCU v2 queue's length: `ccu-purge queue [default|emergency]`.
func (e *env) queue(ctx context.Context, args []string) error {
	o := &options.Options{}
	rest, timeout, err := e.queryFlags("queue", args, o)
	if err != nil {
		return err
	}
	name, err := purge.ParseQueue(rest)
	if err != nil {
		return usageErr(err)
	}
	return e.ask(ctx, o, timeout, func(ctx context.Context, c *ccu.Client) error {
		n, err := c.QueueLength(ctx, name)
		if err != nil {
			return fmt.Errorf("read the %s queue's length: %w", name, err)
		}
		rpt.Queue(e.stdout, name, n)
		return nil
	})
}

// ask runs one read-only API call with the run's client within the time
// budget (see query).
func (e *env) ask(ctx context.Context, o *options.Options, timeout time.Duration, call func(context.Context, *ccu.Client) error) error {
	c, err := e.client(o)
	if err != nil {
		return err
	}
	defer c.Close()
	return query(ctx, timeout, func(ctx context.Context) error { return call(ctx, c) })
}
