package plan

import (
	"slices"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/output"
)

// OutputOptions are the config's output: section as package output
// takes it.
func OutputOptions(c mapper.OutputConfig) output.Options {
	o := output.Options{Immutable: c.Immutable, SampleMax: c.SampleBytes}
	for _, n := range c.Normalize {
		o.Normalize = append(o.Normalize, output.Normalizer{Glob: n.Match, Strip: n.Strip})
	}
	return o
}

// OutputChanges are the changes a comparison of two builds found, as the
// rules read them: each output path under prefix (the output folder as
// the repository names it, "public/"), so rules written for a repository
// that holds its served files match the build output too. Immutable
// (fingerprinted) files are left out: their URLs are new.
func OutputChanges(d output.Diff, prefix string) []diff.Change {
	changes := make([]diff.Change, 0, len(d.Added)+len(d.Changed)+len(d.Removed))
	for _, set := range []struct {
		paths  []string
		status diff.Status
	}{{d.Added, diff.Added}, {d.Changed, diff.Modified}, {d.Removed, diff.Deleted}} {
		for _, p := range set.paths {
			changes = append(changes, diff.Change{Status: set.status, Path: prefix + p, Signal: mapper.SourceOutput})
		}
	}
	slices.SortFunc(changes, func(a, b diff.Change) int { return strings.Compare(a.Path, b.Path) })
	return changes
}

// BySignal keeps the changes whose signal decides for them: a change the
// build output found when the rule that maps its path listens to the
// output, a git change when its rule listens to git (see
// mapper.Rule.Signal). A path no rule maps goes with the output when the
// output found it, else with git, so it is reported unmatched once.
func BySignal(cfg *mapper.Config, fromOutput, fromGit []diff.Change) []diff.Change {
	rules, dir := ruleOf(cfg, fromOutput, fromGit), signalDir(cfg)
	var out []diff.Change
	seen := map[string]bool{}
	for _, c := range fromOutput {
		if r := rules[c.Path]; r == nil || r.Signal(dir) == mapper.SourceOutput {
			out, seen[c.Path] = append(out, c), true
		}
	}
	for _, c := range fromGit {
		r := rules[c.Path]
		if (r == nil && !seen[c.Path]) || (r != nil && r.Signal(dir) == mapper.SourceGit) {
			c.Signal = mapper.SourceGit
			out = append(out, c)
		}
	}
	return out
}

// GitRule is the number of the first rule the git diff decides for in a
// build-output plan, 0 when the build output decides for all.
func GitRule(cfg *mapper.Config) int {
	dir := signalDir(cfg)
	for i, r := range cfg.Rules {
		if r.Signal(dir) == mapper.SourceGit {
			return i + 1
		}
	}
	return 0
}

// signalDir is the folder Rule.Signal takes the build output to be in a
// build-output plan: output.dir, else "." (--site-dir alone: the rules
// match the output's own paths, so they all lie in it).
func signalDir(cfg *mapper.Config) string {
	if cfg.Output.Dir == "" {
		return "."
	}
	return cfg.Output.Dir
}

// ruleOf maps each changed path to the rule that takes it (nil when none
// does), in one Map of every path.
func ruleOf(cfg *mapper.Config, sets ...[]diff.Change) map[string]*mapper.Rule {
	var paths []string
	for _, set := range sets {
		for _, c := range set {
			paths = append(paths, c.Path)
		}
	}
	rules := make(map[string]*mapper.Rule, len(paths))
	for _, m := range cfg.Map(paths).Matches {
		if m.Rule > 0 {
			rules[m.Path] = cfg.Rules[m.Rule-1]
		} else {
			rules[m.Path] = nil
		}
	}
	return rules
}
