// Package report owns every output a run writes, computed from plain data
// (the range, the plan, the requests sent and how they ended): the --report
// JSON, the text plan and the lines printed while purging, the job summary,
// the step outputs and GitLab's dotenv, the JUnit file and the Action's
// annotations. It formats to an io.Writer or returns bytes; writing files
// (with secrets redacted) and choosing exit codes stay with the caller.
package report

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// ErrNotPurged is wrapped by Report.Err when a request failed: the caller
// maps it to its failure exit code.
var ErrNotPurged = errors.New("purge failed")

// Report is the --report JSON: every request sent with its outcome, and
// every planned object either in purged or in notPurged, never both, never
// neither. Objects carry their type: a CP code and a cache tag may have
// the same text ("5"), and one can be purged while the other is not.
type Report struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	DryRun    bool          `json:"dryRun"`
	Fallback  plan.Fallback `json:"fallback"`
	Batches   []Request     `json:"batches"`
	Purged    []Object      `json:"purged"`
	NotPurged []Object      `json:"notPurged"`
	Refused   []Object      `json:"refused"` // objects the API itself refused (also in notPurged)
	Unmatched []string      `json:"unmatched"`
	// UnmatchedBytes is the plan's: every name's bytes when one is not
	// valid UTF-8.
	UnmatchedBytes [][]byte `json:"unmatchedBytes,omitempty"`
	// Submodules and Warnings are the plan's: what the purge does not
	// cover although the run may succeed (a moved submodule's files, a
	// setting not applied), so a green report never hides a narrower purge.
	Submodules []plan.Submodule `json:"submodules,omitempty"`
	Warnings   []string         `json:"warnings,omitempty"`
	// Notes are the plan's: what it decided that changes no outcome (the
	// URLs a purged CP code covers, left out).
	Notes []string `json:"notes,omitempty"`
	// Error says why nothing was sent, when the run stopped before (plan,
	// credentials, queue); the batches then carry no outcome.
	Error string `json:"error,omitempty"`
	// AcceptedAt is when the API accepted the last request (RFC 3339,
	// UTC), set by the caller: verify --report reads it back, so an edge
	// copy whose Age reaches back before it is known to be stale.
	AcceptedAt string `json:"acceptedAt,omitempty"`
	// Verify is what verify found after the purge (purge --verify, or
	// verify --report writing the report back); nil when none ran.
	Verify *verify.Verification `json:"verify,omitempty"`

	errs []error
}

// Object is one purged (or not purged) thing and its type: url, arl,
// cpcode or tag, as in the plan's batches. One flat shape keeps jq simple:
// .notPurged[] | select(.type == "url") | .object.
type Object struct {
	Type   purge.Kind `json:"type"`
	Object string     `json:"object"`
}

// String is the object as a person reads it: a URL or ARL by itself,
// other types named ("cpcode 5", "tag 5").
func (o Object) String() string {
	if o.Type.IsURL() {
		return o.Object
	}
	return string(o.Type) + " " + o.Object
}

// objectsOf is a batch's objects with the batch's type.
func objectsOf(b purge.Batch) []Object {
	out := make([]Object, len(b.Objects))
	for i, o := range b.Objects {
		out[i] = Object{b.Type, o}
	}
	return out
}

// Request is one request: a plan batch, or a part of one after a 413
// split or a bisection.
type Request struct {
	Index int `json:"batch"` // 1-based index of the plan batch
	purge.Batch
	HTTPStatus       int    `json:"httpStatus,omitempty"`
	PurgeID          string `json:"purgeId,omitempty"`
	SupportID        string `json:"supportId,omitempty"`
	EstimatedSeconds int    `json:"estimatedSeconds,omitempty"`
	ProgressURI      string `json:"progressUri,omitempty"`
	PingAfterSeconds int    `json:"pingAfterSeconds,omitempty"`
	Attempts         int    `json:"attempts,omitempty"`
	// Part of Parts numbers the requests a split batch became, and
	// SplitAfter is the answer that split it (see ccu.Sent).
	Part       int    `json:"part,omitempty"`
	Parts      int    `json:"parts,omitempty"`
	SplitAfter string `json:"splitAfter,omitempty"`
	// Status is set by whoever waits for the purge (--wait): Done, or why
	// it was not confirmed.
	Status   string        `json:"status,omitempty"`
	Error    string        `json:"error,omitempty"`
	APIError *ccu.APIError `json:"apiError,omitempty"`
}

// New is the report of plan p's requests, sent (or, dry, only shown).
func New(p *plan.Plan, sent []ccu.Sent, dry bool) *Report {
	r := &Report{From: p.From, To: p.To, DryRun: dry, Fallback: p.Fallback, Batches: []Request{},
		Purged: []Object{}, NotPurged: []Object{}, Refused: []Object{}, Unmatched: p.Unmatched, UnmatchedBytes: p.UnmatchedBytes,
		Submodules: p.Submodules, Warnings: p.Warnings, Notes: p.Notes}
	for _, s := range sent {
		r.add(s)
	}
	return r
}

// NotSent is the report of a run that stopped with err before sending: every
// object of p (nil when planning failed) in notPurged, with the reason.
func NotSent(p *plan.Plan, err error) *Report {
	r := &Report{Batches: []Request{}, Purged: []Object{}, NotPurged: []Object{}, Refused: []Object{}, Unmatched: []string{}}
	if err != nil {
		r.Error = oneLine(err.Error())
	}
	if p == nil {
		return r
	}
	r.From, r.To, r.Fallback, r.Unmatched, r.UnmatchedBytes = p.From, p.To, p.Fallback, p.Unmatched, p.UnmatchedBytes
	r.Submodules, r.Warnings, r.Notes = p.Submodules, p.Warnings, p.Notes
	for i, b := range p.Batches {
		r.Batches = append(r.Batches, Request{Index: i + 1, Batch: b, Error: "not sent"})
		r.NotPurged = append(r.NotPurged, objectsOf(b)...)
	}
	return r
}

func (r *Report) add(s ccu.Sent) {
	b := Request{Index: s.Batch + 1, Batch: s.Request, Attempts: s.Attempts, Part: s.Part, Parts: s.Parts, SplitAfter: s.SplitAfter}
	res := s.Result
	b.HTTPStatus, b.PurgeID, b.SupportID, b.EstimatedSeconds = res.HTTPStatus, res.PurgeID, res.SupportID, res.EstimatedSeconds
	b.ProgressURI, b.PingAfterSeconds = res.ProgressURI, res.PingAfterSeconds
	switch {
	case s.Err != nil:
		b.Error = s.Err.Error()
		var ae *ccu.APIError
		if errors.As(s.Err, &ae) {
			b.HTTPStatus, b.SupportID, b.APIError = ae.Status, ae.SupportID, ae
		}
		r.NotPurged = append(r.NotPurged, objectsOf(b.Batch)...)
		if s.Refused {
			r.Refused = append(r.Refused, objectsOf(b.Batch)...)
			// Name what was refused: the API's detail does not always.
			r.errs = append(r.errs, fmt.Errorf("batch %d: %s refused: %w", b.Index, objectsOf(b.Batch)[0], s.Err))
		} else {
			r.errs = append(r.errs, fmt.Errorf("batch %d (%s, %d object(s)): %w", b.Index, b.Type, len(b.Objects), s.Err))
		}
	case r.DryRun:
		r.NotPurged = append(r.NotPurged, objectsOf(b.Batch)...)
	default:
		r.Purged = append(r.Purged, objectsOf(b.Batch)...)
	}
	r.Batches = append(r.Batches, b)
}

// Summary writes the lines that close a purge: what was purged, or what
// was not.
func (r *Report) Summary(w io.Writer) {
	switch {
	case r.DryRun:
		fmt.Fprintf(w, "Dry run: %d object(s) in %d batch(es) would be purged; nothing was sent.\n", len(r.NotPurged), len(r.Batches))
	case len(r.errs) == 0:
		fmt.Fprintf(w, "Purged %d object(s) in %d request(s).\n", len(r.Purged), len(r.Batches))
	default:
		fmt.Fprintf(w, "Purged %d object(s); NOT purged %d object(s) in %d failed request(s):\n", len(r.Purged), len(r.NotPurged), len(r.errs))
		for _, o := range r.NotPurged {
			fmt.Fprintf(w, "  %s\n", o) // "cpcode 5", a URL as is
		}
	}
}

// Err is the run's outcome: nil, or ErrNotPurged naming every failed
// request.
func (r *Report) Err() error {
	if len(r.errs) == 0 {
		return nil
	}
	// Count objects: after 413 splits and 400/403 bisection, requests
	// and plan batches no longer match one to one.
	return fmt.Errorf("%w: %d of %d object(s) not purged, in %d failed request(s):\n%w", ErrNotPurged, len(r.NotPurged), len(r.Purged)+len(r.NotPurged), len(r.errs), errors.Join(r.errs...))
}

// Accepted counts the requests the API accepted.
func (r *Report) Accepted() int {
	accepted, _ := r.Pending()
	return len(accepted)
}

// Pending are the requests the API accepted, and the purges to wait for
// (see ccu.Client.Wait), in the same order: whoever waits sets each
// request's Status from the outcome of its purge.
func (r *Report) Pending() ([]*Request, []ccu.Pending) {
	var accepted []*Request
	var ps []ccu.Pending
	for i := range r.Batches {
		b := &r.Batches[i]
		if b.Error != "" || b.PurgeID == "" {
			continue
		}
		accepted = append(accepted, b)
		ps = append(ps, ccu.Pending{API: b.API, Result: ccu.Result{PurgeID: b.PurgeID, ProgressURI: b.ProgressURI,
			PingAfterSeconds: b.PingAfterSeconds, EstimatedSeconds: b.EstimatedSeconds}})
	}
	return accepted, ps
}

// oneLine keeps a multi-line error on one line, where a log, a table cell
// or an attribute shows only one.
func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " | ") }
