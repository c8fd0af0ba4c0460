package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// report is the --report JSON: every batch with its outcome, and every
// object either in purged or in notPurged, never both, never neither.
type report struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	DryRun    bool          `json:"dryRun"`
	Fallback  plan.Fallback `json:"fallback"`
	Batches   []batchReport `json:"batches"`
	Purged    []string      `json:"purged"`
	NotPurged []string      `json:"notPurged"`
	Unmatched []string      `json:"unmatched"`

	errs []error
}

type batchReport struct {
	plan.Batch
	HTTPStatus       int           `json:"httpStatus,omitempty"`
	PurgeID          string        `json:"purgeId,omitempty"`
	SupportID        string        `json:"supportId,omitempty"`
	EstimatedSeconds int           `json:"estimatedSeconds,omitempty"`
	ProgressURI      string        `json:"progressUri,omitempty"`
	Error            string        `json:"error,omitempty"`
	APIError         *ccu.APIError `json:"apiError,omitempty"`
}

func newReport(p *plan.Plan, dry bool) *report {
	r := &report{From: p.From, To: p.To, DryRun: dry, Fallback: p.Fallback, Purged: []string{}, NotPurged: []string{}, Unmatched: p.Unmatched}
	for _, b := range p.Batches {
		r.Batches = append(r.Batches, batchReport{Batch: b})
	}
	if r.Batches == nil {
		r.Batches = []batchReport{}
	}
	return r
}

func (r *report) ok(i int, res ccu.Result) {
	b := &r.Batches[i]
	b.HTTPStatus, b.PurgeID, b.SupportID, b.EstimatedSeconds, b.ProgressURI = res.HTTPStatus, res.PurgeID, res.SupportID, res.EstimatedSeconds, res.ProgressURI
	if r.DryRun {
		r.NotPurged = append(r.NotPurged, b.Objects...)
		return
	}
	r.Purged = append(r.Purged, b.Objects...)
}

func (r *report) fail(i int, err error) {
	b := &r.Batches[i]
	b.Error = err.Error()
	var ae *ccu.APIError
	if errors.As(err, &ae) {
		b.HTTPStatus, b.SupportID, b.APIError = ae.Status, ae.SupportID, ae
	}
	r.NotPurged = append(r.NotPurged, b.Objects...)
	r.errs = append(r.errs, fmt.Errorf("batch %d (%s, %d objects): %w", i+1, b.Type, len(b.Objects), err))
}

func (r *report) summarize(w io.Writer) {
	switch {
	case r.DryRun:
		fmt.Fprintf(w, "Dry run: %d object(s) in %d batch(es) would be purged; nothing was sent.\n", len(r.NotPurged), len(r.Batches))
	case len(r.errs) == 0:
		fmt.Fprintf(w, "Purged %d object(s) in %d batch(es).\n", len(r.Purged), len(r.Batches))
	default:
		fmt.Fprintf(w, "Purged %d object(s); NOT purged %d object(s) in %d failed batch(es):\n", len(r.Purged), len(r.NotPurged), len(r.errs))
		for _, o := range r.NotPurged {
			fmt.Fprintf(w, "  %s\n", o)
		}
	}
}

// err is the run's outcome: exit 1 naming every failed batch.
func (r *report) err() error {
	if len(r.errs) == 0 {
		return nil
	}
	return &exitError{ExitFailed, fmt.Errorf("%w: %d of %d batch(es) not accepted:\n%w", errNotPurged, len(r.errs), len(r.Batches), errors.Join(r.errs...))}
}
