package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/ccu-purge/ccu-purge/internal/base"
	"github.com/ccu-purge/ccu-purge/internal/build"
	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/deployed"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// planned is a plan with the range it covers: the plan's JSON document.
type planned struct {
	rpt.PlanDoc
	// state, when set, records the head once every object is purged; it
	// is nil without --state and for proposals (pull and merge requests),
	// whose head is not what the edge will serve.
	state *state.File
	key   state.Key // what the state records the purge under
	// cfg and mapped are the config and what it made of the changed
	// paths, for a verification (nil and empty for an ad-hoc purge).
	cfg    *mapper.Config
	mapped mapper.Result
	// built is the build output a build-output plan hashed, recorded
	// once every object is purged; nil for a git-diff plan.
	built *build.Side
}

// site is where the plan's deployed files are: its URLs' sources, read
// from repo at the head.
func (p *planned) site(repo string) deployed.Site {
	if p.cfg == nil {
		return deployed.Site{}
	}
	return deployed.Site{Sources: plan.Sources(p.Changes, p.mapped), Repo: repo, To: p.Range.To}
}

// buildPlan runs the one-way pipeline up to the plan: choose the range,
// open, resolve, load the config, diff, map, batch. Every error here is the
// user's input.
func (e *env) buildPlan(ctx context.Context, o *options.Options) (*planned, error) {
	if o.Adhoc() {
		return e.adhocPlan(o)
	}
	if o.Manifest != "" {
		return e.outputPlan(ctx, o) // --manifest: the build output decides
	}
	// A missing base is an error of git mode only: build-output mode
	// compares with the manifest, so it waits for the config.
	req, detectErr := base.Detect(base.Flags{From: o.From, To: o.To, State: o.State}, ci.Env{Getenv: e.getenv, ReadFile: os.ReadFile})
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, usageErr(err)
	}
	defer repo.Close()
	to, err := repo.Resolve(cmp.Or(req.To(), o.To, "HEAD"))
	if err != nil {
		return nil, usagef("--to: %w", err)
	}
	cfg, err := mapper.Find(o.Config, repo, to)
	if err != nil {
		return nil, usageErr(err)
	}
	if err := cfg.Override(e.overrides(o)); err != nil {
		return nil, usageErr(err)
	}
	if cfg.Output.Dir != "" {
		// output.dir: the build output decides, against the manifest (the
		// state file's entry would say "no base" until a git-mode purge).
		return e.outputPlan(ctx, o)
	}
	if detectErr != nil {
		return nil, usageErr(detectErr)
	}
	chosen, err := e.chooseBase(ctx, o, repo, cfg, req, to)
	if err != nil {
		return nil, err
	}
	run := plan.Settings{MaxObjects: o.BatchSize, Timeout: o.Timeout, ForceFallback: chosen.ForceFallback}
	p, mapped, err := plan.Git(ctx, repo, cfg, chosen.Range.From, chosen.DiffFrom(), to, run)
	if err != nil {
		return nil, usageErr(err)
	}
	return &planned{PlanDoc: rpt.PlanDoc{Range: chosen.Range, Plan: p}, state: chosen.State, key: chosen.Key, cfg: cfg, mapped: mapped}, nil
}

// chooseBase asks base for the range and prints its notes. Its errors
// are the user's input, except an interrupt during the fetch of a missing
// base, which planStopped reports.
func (e *env) chooseBase(ctx context.Context, o *options.Options, repo *diff.Repo, cfg *mapper.Config, req base.Request, to string) (base.Choice, error) {
	c, err := req.Choose(ctx, repo, base.Settings{
		Head: to, Network: cfg.Network, API: cfg.API, Config: o.Config, Root: repo.Root(), Host: ccu.Host(e.source(o), o.State != ""),
		Fetch: cfg.Fetch, OnUnknownBase: cfg.OnUnknownBase, Token: e.getenv("GITHUB_TOKEN"),
		Notify: e.printNote,
	})
	if err != nil && !errors.Is(err, ctx.Err()) {
		err = usageErr(err)
	}
	return c, err
}

// printNote prints one of base's notes on stderr as it is made.
func (e *env) printNote(n base.Note) { fmt.Fprintf(e.stderr, "ccu-purge: %s\n", n) }

// validate lists every problem of a config, and warns of rules (see
// lint): the file --config names, else the worktree's, else (a bare
// repository) the one committed at --to.
func (e *env) validate(ctx context.Context, args []string) error {
	o := &options.Options{}
	fs := options.Validate(e.getenv, o)
	if err := e.parse(fs, args, o); err != nil {
		return err
	}
	if o.Config != "" && o.To == "" {
		return e.validateConfig(ctx, nil, o, "") // the file alone: no repository
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return usageErr(err)
	}
	defer repo.Close()
	at := "" // the commit a bare repository's config is read from
	if o.Config == "" && repo.Root() == "" {
		if o.To == "" {
			return usagef("bare repository: pass --config FILE, or --to REV to validate the config committed at REV")
		}
		if at, err = repo.Resolve(o.To); err != nil {
			return usagef("--to: %w", err)
		}
	}
	return e.validateConfig(ctx, repo, o, at)
}

// validateConfig loads the config (see mapper.Find; at is the commit
// of a bare repository's), prints its problems or, with a repository,
// lints it at --to, and says it is ok.
func (e *env) validateConfig(ctx context.Context, repo *diff.Repo, o *options.Options, at string) error {
	var cfg *mapper.Config
	var err error
	if repo == nil {
		cfg, err = mapper.Load(o.Config)
	} else {
		cfg, err = mapper.Find(o.Config, repo, at)
	}
	var errs mapper.Errors
	if errors.As(err, &errs) {
		fmt.Fprintln(e.stdout, errs) // one line each
		return usagef("%s: %d problem(s)", errs[0].File, len(errs))
	}
	if err == nil && repo != nil {
		err = e.lint(ctx, repo, o.To, cfg)
	}
	if err != nil {
		return usageErr(err)
	}
	fmt.Fprintf(e.stdout, "%s: ok, %d rule(s), api %s, network %s, action %s\n", cfg.File, len(cfg.Rules), cfg.API, cfg.Network, cfg.Action)
	return nil
}

// lint prints, with a repository (no --config, or --to), mapper's warnings
// for the files at to (HEAD, if any, for ""): rules that purge nothing.
func (e *env) lint(ctx context.Context, repo *diff.Repo, to string, cfg *mapper.Config) error {
	sha, err := repo.Resolve(cmp.Or(to, "HEAD"))
	if err != nil && to == "" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	all, err := repo.Changes(ctx, diff.EmptyTree, sha)
	if err == nil {
		fmt.Fprint(e.stdout, mapper.LintChanges(cfg, all).At(sha))
	}
	return err
}
