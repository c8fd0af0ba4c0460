package cli

import (
	"bytes"
	"cmp"
	"context"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/build"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// buildFlags are the flags package build reads.
func buildFlags(o *options.Options) build.Flags {
	return build.Flags{SiteDir: o.Verify.SiteDir, Manifest: o.Manifest, State: o.State, From: o.From, PreviousDir: o.PreviousDir}
}

// outputPlan is buildPlan in build-output mode: the output files whose
// hashes differ from the last purged build's manifest and the git diff
// for the rules that listen to it (see build.GitFrom).
func (e *env) outputPlan(ctx context.Context, o *options.Options) (*planned, error) {
	cfg, root, to, err := e.outputConfig(o)
	if err != nil {
		return nil, err
	}
	dir, err := build.Dir(buildFlags(o), cfg, root)
	if err != nil {
		return nil, usageErr(err)
	}
	side, err := build.Compare(ctx, buildFlags(o), cfg, dir, root)
	if err != nil {
		return nil, usageErr(err)
	}
	side.Manifest.Commit = to
	changes, err := e.withGit(ctx, o, cfg, side, to)
	if err != nil {
		return nil, err
	}
	settings := plan.SettingsOf(cfg)
	settings.MaxObjects, settings.Timeout, settings.ForceFallback = o.BatchSize, o.Timeout, side.Force
	mapped := cfg.Map(diff.AllPaths(changes))
	p := plan.Build(side.Stats.Commit, to, changes, mapped, settings)
	p.Mode, p.Output = "output", side.Stats
	p.Warnings = append(p.Warnings, side.Notes...)
	if err := p.Err(); err != nil {
		return nil, usageErr(err)
	}
	rng := plan.Range{From: side.Stats.Commit, To: to, Source: "output manifest " + side.Path}
	return &planned{PlanDoc: rpt.PlanDoc{Range: rng, Plan: p}, cfg: cfg, mapped: mapped, built: side}, nil
}

// outputConfig is the config of a build-output plan, the repository's
// root and the head commit ("" without a repository, where --config
// names the file).
func (e *env) outputConfig(o *options.Options) (*mapper.Config, string, string, error) {
	var cfg *mapper.Config
	root, to := "", ""
	repo, err := diff.Open(o.Repo)
	switch {
	case err == nil:
		defer repo.Close()
		if to, err = repo.Resolve(cmp.Or(o.To, "HEAD")); err != nil {
			return nil, "", "", usagef("--to: %w", err)
		}
		root = repo.Root()
		cfg, err = mapper.Find(o.Config, repo, to)
	case o.Config != "":
		cfg, err = mapper.Load(o.Config)
	default:
		return nil, "", "", usageErr(err)
	}
	if err != nil {
		return nil, "", "", usageErr(err)
	}
	if err := cfg.Override(mapper.Overrides{Env: mapper.OverridesFromEnv(e.getenv).Env, Flags: o.Overrides}); err != nil {
		return nil, "", "", usageErr(err)
	}
	return cfg, root, to, nil
}

// withGit adds the git diff for the rules that listen to git (source:
// git, or a rule outside output.dir), from where build.GitFrom says, so
// a static/ file the repository serves is purged, not dropped.
func (e *env) withGit(ctx context.Context, o *options.Options, cfg *mapper.Config, side *build.Side, to string) ([]diff.Change, error) {
	from, err := build.GitFrom(buildFlags(o), cfg, side, to)
	if from == "" || err != nil {
		return side.Changes, usageIf(err)
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, usageErr(err)
	}
	defer repo.Close()
	if from, err = repo.Resolve(from); err != nil {
		return nil, usagef("the git diff for the rules that listen to git starts at %s: %w (a shallow clone? fetch the history, such as fetch-depth: 0, or pass --from REV)", from, err)
	}
	fromGit, err := repo.Changes(ctx, from, to)
	if err != nil {
		return nil, usageErr(err)
	}
	return plan.BySignal(cfg, side.Changes, fromGit), nil
}

// recordOutput replaces the manifest with the purged build's, once every
// object was purged: a failed run keeps the old one, so the next run
// compares with the last build the edge really dropped.
func (e *env) recordOutput(b *build.Side) error {
	if b == nil {
		return nil
	}
	var data bytes.Buffer
	if _, err := b.Manifest.WriteTo(&data); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but the manifest could not be written: %w", err)}
	}
	if err := e.writeOut(b.Path, data.Bytes()); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will compare with the older build and purge its changes again", err)}
	}
	fmt.Fprintf(e.stdout, "Recorded the build output's manifest (%d files) in %s.\n", len(b.Manifest.Files), b.Path)
	return nil
}

// explainOutput is plan --explain-output PATH (see build.Explain).
func (e *env) explainOutput(o *options.Options) error {
	cfg, root, _, err := e.outputConfig(o)
	if err != nil {
		return err
	}
	text, err := build.Explain(buildFlags(o), cfg, root, o.ExplainOutput)
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintln(e.stdout, text)
	return nil
}
