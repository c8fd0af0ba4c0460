package cli

import (
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// sourceState is the range source when the base is the last purged commit.
const sourceState = "state"

// fromState applies --state to the range. Explicit flags win, and a pull
// or merge request compares with its target, not with the edge; otherwise
// a recorded purge for the network is the base, ahead of the CI context:
// the CI's previous commit moves on even when that run's purge failed.
// The returned file is nil when nothing should be recorded.
func (e *env) fromState(path, network string, rng ci.Range, noContext bool) (*state.File, ci.Range, error) {
	if path == "" {
		return nil, rng, nil
	}
	st, err := state.Load(path)
	if err != nil {
		return nil, rng, usageErr(fmt.Errorf("--state: %w", err))
	}
	switch {
	case rng.Proposal:
		fmt.Fprintf(e.stderr, "ccu-purge: note: this run is for a proposed change (a pull or merge request): %s is neither read nor written\n", path)
		return nil, rng, nil
	case rng.Source == ci.SourceFlags:
		return st, rng, nil
	}
	last, ok := st.Last(network)
	switch {
	case !ok && noContext:
		return nil, rng, usagef("no base revision: %s has no purge recorded for the %s network yet: pass --from REV (the commit the edge serves now) for this first run; the state file is written when it succeeds", path, network)
	case !ok:
		fmt.Fprintf(e.stderr, "ccu-purge: note: %s has no purge recorded for the %s network yet: the base comes from %s\n", path, network, rng.Source)
		return st, rng, nil
	}
	// The plan's Range line shows the reason; no note on stderr needed.
	reason := fmt.Sprintf("the last purge on %s, recorded in %s at %s", network, path, last.PurgedAt.Format(time.RFC3339))
	return st, ci.Range{From: last.Commit, To: rng.To, Source: sourceState, Reason: reason}, nil
}

// record writes the head as the network's last purged commit, once the
// API accepted every request of the run: a failed, partial or interrupted
// run keeps the old base, so the next run purges its changes again.
func (e *env) record(p *planned) error {
	if p.state == nil {
		return nil
	}
	p.state.Record(p.network, state.Entry{Commit: p.Range.To, From: p.Range.From, PurgedAt: time.Now(), API: p.api})
	if err := p.state.Save(); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will purge this range again unless you pass --from %s", err, p.Range.To)}
	}
	fmt.Fprintf(e.stdout, "Recorded %.12s as the last purged commit on %s in %s.\n", p.Range.To, p.network, p.state.Path())
	return nil
}
