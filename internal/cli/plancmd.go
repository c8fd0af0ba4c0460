package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func (e *env) plan(ctx context.Context, args []string) error {
	o := &options{}
	fs := e.flags("plan", o)
	e.rangeFlags(fs, o)
	fs.StringVar(&o.output, "output", "text", "text or json")
	if err := parse(fs, args, o); err != nil {
		return err
	}
	p, err := e.buildPlan(ctx, o)
	if err != nil {
		return planStopped(ctx, err)
	}
	if o.output == "json" {
		return writeJSON(e.stdout, p)
	}
	printPlan(e.stdout, p)
	return nil
}

// writeJSON writes v indented, HTML characters unescaped, in one write.
// It encodes compactly and indents with appendIndent, which gives
// json.Encoder.SetIndent's bytes at a fraction of its cost on a large plan.
func writeJSON(w io.Writer, v any) error {
	var compact bytes.Buffer
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(appendIndent(make([]byte, 0, 2*compact.Len()), compact.Bytes()))
	return err
}

// printPlan writes the plan for a person: range, changes, what no rule
// covered, the fallback decision and each batch's objects.
func printPlan(w io.Writer, p *planned) {
	from := p.Range.From
	if from == "" {
		from = "(unknown)"
	}
	fmt.Fprintf(w, "Range: %.12s..%.12s from %s\n", from, p.Range.To, p.Range.Source)
	if p.Range.Reason != "" {
		fmt.Fprintf(w, "  %s\n", p.Range.Reason)
	}
	if p.Range.Policy != "" {
		fmt.Fprintf(w, "  on_unknown_base: %s\n", p.Range.Policy)
	}
	fmt.Fprintf(w, "Changes (%d):\n", len(p.Changes))
	for _, c := range p.Changes {
		if c.OldPath != "" {
			fmt.Fprintf(w, "  %s %q -> %q\n", c.Status, c.OldPath, c.Path)
			continue
		}
		fmt.Fprintf(w, "  %s %q\n", c.Status, c.Path)
	}
	if len(p.Unmatched) > 0 {
		fmt.Fprintf(w, "Unmatched, not purged (%d): no rule covers them\n", len(p.Unmatched))
		for _, u := range p.Unmatched {
			fmt.Fprintf(w, "  %q\n", u)
		}
	}
	if len(p.Ignored) > 0 {
		fmt.Fprintf(w, "Ignored (%d)\n", len(p.Ignored))
	}
	printSubmodules(w, p.Submodules)
	if p.Fallback.Used {
		fmt.Fprintf(w, "Fallback: %s\n", p.Fallback.Reason)
	}
	if len(p.Batches) == 0 {
		fmt.Fprintln(w, "Nothing to purge.")
		return
	}
	fmt.Fprintf(w, "Batches (%d, %d objects):\n", len(p.Batches), p.ObjectCount())
	for i, b := range p.Batches {
		fmt.Fprintf(w, "  %d. %s\n", i+1, describe(b))
		for _, o := range b.Objects {
			fmt.Fprintf(w, "     %s\n", o)
		}
	}
}

// printSubmodules lists the submodules the range moved: their files are
// not in the diff, so the plan says which moved, whether the fallback
// purges them and, when it does not, the fix (the plan's own warning
// says the same; the text plan does not print warnings, whose unmatched
// list it already shows).
func printSubmodules(w io.Writer, subs []plan.Submodule) {
	if len(subs) == 0 {
		return
	}
	fmt.Fprintf(w, "Submodules moved (%d): their files changed in another repository, which the diff does not read\n", len(subs))
	for _, m := range subs {
		fmt.Fprintf(w, "  %s %s\n", m, covered(m))
	}
	if uncovered(subs) {
		fmt.Fprintln(w, "Warning: a submodule's files are not purged (submodules: warn): set submodules: cpcode with cpcodes: to purge the CP codes instead, or ignore: a submodule that serves nothing")
	}
}

func covered(m plan.Submodule) string {
	if m.Covered {
		return "(purged by the fallback)"
	}
	return "(its files are NOT purged)"
}

// uncovered reports a moved submodule whose files no fallback purges.
func uncovered(subs []plan.Submodule) bool {
	for _, m := range subs {
		if !m.Covered {
			return true
		}
	}
	return false
}

func describe(b purge.Batch) string {
	s := fmt.Sprintf("%s %s %s on %s, %d object(s)", b.API, b.Action, b.Type, b.Network, len(b.Objects))
	if b.Queue != "" {
		s += ", queue " + string(b.Queue)
	}
	return s
}
