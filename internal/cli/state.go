package cli

import (
	"fmt"
	"os"
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
	k := state.Key{Network: cfg.Network, Config: configID(o.config, repo.Root()), API: cfg.API}
	creds, err := ccu.LoadCredentials(ccu.Source{Edgerc: o.edgerc, Section: o.section, FileOnly: o.edgercSet, SectionSet: o.sectionSet})
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

// realPath is path made absolute, symbolic links resolved where they can
// be, so two spellings of one file compare equal.
func realPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	if real, err := filepath.EvalSymlinks(filepath.Dir(path)); err == nil {
		return filepath.Join(real, filepath.Base(path))
	}
	return path
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

// checkOutputs refuses a --report, --dotenv or --junit that is a file the
// run reads: the state file, the config file, the credentials or the CA
// certificate. The run would overwrite what it reads: a state file holding
// a report fails to load on every later run, and an .edgerc holding one
// loses the API client's secret for good. Two outputs naming one file are
// refused too.
func checkOutputs(o *options, pf *purgeFlags) error {
	inputs := []struct{ name, path string }{
		{"the state file (--state)", o.state},
		{"the config file", configPath(o)},
		{"the credentials file (--edgerc)", homePath(o.edgerc)},
		{"the CA certificate (--ca-cert)", o.caCert},
	}
	outs := outputFiles(o, pf)
	for i, out := range outs {
		for _, in := range inputs {
			if samePath(out.path, in.path) {
				return usagef("%s %s is %s %s: writing it would destroy that file; give %s another path", out.flag, out.path, in.name, in.path, out.flag)
			}
		}
		// Two outputs in one file: the last written would replace the
		// other (a device such as /dev/stdout takes both).
		for _, other := range outs[:i] {
			if samePath(out.path, other.path) && !isDevice(out.path) {
				return usagef("%s and %s name one file, %s: give each its own path", other.flag, out.flag, out.path)
			}
		}
	}
	return nil
}

// homePath is path with a leading "~/" read as the home folder, as the
// credentials loader reads --edgerc.
func homePath(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// outputFile is a file the run writes, by the flag that names it.
type outputFile struct{ flag, path string }

// outputFiles are the files a purge writes at its end, each checked
// before anything is sent ("" when not asked for).
func outputFiles(o *options, pf *purgeFlags) []outputFile {
	return []outputFile{{"--report", o.report}, {"--dotenv", pf.dotenv}, {"--junit", pf.junit}}
}

// configPath is the config file the run will read: --config, else
// .ccu-purge.yml at the root of the worktree holding --repo ("" when none
// is found, as in a bare repository, whose config is committed).
func configPath(o *options) string {
	if o.config != "" {
		return o.config
	}
	for dir := realPath(o.repo); ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return filepath.Join(dir, configName)
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// samePath reports whether a and b name one file: the same file when both
// exist (through links and other spellings), else the same path.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	// A link to a file not written yet leads to that file (see target).
	return realPath(target(a)) == realPath(target(b))
}

// isDevice reports whether path is an existing file that is not a regular
// one (/dev/stdout, a pipe): writeOut writes those in place.
func isDevice(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular()
}
