package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// configName is the config file at the repository root.
const configName = ".ccu-purge.yml"

// buildPlan runs the one-way pipeline up to the plan: open, resolve, load
// the config, diff, map, batch. Every error here is the user's input.
func (e *env) buildPlan(ctx context.Context, o *options) (*plan.Plan, error) {
	if o.from == "" {
		return nil, usagef("no base revision: pass --from REV, the commit that is live now (e.g. --from v1.4.0 or --from HEAD~1)")
	}
	repo, err := diff.Open(o.repo)
	if err != nil {
		return nil, usageErr(err)
	}
	from, err := repo.Resolve(o.from)
	if err != nil {
		return nil, usagef("--from: %w", err)
	}
	to, err := repo.Resolve(o.to)
	if err != nil {
		return nil, usagef("--to: %w", err)
	}
	cfg, err := loadConfig(o, repo, to)
	if err != nil {
		return nil, usageErr(err)
	}
	changes, err := repo.Changes(ctx, from, to)
	if err != nil {
		return nil, usageErr(err)
	}
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	res := cfg.Map(paths)
	settings := plan.Settings{
		API: cfg.API, Action: cfg.Action, Network: cfg.Network, Queue: cfg.Queue,
		Threshold: cfg.Threshold, FallbackCPCodes: cfg.CPCodes,
	}
	return checkBudget(plan.Build(from, to, changes, res, settings), settings, o.timeout, func(s plan.Settings) *plan.Plan {
		return plan.Build(from, to, changes, res, s)
	})
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
