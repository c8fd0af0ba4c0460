package build

import (
	"bytes"
	"context"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/output"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// Planned is a build-output plan with what it was made of: the range it
// covers, what the config made of the changed paths (a verification
// reads their sources) and the comparison, whose manifest is recorded at
// Side.Path once every object was purged.
type Planned struct {
	Plan   *plan.Plan
	Range  plan.Range
	Mapped mapper.Result
	Side   *Side
}

// Plan is a build-output plan: the output files whose hashes differ from
// the last purged build's manifest, and the git diff of the repository at
// repoPath for the rules that listen to git (see GitFrom), up to to, the
// head commit ("" without a repository). s are the plan's settings but
// ForceFallback, which the comparison decides (a first run under
// on_unknown_base: cpcode). Every error is the user's input to fix.
func Plan(ctx context.Context, f Flags, repoPath string, cfg *mapper.Config, root, to string, s plan.Settings) (*Planned, error) {
	dir, err := Dir(f, cfg, root)
	if err != nil {
		return nil, err
	}
	side, err := Compare(ctx, f, cfg, dir, root)
	if err != nil {
		return nil, err
	}
	// The manifest records the head, where the next run's git side starts.
	side.Manifest.Commit = to
	changes, err := withGit(ctx, f, repoPath, cfg, side, to)
	if err != nil {
		return nil, err
	}
	return planOf(cfg, side, changes, to, s)
}

// planOf maps and batches the changes of both signals, with the
// comparison's notes as warnings; the range starts at the commit the last
// manifest recorded.
func planOf(cfg *mapper.Config, side *Side, changes []diff.Change, to string, s plan.Settings) (*Planned, error) {
	s.ForceFallback = side.Force
	mapped := cfg.Map(diff.AllPaths(changes))
	p := plan.Build(side.Stats.Commit, to, changes, mapped, s)
	p.Mode, p.Output = "output", side.Stats
	p.Warnings = append(p.Warnings, side.Notes...)
	if err := p.Err(); err != nil {
		return nil, err
	}
	rng := plan.Range{From: side.Stats.Commit, To: to, Source: "output manifest " + side.Path}
	return &Planned{Plan: p, Range: rng, Mapped: mapped, Side: side}, nil
}

// withGit adds the git diff for the rules that listen to git (source:
// git, or a rule outside output.dir), from where GitFrom says, so a
// static/ file the repository serves is purged, not dropped.
func withGit(ctx context.Context, f Flags, repoPath string, cfg *mapper.Config, side *Side, to string) ([]diff.Change, error) {
	from, err := GitFrom(f, cfg, side, to)
	if from == "" || err != nil {
		return side.Changes, err
	}
	repo, err := diff.Open(repoPath)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	sha, err := repo.Resolve(from)
	if err != nil {
		// A CI checkout is often shallow, so the manifest's commit is absent.
		return nil, fmt.Errorf("the git diff for the rules that listen to git starts at %s: %w (a shallow clone? fetch the history, such as fetch-depth: 0, or pass --from REV)", from, err)
	}
	fromGit, err := repo.Changes(ctx, sha, to)
	if err != nil {
		return nil, err
	}
	return plan.BySignal(cfg, side.Changes, fromGit), nil
}

// EncodeManifest is m as the manifest file holds it, to be written whole
// (a run cut short must not leave half a manifest to compare with).
func EncodeManifest(m *output.Manifest) ([]byte, error) {
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
