package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// configName is the config file at the repository root.
const configName = ".ccu-purge.yml"

// planned is a plan with the range it covers: the plan's JSON document.
type planned struct {
	Range plan.Range `json:"range"`
	*plan.Plan
	// state, when set, records the head once every object is purged; it
	// is nil without --state and for proposals (pull and merge requests),
	// whose head is not what the edge will serve.
	state *state.File
	key   state.Key // what the state records the purge under
}

// buildPlan runs the one-way pipeline up to the plan: choose the range,
// open, resolve, load the config, diff, map, batch. Every error here is the
// user's input.
func (e *env) buildPlan(ctx context.Context, o *options) (*planned, error) {
	rng, err := ci.Detect(o.from, o.to, ci.Env{Getenv: e.getenv, ReadFile: os.ReadFile})
	// Without a CI context, a state file may still name the base.
	noContext := errors.Is(err, ci.ErrNoContext) && o.state != ""
	if err != nil && !noContext {
		return nil, usageErr(err)
	}
	repo, err := diff.Open(o.repo)
	if err != nil {
		return nil, usageErr(err)
	}
	defer repo.Close()
	to, err := repo.Resolve(rng.To)
	if err != nil {
		return nil, usagef("--to: %w", err)
	}
	cfg, err := loadConfig(o, repo, to)
	if err != nil {
		return nil, usageErr(err)
	}
	if err := cfg.Override(mapper.Overrides{Env: mapper.OverridesFromEnv(e.getenv).Env, Flags: o.overrides}); err != nil {
		return nil, usageErr(err)
	}
	key := e.stateKey(o, repo, cfg)
	st, rng, err := e.fromState(o.state, key, rng, noContext)
	if err != nil {
		return nil, err
	}
	from, err := e.base(ctx, repo, cfg, rng)
	if err != nil {
		return nil, err
	}
	info := plan.Range{From: from.sha, To: to, Source: rng.Source, Reason: first(from.reason, rng.Reason)}
	settings := plan.Settings{
		API: cfg.API, Action: cfg.Action, Network: cfg.Network, Queue: cfg.Queue,
		Threshold: cfg.Threshold, FallbackCPCodes: cfg.CPCodes,
		FallbackTags: cfg.Tags, ThresholdShare: cfg.ThresholdShare, MaxTotal: cfg.MaxObjects, Unmatched: cfg.Unmatched,
		MaxObjects: o.batchSize, Submodules: cfg.Submodules,
	}
	if cfg.ThresholdShare > 0 {
		// The share needs the site's size: the head commit's file count.
		all, err := repo.Changes(ctx, diff.EmptyTree, to)
		if err != nil {
			return nil, usageErr(err)
		}
		settings.SiteFiles = len(all)
	}
	if from.sha == "" {
		info.Policy = cfg.OnUnknownBase
		if cfg.OnUnknownBase == mapper.UnknownBaseCPCode {
			settings.ForceFallback = fmt.Sprintf("the base commit is unknown (%s), and on_unknown_base is cpcode", from.reason)
		}
	}
	changes, err := e.changes(ctx, repo, cfg, from.sha, to)
	if err != nil {
		return nil, usageErr(err)
	}
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	res := cfg.Map(paths)
	settings.Timeout = o.timeout
	p := plan.Build(from.sha, to, changes, res, settings)
	if err := p.Err(); err != nil {
		return nil, usageErr(err)
	}
	return &planned{Range: info, Plan: p, state: st, key: key}, nil
}

// changes diffs the range; with an unknown base, on_unknown_base: all
// takes every file of the head commit, and cpcode needs no files at all.
func (e *env) changes(ctx context.Context, repo *diff.Repo, cfg *mapper.Config, from, to string) ([]diff.Change, error) {
	if from == "" {
		if cfg.OnUnknownBase != mapper.UnknownBaseAll {
			return []diff.Change{}, nil
		}
		from = diff.EmptyTree
	}
	return repo.Changes(ctx, from, to)
}

// loadConfig reads --config, else .ccu-purge.yml in the worktree, else
// (bare repository) the file as committed in the --to commit.
func loadConfig(o *options, repo *diff.Repo, to string) (*mapper.Config, error) {
	if o.config != "" {
		return mapper.Load(o.config)
	}
	if repo.Root() != "" {
		return mapper.Load(filepath.Join(repo.Root(), configName))
	}
	data, err := repo.ReadFile(to, configName)
	if err != nil {
		return nil, fmt.Errorf("%w: the bare repository has no %s in commit %.12s (commit one, or pass --config FILE)", mapper.ErrNoConfig, configName, to)
	}
	return mapper.Parse(to[:12]+":"+configName, data)
}

// validate checks a config and lists every problem.
func (e *env) validate(args []string) error {
	o := &options{}
	fs := e.flags("validate", o)
	if err := parse(fs, args, o); err != nil {
		return err
	}
	path := o.config
	if path == "" {
		repo, err := diff.Open(o.repo)
		if err != nil {
			return usageErr(err)
		}
		if repo.Root() == "" {
			return usagef("bare repository: pass --config FILE to validate")
		}
		path = filepath.Join(repo.Root(), configName)
	}
	cfg, err := mapper.Load(path)
	var errs mapper.Errors
	if errors.As(err, &errs) {
		for _, x := range errs {
			fmt.Fprintln(e.stdout, x)
		}
		return usagef("%s: %d problem(s)", path, len(errs))
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(e.stdout, "%s: ok, %d rule(s), api %s, network %s, action %s\n", path, len(cfg.Rules), cfg.API, cfg.Network, cfg.Action)
	return nil
}
