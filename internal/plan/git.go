package plan

import (
	"context"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// Git is the git-diff plan: the changes of to, the head, against
// diffFrom ("" for no files at all, when on_unknown_base: cpcode purges
// the CP codes; diff.EmptyTree for every file of the head), mapped by
// cfg and batched, with from, the base ("" when unknown), as the plan's
// start. s gives what the command line and the base decide (MaxObjects,
// Timeout, Buckets, ForceFallback); the rest comes from cfg, and
// SiteFiles from the head when threshold_share needs the site's size.
// It returns what cfg made of the changed paths too (a verification
// reads their sources). Every error is the user's input to fix.
func Git(ctx context.Context, repo *diff.Repo, cfg *mapper.Config, from, diffFrom, to string, s Settings) (*Plan, mapper.Result, error) {
	s, err := gitSettings(ctx, repo, cfg, to, s)
	if err != nil {
		return nil, mapper.Result{}, err
	}
	changes, err := changesFrom(ctx, repo, diffFrom, to)
	if err != nil {
		return nil, mapper.Result{}, err
	}
	mapped := cfg.Map(diff.AllPaths(changes))
	p := Build(from, to, changes, mapped, s)
	if err := p.Err(); err != nil {
		return nil, mapper.Result{}, err
	}
	return p, mapped, nil
}

// gitSettings are cfg's settings with what the run decides (see Git).
func gitSettings(ctx context.Context, repo *diff.Repo, cfg *mapper.Config, to string, run Settings) (Settings, error) {
	s := SettingsOf(cfg)
	s.MaxObjects, s.Timeout, s.Buckets, s.ForceFallback = run.MaxObjects, run.Timeout, run.Buckets, run.ForceFallback
	if cfg.ThresholdShare > 0 {
		// The share needs the site's size: the head commit's file count.
		all, err := repo.Changes(ctx, diff.EmptyTree, to)
		if err != nil {
			return s, err
		}
		s.SiteFiles = len(all)
	}
	return s, nil
}

// changesFrom diffs the head against from ("" for no files at all: the
// policy purges CP codes).
func changesFrom(ctx context.Context, repo *diff.Repo, from, to string) ([]diff.Change, error) {
	if from == "" {
		return []diff.Change{}, nil
	}
	return repo.Changes(ctx, from, to)
}
