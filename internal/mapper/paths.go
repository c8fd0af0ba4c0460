package mapper

import (
	"fmt"
	"path/filepath"
	"strings"
)

// RepoPaths is RepoPath for each of args, failing at the first outside
// the worktree.
func RepoPaths(root, cwd string, args []string) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		p, err := RepoPath(root, cwd, a)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}

// RepoPath turns a path given to explain into the repository path the
// rules see. root is the worktree's top ("" for none: the path is taken
// as given, relative to the repository root) and cwd the folder the
// command runs in, both absolute. A relative path is relative to cwd when
// cwd is inside the worktree, as git's own commands take it; run from
// outside, it stays relative to the repository root. An absolute path
// must be inside the worktree.
func RepoPath(root, cwd, arg string) (string, error) {
	if root == "" || !filepath.IsAbs(arg) && !inside(root, cwd) {
		return slashPath(arg), nil
	}
	abs := arg
	if !filepath.IsAbs(arg) {
		abs = filepath.Join(cwd, arg)
	}
	if !inside(root, abs) {
		return "", fmt.Errorf("%s is outside the repository %s: name a file inside it, or relative to its root", arg, root)
	}
	rel, _ := filepath.Rel(root, abs)
	return filepath.ToSlash(rel), nil
}

// inside reports whether path is root or below it.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && filepath.IsLocal(rel)
}

// slashPath accepts what a shell completes: ./public/x.html, or a
// Windows-style path.
func slashPath(p string) string {
	p = filepath.ToSlash(p)
	for strings.HasPrefix(p, "./") {
		p = p[2:]
	}
	return p
}
