package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// explain says, for each path, which rule took it (with file:line:col),
// what it purges, or why nothing: no repository access beyond finding the
// config, so paths that do not exist (yet) can be tried.
func (e *env) explain(args []string) error {
	o := &options{}
	fs := e.flags("explain", o)
	fs.StringVar(&o.output, "output", "text", "text or json")
	flags, paths := splitArgs(fs, args)
	if err := parse(fs, flags, o); err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("no paths given: name the files to explain, relative to the repository root (ccu-purge explain public/index.html)")
	}
	cfg, err := explainConfig(o)
	if err != nil {
		return usageErr(err)
	}
	out := explained{Config: cfg.File, Paths: []mapper.Explanation{}}
	for _, p := range paths {
		out.Paths = append(out.Paths, cfg.Explain(cleanArg(p)))
	}
	if o.output == "json" {
		return rpt.JSON(e.stdout, out)
	}
	rpt.Explain(e.stdout, out.Paths)
	return nil
}

// explained is the JSON document of explain --output json.
type explained struct {
	Config string               `json:"config"`
	Paths  []mapper.Explanation `json:"paths"`
}

// splitArgs separates flags from paths so flags may follow paths
// (explain a.html --output json), where the flag package alone would stop
// at the first path; "--" ends the flags.
func splitArgs(fs *flag.FlagSet, args []string) (flags, paths []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return flags, append(paths, args[i+1:]...)
		}
		if len(a) < 2 || a[0] != '-' {
			paths = append(paths, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") || isBool(fs, name) || i+1 == len(args) {
			continue
		}
		i++
		flags = append(flags, args[i])
	}
	return flags, paths
}

func isBool(fs *flag.FlagSet, name string) bool {
	f := fs.Lookup(name)
	if f == nil {
		return true // unknown: parse reports it; do not swallow a path
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
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
func explainConfig(o *options) (*mapper.Config, error) {
	if o.config != "" {
		return mapper.Load(o.config)
	}
	repo, err := diff.Open(o.repo)
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
	return loadConfig(o, repo, head)
}
