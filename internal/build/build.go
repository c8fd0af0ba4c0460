// Package build is the build output as a plan sees it: where the built
// site is, where the manifest of the last purged build is kept, what a
// first run does without one, comparing the build with it (with the
// safety checks and the volatility report), where the git side of a
// two-signal plan starts, the build-output plan made of both (Plan), the
// manifest's bytes to record, and explaining how one file differs. It
// reads files and returns plain data and errors, all of them the user's
// input to fix; the caller prints, writes the manifest and chooses exit
// codes.
package build

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/output"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// Flags are the command line's part: --site-dir, --manifest, --state,
// --from and --previous-dir, "" when not given.
type Flags struct {
	SiteDir, Manifest, State, From, PreviousDir string
}

// Side is what one comparison of the build output found, and the
// manifest to record at Path (What names the setting that chose it, for
// messages) once every object was purged.
type Side struct {
	Changes  []diff.Change
	Stats    *plan.OutputStats
	Manifest *output.Manifest
	Path     string
	What     string
	// Force says why the plan falls back to CP codes (a first run under
	// on_unknown_base: cpcode); "" when it does not.
	Force string
	Notes []string
}

// manifestWhat names the setting that chose manifestPath's path.
func manifestWhat(f Flags, cfg *mapper.Config) string {
	switch {
	case f.Manifest != "":
		return "--manifest"
	case cfg.Output.Manifest != "":
		return "output.manifest"
	}
	return "the manifest beside --state"
}

// dirOf is the build output a plan compares: --site-dir, else the
// config's output.dir under the repository; "" for a git-diff plan.
func dirOf(f Flags, cfg *mapper.Config, root string) string {
	if f.SiteDir != "" {
		return f.SiteDir
	}
	if cfg.Output.Dir != "" {
		return filepath.Join(cmp.Or(root, "."), filepath.FromSlash(cfg.Output.Dir))
	}
	return ""
}

// Dir is the build output a build-output plan hashes: --site-dir, else
// the config's output.dir under the repository root.
func Dir(f Flags, cfg *mapper.Config, root string) (string, error) {
	if dir := dirOf(f, cfg, root); dir != "" {
		return dir, nil
	}
	return "", fmt.Errorf("build-output mode hashes the built site: pass --site-dir DIR (the folder the site generator writes, such as public) or set output.dir in the config")
}

// ManifestPath is where the last purged build's manifest is kept:
// --manifest, else output.manifest, else beside the --state file (one per
// network, as the state's entries are), named after it whole so that one
// CI cache pattern, the state's path with a * after it, keeps both.
func ManifestPath(f Flags, cfg *mapper.Config, root string) (string, error) {
	switch {
	case f.Manifest != "":
		return f.Manifest, nil
	case cfg.Output.Manifest != "":
		return filepath.Join(cmp.Or(root, "."), filepath.FromSlash(cfg.Output.Manifest)), nil
	case f.State != "":
		return f.State + "." + string(cfg.Network) + ".manifest.gz", nil
	}
	return "", errors.New("a build-output plan compares with the manifest of the last purged build: pass --manifest FILE (kept in a CI cache or artefact) or --state FILE (the manifest is kept beside it)")
}

// ReadManifest reads the manifest at path; nil, without an error, when
// there is none yet (a first run).
func ReadManifest(path string) (*output.Manifest, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the manifest: %w", err)
	}
	m, err := output.ReadManifest(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("manifest %s: %w (delete it to start again from on_unknown_base)", path, err)
	}
	return m, nil
}

// firstRun is what on_unknown_base makes of a build-output plan with no
// manifest yet: the reason to fall back to CP codes (cpcode), nothing
// (all: every file is new), or an error (fail).
func firstRun(cfg *mapper.Config, path string) (force string, err error) {
	why := fmt.Sprintf("no manifest of a purged build at %s yet (a first run)", path)
	switch cfg.OnUnknownBase {
	case mapper.UnknownBaseCPCode:
		return why + ", and on_unknown_base is cpcode", nil
	case mapper.UnknownBaseAll:
		return "", nil
	}
	return "", fmt.Errorf("%s, and on_unknown_base is fail: set on_unknown_base: cpcode (purge the CP codes once) or all (purge every file once)", why)
}

// Compare hashes dir and compares it with the last purged build.
func Compare(ctx context.Context, f Flags, cfg *mapper.Config, dir, root string) (*Side, error) {
	path, err := ManifestPath(f, cfg, root)
	if err != nil {
		return nil, err
	}
	opts := plan.OutputOptions(cfg.Output)
	m, err := output.Hash(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	prev, err := ReadManifest(path)
	if err != nil {
		return nil, err
	}
	side := &Side{Manifest: m, Path: path, What: manifestWhat(f, cfg)}
	if prev == nil {
		if side.Force, err = firstRun(cfg, path); err != nil {
			return nil, err
		}
	}
	if err := output.CheckBuild(m, prev); err != nil {
		return nil, err
	}
	d := output.Compare(prev, m, opts)
	if cfg.Output.MaxRemoved > 0 && len(d.Removed) > cfg.Output.MaxRemoved {
		return nil, fmt.Errorf("the build removed %d files, more than output.max_removed (%d): check the build, or raise max_removed for a deliberate clean-up", len(d.Removed), cfg.Output.MaxRemoved)
	}
	side.Stats = &plan.OutputStats{Dir: dir, Manifest: path, Files: len(m.Files), Added: len(d.Added), Changed: len(d.Changed), Removed: len(d.Removed), Immutable: len(d.Immutable)}
	if prev != nil {
		side.Stats.Commit = prev.Commit
	}
	side.Changes = plan.OutputChanges(d, outputPrefix(cfg))
	side.Notes = append(skipped(m), outputNoise(cfg, prev, m, d, dir)...)
	return side, nil
}

// maxSkipped bounds the skipped files a plan names one by one.
const maxSkipped = 20

// skipped warns of the files the hash left out or read as they are (a
// symlink out of the folder, a fifo, a file too large to normalise):
// their URLs are purged only if they change in another way.
func skipped(m *output.Manifest) []string {
	var out []string
	for i, n := range m.Notes {
		if i == maxSkipped {
			out = append(out, fmt.Sprintf("build output: %d more files left out or not normalised", len(m.Notes)-i))
			break
		}
		out = append(out, "build output: "+n.String())
	}
	return out
}

// outputPrefix is what output paths are joined to for the rules: the
// output folder as the repository names it ("public/"), so rules written
// for served files match the build output too.
func outputPrefix(cfg *mapper.Config) string {
	if cfg.Output.Dir == "" || cfg.Output.Dir == "." {
		return ""
	}
	return cfg.Output.Dir + "/"
}

// outputNoise explains a flood of changed files: the normalisers changed
// since the last manifest (then the differences are theirs, and no
// report would help), else the volatility report.
func outputNoise(cfg *mapper.Config, prev, m *output.Manifest, d output.Diff, dir string) []string {
	if prev != nil && prev.Normalizers != m.Normalizers {
		return []string{"build output: output.normalize changed since the last manifest: every file a normaliser touches (or touched) counts as changed this once and is purged; the next run compares like with like"}
	}
	return volatility(cfg, prev, m, d, dir)
}

// volatility is the volatility report, when more than output.volatility
// (half by default) of the HTML files changed: which differing tokens
// recur, with a normaliser that would strip each.
func volatility(cfg *mapper.Config, prev, m *output.Manifest, d output.Diff, dir string) []string {
	changed, html := output.ChangedHTML(d, m)
	if prev == nil || html == 0 || float64(changed) <= cmp.Or(cfg.Output.Volatility, 0.5)*float64(html) {
		return nil
	}
	opts := plan.OutputOptions(cfg.Output)
	old := func(p string) ([]byte, bool) {
		e, ok := prev.Lookup(p)
		return e.Sample, ok && e.Sample != nil
	}
	cur := func(p string) ([]byte, bool) {
		b, err := readNormalized(dir, p, opts)
		return b, err == nil
	}
	return rpt.Volatility(changed, html, output.Volatility(d.Changed, old, cur))
}

// GitFrom is where the git side of a build-output plan starts: --from,
// else the last manifest's commit, else (a first run that purges every
// file) the empty tree; "" when no git diff is needed: no rule listens
// to git, or the first run falls back to CP codes.
func GitFrom(f Flags, cfg *mapper.Config, side *Side, to string) (string, error) {
	if f.From != "" {
		return f.From, nil
	}
	i := plan.GitRule(cfg)
	switch {
	case i == 0 || side.Force != "":
		return "", nil
	case to == "":
		return "", fmt.Errorf("rule %d takes its changes from the git diff (source: git, or paths outside output.dir), but there is no repository: run in the repository (--repo DIR), or give the rule source: output", i)
	}
	return cmp.Or(side.Stats.Commit, diff.EmptyTree), nil
}

// explainRel is --explain-output's path as the manifest names it,
// relative to the output folder; a path as the plan's changes list it
// (output.dir in front: public/posts/…) is taken too.
func explainRel(arg string, cfg *mapper.Config, prev *output.Manifest) string {
	rel := filepath.ToSlash(arg)
	if _, ok := prev.Lookup(rel); ok {
		return rel
	}
	if p := outputPrefix(cfg); p != "" && strings.HasPrefix(rel, p) {
		return strings.TrimPrefix(rel, p)
	}
	return rel
}

// readNormalized is the output file rel under dir as Hash hashes it.
func readNormalized(dir, rel string, opts output.Options) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil, err
	}
	return output.Normalize(rel, b, opts)
}

// Explain is plan --explain-output PATH: how one output file differs from
// the last manifest (or, with --previous-dir, from the previous build in
// full).
func Explain(f Flags, cfg *mapper.Config, root, arg string) (string, error) {
	path, err := ManifestPath(f, cfg, root)
	if err != nil {
		return "", err
	}
	prev, err := ReadManifest(path)
	if err != nil || prev == nil {
		return "", cmp.Or(err, fmt.Errorf("no manifest at %s yet: nothing to compare with", path))
	}
	rel := explainRel(arg, cfg, prev)
	opts := plan.OutputOptions(cfg.Output)
	dir, err := Dir(f, cfg, root)
	if err != nil {
		return "", err
	}
	cur, err := readNormalized(dir, rel, opts)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("--explain-output %s: the build output %s has no such file: give a path relative to it, as the manifest names it", rel, dir)
	}
	if err != nil {
		return "", fmt.Errorf("--explain-output: %w", err)
	}
	old, ok := prev.Lookup(rel)
	if !ok && f.PreviousDir == "" {
		return "", fmt.Errorf("--explain-output %s: the last manifest has no such file (a new one, or a path not relative to the output folder)", rel)
	}
	if f.PreviousDir != "" {
		if old.Sample, err = readNormalized(f.PreviousDir, rel, opts); err != nil {
			return "", fmt.Errorf("--previous-dir: %w", err)
		}
	}
	return output.Explain(rel, old, cur), nil
}
