package demo

import (
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
)

// ConfigFile is where the example keeps its rules.
const ConfigFile = ".ccu-purge.yml"

// Explained is the changed file the demo explains: a page whose rule
// purges two URLs, its own and its folder's.
const Explained = "public/blog/index.html"

// CommittedConfig is the config as committed at rev in the repository
// dir: what the demo's plan reads, which the demo shows as it is, since a
// --repo built earlier may hold another version than Config.
func CommittedConfig(dir, rev string) (string, error) {
	r, err := git.PlainOpen(dir)
	if err != nil {
		return "", fmt.Errorf("open the example repository %q: %w", dir, err)
	}
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return "", fmt.Errorf("the example repository %q has no %s: remove it, and the demo builds it again: %w", dir, rev, err)
	}
	c, err := r.CommitObject(*h)
	if err != nil {
		return "", fmt.Errorf("read commit %s of %q: %w", rev, dir, err)
	}
	f, err := c.File(ConfigFile)
	if err != nil {
		return "", fmt.Errorf("the example repository %q has no %s at %s: %w", dir, ConfigFile, rev, err)
	}
	return f.Contents()
}
