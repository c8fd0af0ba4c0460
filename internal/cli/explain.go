package cli

import (
	"cmp"
	"fmt"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// explain says, for each path, which rule took it (with file:line:col),
// what it purges, or why nothing: no repository access beyond finding the
// config, so paths that do not exist (yet) can be tried.
func (e *env) explain(args []string) error {
	o := &options.Options{}
	fs := e.flags("explain", o)
	flags, paths := options.SplitArgs(fs, args)
	if err := e.parse(fs, flags, o); err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no paths given: name the files to explain, relative to the current folder or the repository root (ccu-purge explain public/index.html)")
	}
	cfg, paths, err := explainConfig(o, paths)
	if err != nil {
		return usageErr(err)
	}
	out := rpt.Explained{Config: cfg.File, Paths: cfg.ExplainAll(paths)}
	if o.Output == "json" {
		return rpt.JSON(e.stdout, out)
	}
	rpt.Explain(e.stdout, out.Paths)
	return nil
}

// explainConfig loads --config (paths as given), or the repository's config
// (from HEAD if bare) with paths taken from the current folder, which
// filepath.Abs reads, inside the worktree (mapper.RepoPath).
func explainConfig(o *options.Options, paths []string) (*mapper.Config, []string, error) {
	if o.Config != "" {
		cfg, err := mapper.Load(o.Config)
		return cfg, paths, err
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, nil, err
	}
	defer repo.Close()
	head := ""
	if repo.Root() == "" {
		if head, err = repo.Resolve("HEAD"); err != nil {
			return nil, nil, fmt.Errorf("bare repository without HEAD: pass --config FILE: %w", err)
		}
	}
	cfg, err := mapper.Find(o.Config, repo, head)
	cwd, _ := filepath.Abs(".") // on failure "": paths stay relative to the root
	rels, perr := mapper.RepoPaths(repo.Root(), cwd, paths)
	return cfg, rels, cmp.Or(err, perr)
}
