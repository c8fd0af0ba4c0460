package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// sourceState is the range source when the base is the last purged commit.
const sourceState = "state"

// fromState applies --state to the range. Explicit flags win, and a pull
// or merge request compares with its target, not with the edge; otherwise
// a recorded purge for the key (network, config, API, account) is the
// base, ahead of the CI context: the CI's previous commit moves on even
// when that run's purge failed. Another config's entry is never taken.
// The returned file is nil when nothing should be recorded.
func (e *env) fromState(path string, key state.Key, rng ci.Range, noContext bool) (*state.File, ci.Range, error) {
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
	last, ok, note := st.Last(key)
	switch {
	case !ok && noContext:
		return nil, rng, usagef("no base revision: %s has no purge recorded for %s yet%s: pass --from REV (the commit the edge serves now) for this first run; the state file is written when it succeeds", path, key, paren(note))
	case !ok:
		fmt.Fprintf(e.stderr, "ccu-purge: note: %s has no purge recorded for %s yet%s: the base comes from %s\n", path, key, paren(note), rng.Source)
		return st, rng, nil
	case note != "":
		fmt.Fprintf(e.stderr, "ccu-purge: note: %s: %s\n", path, note)
	}
	// The plan's Range line shows the reason; no note on stderr needed.
	reason := fmt.Sprintf("the last purge on %s, recorded in %s at %s", key.Network, path, last.PurgedAt.Format(time.RFC3339))
	return st, ci.Range{From: last.Commit, To: rng.To, Source: sourceState, Reason: reason}, nil
}

// paren is " (s)", or "" for no s.
func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// stateKey is what the state records this run's purge under: the network,
// the config file (relative to the repository root, the same on every
// clone and runner), the API and a hash of the credentials' host (the
// account; "" when no credentials load, as for a plan without them).
func (e *env) stateKey(o *options, repo *diff.Repo, cfg *mapper.Config) state.Key {
	if o.state == "" {
		return state.Key{}
	}
	k := state.Key{Network: string(cfg.Network), Config: configID(o.config, repo.Root()), API: string(cfg.API)}
	creds, err := ccu.LoadCredentials(e.source(o))
	if err == nil {
		k.Credentials = state.HostHash(creds.Host)
	}
	return k
}

// configID names the config file for the state's key.
func configID(config, root string) string {
	if config == "" {
		return configName // at the root, or committed (a bare repository)
	}
	abs := realPath(config)
	if root != "" {
		rel, err := filepath.Rel(realPath(root), abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}

// record writes the head as the key's last purged commit, once the API
// accepted every request of the run: a failed, partial or interrupted run
// keeps the old base, so the next run purges its changes again.
func (e *env) record(p *planned) error {
	if p.state == nil {
		return nil
	}
	p.state.Record(state.Entry{Key: p.key, Commit: p.Range.To, From: p.Range.From, PurgedAt: time.Now()})
	if err := p.state.Save(); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will purge this range again unless you pass --from %s", err, p.Range.To)}
	}
	fmt.Fprintf(e.stdout, "Recorded %.12s as the last purged commit on %s for %s in %s.\n", p.Range.To, p.key.Network, p.key.Config, p.state.Path())
	return nil
}
