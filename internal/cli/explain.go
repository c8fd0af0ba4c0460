package cli

import (
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
	options.Output(fs, o)
	flags, paths := options.SplitArgs(fs, args)
	if err := e.parse(fs, flags, o); err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no paths given: name the files to explain, relative to the current folder or the repository root (ccu-purge explain public/index.html)")
	}
	cfg, root, err := explainConfig(o)
	if err != nil {
		return usageErr(err)
	}
	// filepath.Abs, not os.Getwd: the standard library reads the folder.
	cwd, err := filepath.Abs(".")
	if err != nil {
		return usageErr(err)
	}
	out := rpt.Explained{Config: cfg.File, Paths: []mapper.Explanation{}}
	for _, p := range paths {
		rel, err := mapper.RepoPath(root, cwd, p)
		if err != nil {
			return usageErr(err)
		}
		out.Paths = append(out.Paths, cfg.Explain(rel))
	}
	if o.Output == "json" {
		return rpt.JSON(e.stdout, out)
	}
	rpt.Explain(e.stdout, out.Paths)
	return nil
}

// explainConfig loads --config, or the repository's config (from HEAD in a
// bare repository), with the worktree's top that paths are relative to
// ("" with --config, whose paths stay relative to the repository root).
func explainConfig(o *options.Options) (*mapper.Config, string, error) {
	if o.Config != "" {
		cfg, err := mapper.Load(o.Config)
		return cfg, "", err
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, "", err
	}
	defer repo.Close()
	head := ""
	if repo.Root() == "" {
		if head, err = repo.Resolve("HEAD"); err != nil {
			return nil, "", fmt.Errorf("bare repository without HEAD: pass --config FILE: %w", err)
		}
	}
	cfg, err := mapper.Find(o.Config, repo, head)
	return cfg, repo.Root(), err
}
