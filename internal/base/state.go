package base

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/outfile"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// fromState applies the state file to the range. Explicit flags win, and
// a pull or merge request compares with its target, not with the edge;
// otherwise a recorded purge for the key (network, config, API, account)
// is the base, ahead of the CI context: the CI's previous commit moves on
// even when that run's purge failed. Another config's entry is never
// taken. The returned file is nil when nothing should be recorded.
func (c *chooser) fromState(r Request, key state.Key) (*state.File, ci.Range, error) {
	path, rng := r.state, r.rng
	if path == "" {
		return nil, rng, nil
	}
	st, err := state.Load(path)
	if err != nil {
		return nil, rng, fmt.Errorf("--state: %w", err)
	}
	switch {
	case rng.Proposal:
		c.note(Notice, "this run is for a proposed change (a pull or merge request): %s is neither read nor written", path)
		return nil, rng, nil
	case rng.Source == ci.SourceFlags:
		return st, rng, nil
	}
	last, ok, note := st.Last(key)
	switch {
	case !ok && r.noContext:
		return nil, rng, fmt.Errorf("no base revision: %s has no purge recorded for %s yet%s: pass --from REV (the commit the edge serves now) for this first run; the state file is written when it succeeds", path, key, paren(note))
	case !ok:
		c.note(Notice, "%s has no purge recorded for %s yet%s: the base comes from %s", path, key, paren(note), rng.Source)
		return st, rng, nil
	case note != "":
		c.note(Notice, "%s: %s", path, note)
	}
	// The plan's Range line shows the reason; no note needed.
	reason := fmt.Sprintf("the last purge on %s, recorded in %s at %s", key.Network, path, last.PurgedAt.Format(time.RFC3339))
	return st, ci.Range{From: last.Commit, To: rng.To, Source: SourceState, Reason: reason}, nil
}

// paren is " (s)", or "" for no s.
func paren(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// key is what the state records this run's purge under: the network, the
// config file (relative to the repository root, the same on every clone
// and runner), the API and a hash of the credentials' host (the account).
// Without a state file there is no key.
func (c *chooser) key(path string) state.Key {
	if path == "" {
		return state.Key{}
	}
	return state.Key{Network: string(c.s.Network), Config: configID(c.s.Config, c.s.Root), API: string(c.s.API), Credentials: state.HostHash(c.s.Host)}
}

// configID names the config file for the state's key.
func configID(config, root string) string {
	if config == "" {
		return mapper.FileName // at the root, or committed (a bare repository)
	}
	abs := outfile.RealPath(config)
	if root != "" {
		rel, err := filepath.Rel(outfile.RealPath(root), abs)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(abs)
}
