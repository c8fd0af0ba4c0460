package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// ErrStale is wrapped by Report.VerifyErr when on_stale is fail and the
// edge still served a purged URL stale: the caller maps it to its failure
// exit code, although every purge was accepted.
var ErrStale = errors.New("stale after purge")

// OnStaleFail is the on_stale policy that fails the run.
const OnStaleFail = "fail"

// Targets are the URLs to verify: each URL (and ARL) object of a request
// the API accepted, once, with the plan batch and action that purged it.
// A failed or dry-run request purged nothing, so nothing of it is checked;
// CP codes and tags name no address to GET (see Unverifiable). Deleted and
// Want are the caller's to set: the report does not know the files.
func (r *Report) Targets() []verify.Target {
	var out []verify.Target
	seen := map[string]bool{}
	for _, b := range r.accepted() {
		if !b.Type.IsURL() {
			continue
		}
		for _, o := range b.Objects {
			t, ok := targetOf(b, o)
			if ok && !seen[t.URL] {
				seen[t.URL] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// Unverifiable are the accepted objects that cannot be sampled (CP codes,
// tags, an ARL whose address cannot be read), so the caller can say so
// instead of reporting a verification of everything.
func (r *Report) Unverifiable() []Object {
	var out []Object
	for _, b := range r.accepted() {
		for _, o := range objectsOf(b.Batch) {
			if _, ok := targetOf(b, o.Object); ok && b.Type.IsURL() {
				continue
			}
			out = append(out, o)
		}
	}
	return out
}

// accepted are the requests the API accepted, as Pending counts them.
func (r *Report) accepted() []*Request {
	if r.DryRun {
		return nil
	}
	reqs, _ := r.Pending()
	return reqs
}

func targetOf(b *Request, object string) (verify.Target, bool) {
	t := verify.Target{URL: object, Batch: b.Index, Action: b.Action}
	if b.Type != purge.ARL {
		return t, true
	}
	u, cpcode, ok := arlURL(object)
	t.URL = u
	if cpcode > 0 {
		t.CPCodes = []int64{cpcode}
	}
	return t, ok
}

// arlURL is the https URL an ARL caches and its CP code: an ARL is
// [http://a1.g.akamai.net]/TYPE/SERIAL/CPCODE/TTL/HOST/PATH. It names no
// scheme; https is what a site serves today.
func arlURL(arl string) (string, int64, bool) {
	rest := arl
	if i := strings.Index(rest, "://"); i >= 0 {
		_, rest, _ = strings.Cut(rest[i+3:], "/")
		rest = "/" + rest
	}
	parts := strings.SplitN(strings.TrimPrefix(rest, "/"), "/", 6)
	if len(parts) < 5 || parts[4] == "" {
		return "", 0, false
	}
	cpcode, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return "", 0, false
	}
	path := ""
	if len(parts) == 6 {
		path = parts[5]
	}
	return "https://" + parts[4] + "/" + path, cpcode, true
}

// ReadReport reads a --report file back (verify --report). A JSON file
// that is not a ccu-purge report, or a report from before a purge was
// sent, is refused with what to pass instead.
func ReadReport(data []byte) (*Report, error) {
	var probe struct {
		Batches *json.RawMessage `json:"batches"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("read report: not a ccu-purge report (%w): pass the file purge --report wrote", err)
	}
	if probe.Batches == nil {
		return nil, errors.New(`read report: not a ccu-purge report (it has no "batches"): pass the file purge --report wrote`)
	}
	var r Report
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("read report: %w: pass the file purge --report wrote", err)
	}
	if _, err := r.PurgedAt(); err != nil {
		return nil, err
	}
	return &r, nil
}

// PurgedAt is AcceptedAt as a time (zero when the report has none), the
// verify.Settings.PurgedAt of a verification from this report.
func (r *Report) PurgedAt() (time.Time, error) {
	if r.AcceptedAt == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, r.AcceptedAt)
	if err != nil {
		return time.Time{}, fmt.Errorf("read report: acceptedAt %q is not an RFC 3339 time like 2026-12-02T05:00:00Z: fix or remove it", r.AcceptedAt)
	}
	return t, nil
}

// ReadFile reads the report at path for verify --report; "" is a report
// of nothing sent (verify --url). Its errors name the flag the path was
// given with.
func ReadFile(path string) (*Report, error) {
	if path == "" {
		return NotSent(nil, nil), nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--report: %w", err)
	}
	r, err := ReadReport(data)
	if err != nil {
		return nil, fmt.Errorf("--report %s: %w", path, err)
	}
	return r, nil
}

// EdgeReady is when the purges should have reached the edge: AcceptedAt
// plus the longest estimatedSeconds of its requests. Before then a stale
// answer says nothing. Zero when the report has no (readable)
// AcceptedAt: there is nothing to wait for.
func (r *Report) EdgeReady() time.Time {
	at, err := r.PurgedAt()
	if err != nil || at.IsZero() {
		return time.Time{}
	}
	est := 0
	for _, b := range r.Batches {
		est = max(est, b.EstimatedSeconds)
	}
	return at.Add(time.Duration(est) * time.Second)
}

// Network is the network the accepted requests purged, and false when
// none was accepted or they purged both: verify --report must ask the
// edges that were purged, whatever the config's network says now.
func (r *Report) Network() (purge.Network, bool) {
	var n purge.Network
	for _, b := range r.accepted() {
		if n != "" && b.Network != n {
			return "", false
		}
		n = b.Network
	}
	return n, n != ""
}

// VerifyErr is the verification's outcome for the exit code: ErrStale,
// naming the count and the first stale URL, when on_stale is fail and a
// URL stayed stale; nil otherwise. With warn, a stale URL is reported
// (VerifySummary, annotations) but the purge itself succeeded.
func (r *Report) VerifyErr() error {
	v := r.Verify
	if v == nil || v.OnStale != OnStaleFail {
		return nil
	}
	stale := withVerdict(v.Results, verify.Stale)
	if len(stale) == 0 {
		return nil
	}
	first := stale[0].URL
	if d := stale[0].Diagnosis; d != "" {
		first += " (" + oneLine(d) + ")"
	}
	return fmt.Errorf("%w: %d of %d URL(s) checked still stale, first %s; on_stale: fail fails the run, --on-stale warn only reports it",
		ErrStale, len(stale), len(v.Results), first)
}

// withVerdict are the results judged v, in order.
func withVerdict(results []verify.Result, v verify.Verdict) []verify.Result {
	var out []verify.Result
	for _, r := range results {
		if r.Result == v {
			out = append(out, r)
		}
	}
	return out
}
