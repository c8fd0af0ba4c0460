package cli

import (
	"fmt"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/state"
)

// record writes the head as the key's last purged commit, once the API
// accepted every request of the run: a failed, partial or interrupted run
// keeps the old base, so the next run purges its changes again.
func (e *env) record(p *planned) error {
	if err := e.recordOutput(p.built); err != nil || p.state == nil {
		return err
	}
	p.state.Record(state.Entry{Key: p.key, Commit: p.Range.To, From: p.Range.From, PurgedAt: time.Now()})
	if err := p.state.Save(); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will purge this range again unless you pass --from %s", err, p.Range.To)}
	}
	fmt.Fprintf(e.stdout, "Recorded %.12s as the last purged commit on %s for %s in %s.\n", p.Range.To, p.key.Network, p.key.Config, p.state.Path())
	return nil
}
