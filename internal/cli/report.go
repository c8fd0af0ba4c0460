package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// report is the --report JSON: every request sent with its outcome, and
// every planned object either in purged or in notPurged, never both, never
// neither. Objects carry their type: a CP code and a cache tag may have
// the same text ("5"), and one can be purged while the other is not.
type report struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	DryRun    bool          `json:"dryRun"`
	Fallback  plan.Fallback `json:"fallback"`
	Batches   []batchReport `json:"batches"`
	Purged    []purgeObject `json:"purged"`
	NotPurged []purgeObject `json:"notPurged"`
	Refused   []purgeObject `json:"refused"` // objects the API itself refused (also in notPurged)
	Unmatched []string      `json:"unmatched"`
	// UnmatchedBytes is the plan's: every name's bytes when one is not
	// valid UTF-8.
	UnmatchedBytes [][]byte `json:"unmatchedBytes,omitempty"`
	// Submodules and Warnings are the plan's: what the purge does not
	// cover although the run may succeed (a moved submodule's files, a
	// setting not applied), so a green report never hides a narrower purge.
	Submodules []plan.Submodule `json:"submodules,omitempty"`
	Warnings   []string         `json:"warnings,omitempty"`
	// Error says why nothing was sent, when the run stopped before (plan,
	// credentials, queue); the batches then carry no outcome.
	Error string `json:"error,omitempty"`

	errs []error
}

// purgeObject is one purged (or not purged) thing and its type: url, arl,
// cpcode or tag, as in the plan's batches. One flat shape keeps jq simple:
// .notPurged[] | select(.type == "url") | .object.
type purgeObject struct {
	Type   purge.Kind `json:"type"`
	Object string     `json:"object"`
}

// String is the object as a person reads it: a URL or ARL by itself,
// other types named ("cpcode 5", "tag 5").
func (o purgeObject) String() string {
	if o.Type.IsURL() {
		return o.Object
	}
	return string(o.Type) + " " + o.Object
}

// objectsOf is a batch's objects with the batch's type.
func objectsOf(b purge.Batch) []purgeObject {
	out := make([]purgeObject, len(b.Objects))
	for i, o := range b.Objects {
		out[i] = purgeObject{b.Type, o}
	}
	return out
}

// batchReport is one request: a plan batch, or a part of one after a 413
// split or a bisection.
type batchReport struct {
	Index int `json:"batch"` // 1-based index of the plan batch
	purge.Batch
	HTTPStatus       int           `json:"httpStatus,omitempty"`
	PurgeID          string        `json:"purgeId,omitempty"`
	SupportID        string        `json:"supportId,omitempty"`
	EstimatedSeconds int           `json:"estimatedSeconds,omitempty"`
	ProgressURI      string        `json:"progressUri,omitempty"`
	PingAfterSeconds int           `json:"pingAfterSeconds,omitempty"`
	Attempts         int           `json:"attempts,omitempty"`
	Status           string        `json:"status,omitempty"` // after --wait: Done, or why not confirmed
	Error            string        `json:"error,omitempty"`
	APIError         *ccu.APIError `json:"apiError,omitempty"`
}

func newReport(p *plan.Plan, sent []ccu.Sent, dry bool) *report {
	r := &report{From: p.From, To: p.To, DryRun: dry, Fallback: p.Fallback, Batches: []batchReport{},
		Purged: []purgeObject{}, NotPurged: []purgeObject{}, Refused: []purgeObject{}, Unmatched: p.Unmatched, UnmatchedBytes: p.UnmatchedBytes,
		Submodules: p.Submodules, Warnings: p.Warnings}
	for _, s := range sent {
		r.add(s)
	}
	return r
}

// fileReport is what --report holds after a run that ended with err: the
// report of what was sent, or, when the run stopped before sending, every
// planned object in notPurged with the reason.
func (run *purgeRun) fileReport(err error) *report {
	if run.report != nil {
		return run.report
	}
	r := &report{Batches: []batchReport{}, Purged: []purgeObject{}, NotPurged: []purgeObject{}, Refused: []purgeObject{}, Unmatched: []string{}}
	if err != nil {
		r.Error = oneLine(err.Error())
	}
	if run.plan == nil {
		return r
	}
	p := run.plan
	r.From, r.To, r.Fallback, r.Unmatched, r.UnmatchedBytes = p.From, p.To, p.Fallback, p.Unmatched, p.UnmatchedBytes
	r.Submodules, r.Warnings = p.Submodules, p.Warnings
	for i, b := range p.Batches {
		r.Batches = append(r.Batches, batchReport{Index: i + 1, Batch: b, Error: "not sent"})
		r.NotPurged = append(r.NotPurged, objectsOf(b)...)
	}
	return r
}

func (r *report) add(s ccu.Sent) {
	b := batchReport{Index: s.Batch + 1, Batch: s.Request, Attempts: s.Attempts}
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

func (r *report) summarize(w io.Writer) {
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

// err is the run's outcome: exit 1 naming every failed request.
func (r *report) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	// Count objects: after 413 splits and 400/403 bisection, requests
	// and plan batches no longer match one to one.
	return &exitError{ExitFailed, fmt.Errorf("%w: %d of %d object(s) not purged, in %d failed request(s):\n%w", errNotPurged, len(r.NotPurged), len(r.Purged)+len(r.NotPurged), len(r.errs), errors.Join(r.errs...))}
}

// accepted counts the requests the API accepted.
func (r *report) accepted() int {
	n := 0
	for _, b := range r.Batches {
		if b.Error == "" && b.PurgeID != "" {
			n++
		}
	}
	return n
}
