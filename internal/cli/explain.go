package cli

import (
	"fmt"
	"path/filepath"
	"strings"

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
		return usagef("no paths given: name the files to explain, relative to the repository root (ccu-purge explain public/index.html)")
	}
	cfg, err := explainConfig(o)
	if err != nil {
		return usageErr(err)
	}
	out := rpt.Explained{Config: cfg.File, Paths: []mapper.Explanation{}}
	for _, p := range paths {
		out.Paths = append(out.Paths, cfg.Explain(cleanArg(p)))
	}
	if o.Output == "json" {
		return rpt.JSON(e.stdout, out)
	}
	rpt.Explain(e.stdout, out.Paths)
	return nil
}

// cleanArg accepts what a shell completes: ./public/x.html, or a
// Windows-style path.
func cleanArg(p string) string {
	p = filepath.ToSlash(p)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return p
}

// explainConfig loads --config, or the repository's config (from HEAD in a
// bare repository).
func explainConfig(o *options.Options) (*mapper.Config, error) {
	if o.Config != "" {
		return mapper.Load(o.Config)
	}
	repo, err := diff.Open(o.Repo)
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	head := ""
	if repo.Root() == "" {
		if head, err = repo.Resolve("HEAD"); err != nil {
			return nil, fmt.Errorf("bare repository without HEAD: pass --config FILE: %w", err)
		}
	}
	return mapper.Find(o.Config, repo, head)
}
