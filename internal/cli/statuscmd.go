package cli

import (
	"context"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// status prints a CCU v2 purge's status: `ccu-purge status ID|progressUri`.
func (e *env) status(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("status", o)
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if fs.NArg() != 1 {
		return usagef("status takes one purge ID or progressUri (CCU v2; Fast Purge has no status call), e.g. ccu-purge status /ccu/v2/purges/57799d8b-…")
	}
	c, err := e.client(o)
	if err != nil {
		return err
	}
	st, err := c.Status(ctx, fs.Arg(0))
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	fmt.Fprintf(e.stdout, "purge %s: %s\n", st.PurgeID, st.PurgeStatus)
	if st.SubmissionTime != "" {
		fmt.Fprintf(e.stdout, "  submitted %s\n", st.SubmissionTime)
	}
	if st.CompletionTime != "" {
		fmt.Fprintf(e.stdout, "  completed %s\n", st.CompletionTime)
	}
	if st.PurgeStatus != "Done" && st.PingAfterSeconds > 0 {
		fmt.Fprintf(e.stdout, "  ask again in %ds\n", st.PingAfterSeconds)
	}
	if st.Detail != "" {
		fmt.Fprintf(e.stdout, "  %s\n", st.Detail)
	}
	fmt.Fprintf(e.stdout, "  supportId %s\n", st.SupportID)
	return nil
}

// queue prints a CCU v2 queue's length: `ccu-purge queue [default|emergency]`.
func (e *env) queue(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("queue", o)
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	name := "default"
	switch fs.NArg() {
	case 0:
	case 1:
		name = fs.Arg(0)
	default:
		return usagef("queue takes at most one queue name: default or emergency")
	}
	if name != "default" && name != "emergency" {
		return usagef("unknown queue %q; valid queues are \"default\" and \"emergency\"", name)
	}
	c, err := e.client(o)
	if err != nil {
		return err
	}
	n, err := c.QueueLength(ctx, name)
	if err != nil {
		return &exitError{ExitFailed, err}
	}
	fmt.Fprintf(e.stdout, "CCU v2 %s queue: %d object(s) waiting (capacity %d)\n", name, n, ccu.V2Capacity[name])
	return nil
}
