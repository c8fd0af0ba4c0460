package cli

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
	"github.com/ccu-purge/ccu-purge/internal/options"
	"github.com/ccu-purge/ccu-purge/internal/output"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// built is the build output a plan hashed: its manifest, recorded at
// path once every object was purged.
type built struct {
	manifest *output.Manifest
	path     string
	what     string // what names the path in a message: --manifest, output.manifest…
}

// manifestWhat names the setting that chose manifestPath's path.
func manifestWhat(o *options.Options, cfg *mapper.Config) string {
	switch {
	case o.Manifest != "":
		return "--manifest"
	case cfg.Output.Manifest != "":
		return "output.manifest"
	}
	return "the manifest beside --state"
}

// outputDir is the build output a plan compares: --site-dir, else the
// config's output.dir under the repository; "" for a git-diff plan.
func outputDir(o *options.Options, cfg *mapper.Config, root string) string {
	if o.Verify.SiteDir != "" {
		return o.Verify.SiteDir
	}
	if cfg.Output.Dir != "" {
		return filepath.Join(cmp.Or(root, "."), filepath.FromSlash(cfg.Output.Dir))
	}
	return ""
}

// buildDir is outputDir, which build-output mode cannot do without.
func buildDir(o *options.Options, cfg *mapper.Config, root string) (string, error) {
	if dir := outputDir(o, cfg, root); dir != "" {
		return dir, nil
	}
	return "", usagef("build-output mode hashes the built site: pass --site-dir DIR (the folder the site generator writes, such as public) or set output.dir in the config")
}

// manifestPath is where the last purged build's manifest is kept:
// --manifest, else output.manifest, else beside the --state file (one per
// network, as the state's entries are).
func manifestPath(o *options.Options, cfg *mapper.Config, root string) (string, error) {
	switch {
	case o.Manifest != "":
		return o.Manifest, nil
	case cfg.Output.Manifest != "":
		return filepath.Join(cmp.Or(root, "."), filepath.FromSlash(cfg.Output.Manifest)), nil
	case o.State != "":
		return strings.TrimSuffix(o.State, ".json") + "." + string(cfg.Network) + ".manifest.gz", nil
	}
	return "", errors.New("a build-output plan compares with the manifest of the last purged build: pass --manifest FILE (kept in a CI cache or artefact) or --state FILE (the manifest is kept beside it)")
}

// readManifest reads the manifest at path; nil, without an error, when
// there is none yet (a first run).
func readManifest(path string) (*output.Manifest, error) {
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

// outputSide is what one comparison of the build output found.
type outputSide struct {
	changes []diff.Change
	stats   *plan.OutputStats
	built   *built
	force   string // why the plan falls back to CP codes, "" when it does not
	notes   []string
}

// compareOutput hashes dir and compares it with the last purged build.
func compareOutput(ctx context.Context, o *options.Options, cfg *mapper.Config, dir, root string) (*outputSide, error) {
	path, err := manifestPath(o, cfg, root)
	if err != nil {
		return nil, usageErr(err)
	}
	opts := plan.OutputOptions(cfg.Output)
	m, err := output.Hash(ctx, dir, opts)
	if err != nil {
		return nil, usagef("build output: %w", err)
	}
	prev, err := readManifest(path)
	if err != nil {
		return nil, usageErr(err)
	}
	side := &outputSide{built: &built{manifest: m, path: path, what: manifestWhat(o, cfg)}}
	if prev == nil {
		if side.force, err = firstRun(cfg, path); err != nil {
			return nil, usageErr(err)
		}
	}
	if err := output.CheckBuild(m, prev); err != nil {
		return nil, usageErr(err)
	}
	d := output.Compare(prev, m, opts)
	if cfg.Output.MaxRemoved > 0 && len(d.Removed) > cfg.Output.MaxRemoved {
		return nil, usagef("the build removed %d files, more than output.max_removed (%d): check the build, or raise max_removed for a deliberate clean-up", len(d.Removed), cfg.Output.MaxRemoved)
	}
	side.stats = &plan.OutputStats{Dir: dir, Manifest: path, Files: len(m.Files), Added: len(d.Added), Changed: len(d.Changed), Removed: len(d.Removed), Immutable: len(d.Immutable)}
	if prev != nil {
		side.stats.Commit = prev.Commit
	}
	side.changes = plan.OutputChanges(d, outputPrefix(cfg))
	side.notes = append(skipped(m), outputNoise(cfg, prev, m, d, dir)...)
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

// outputPlan is buildPlan in build-output mode: the output files whose
// hashes differ from the last purged build's manifest and, with --from,
// the git diff for the rules that listen to it (source: git).
func (e *env) outputPlan(ctx context.Context, o *options.Options) (*planned, error) {
	cfg, root, to, err := e.outputConfig(o)
	if err != nil {
		return nil, err
	}
	dir, err := buildDir(o, cfg, root)
	if err != nil {
		return nil, err
	}
	side, err := compareOutput(ctx, o, cfg, dir, root)
	if err != nil {
		return nil, err
	}
	side.built.manifest.Commit = to
	changes, err := e.withGit(ctx, o, cfg, side, to)
	if err != nil {
		return nil, err
	}
	settings := plan.SettingsOf(cfg)
	settings.MaxObjects, settings.Timeout, settings.ForceFallback = o.BatchSize, o.Timeout, side.force
	mapped := cfg.Map(changedPaths(changes))
	p := plan.Build(side.stats.Commit, to, changes, mapped, settings)
	p.Mode, p.Output = "output", side.stats
	p.Warnings = append(p.Warnings, side.notes...)
	if err := p.Err(); err != nil {
		return nil, usageErr(err)
	}
	rng := plan.Range{From: side.stats.Commit, To: to, Source: "output manifest " + side.built.path}
	return &planned{PlanDoc: rpt.PlanDoc{Range: rng, Plan: p}, cfg: cfg, mapped: mapped, built: side.built}, nil
}

// changedPaths are every path the changes touch (both sides of a rename).
func changedPaths(changes []diff.Change) []string {
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	return paths
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
// git, or a rule outside output.dir): from --from, else from the commit
// the last manifest recorded, so a static/ file the repository serves is
// purged, not dropped, when CI gives no --from.
func (e *env) withGit(ctx context.Context, o *options.Options, cfg *mapper.Config, side *outputSide, to string) ([]diff.Change, error) {
	from, err := gitFrom(o, cfg, side, to)
	if from == "" || err != nil {
		return side.changes, err
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
	return plan.BySignal(cfg, side.changes, fromGit), nil
}

// gitFrom is where the git side of a build-output plan starts: --from,
// else the last manifest's commit, else (a first run that purges every
// file) the empty tree; "" when no git diff is needed: no rule listens
// to git, or the first run falls back to CP codes.
func gitFrom(o *options.Options, cfg *mapper.Config, side *outputSide, to string) (string, error) {
	if o.From != "" {
		return o.From, nil
	}
	i := plan.GitRule(cfg)
	switch {
	case i == 0 || side.force != "":
		return "", nil
	case to == "":
		return "", usagef("rule %d takes its changes from the git diff (source: git, or paths outside output.dir), but there is no repository: run in the repository (--repo DIR), or give the rule source: output", i)
	}
	return cmp.Or(side.stats.Commit, diff.EmptyTree), nil
}

// recordOutput replaces the manifest with the purged build's, once every
// object was purged: a failed run keeps the old one, so the next run
// compares with the last build the edge really dropped.
func (e *env) recordOutput(b *built) error {
	if b == nil {
		return nil
	}
	var data bytes.Buffer
	if _, err := b.manifest.WriteTo(&data); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but the manifest could not be written: %w", err)}
	}
	if err := e.writeOut(b.path, data.Bytes()); err != nil {
		return &exitError{ExitFailed, fmt.Errorf("everything was purged, but %w: the next run will compare with the older build and purge its changes again", err)}
	}
	fmt.Fprintf(e.stdout, "Recorded the build output's manifest (%d files) in %s.\n", len(b.manifest.Files), b.path)
	return nil
}

// explainOutput is plan --explain-output PATH: how one output file
// differs from the last manifest (or, with --previous-dir, from the
// previous build in full).
func (e *env) explainOutput(o *options.Options) error {
	cfg, root, _, err := e.outputConfig(o)
	if err != nil {
		return err
	}
	path, err := manifestPath(o, cfg, root)
	if err != nil {
		return usageErr(err)
	}
	prev, err := readManifest(path)
	if err != nil || prev == nil {
		return usageIf(cmp.Or(err, fmt.Errorf("no manifest at %s yet: nothing to compare with", path)))
	}
	rel := explainRel(o.ExplainOutput, cfg, prev)
	opts := plan.OutputOptions(cfg.Output)
	dir, err := buildDir(o, cfg, root)
	if err != nil {
		return err
	}
	cur, err := readNormalized(dir, rel, opts)
	if errors.Is(err, fs.ErrNotExist) {
		return usagef("--explain-output %s: the build output %s has no such file: give a path relative to it, as the manifest names it", rel, dir)
	}
	if err != nil {
		return usagef("--explain-output: %w", err)
	}
	old, ok := prev.Lookup(rel)
	if !ok && o.PreviousDir == "" {
		return usagef("--explain-output %s: the last manifest has no such file (a new one, or a path not relative to the output folder)", rel)
	}
	if o.PreviousDir != "" {
		if old.Sample, err = readNormalized(o.PreviousDir, rel, opts); err != nil {
			return usagef("--previous-dir: %w", err)
		}
	}
	fmt.Fprintln(e.stdout, output.Explain(rel, old, cur))
	return nil
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
