package diff

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	formatcfg "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// ErrUnsupportedRepo is wrapped by Open when the repository uses a format
// go-git v5 cannot read (SHA-256 objects, reftable refs, a treeless partial
// clone). The message names the format and how to get a readable clone.
var ErrUnsupportedRepo = errors.New("unsupported repository format")

// tolerated lists the extensions (lower case) that change nothing for
// reading commits and trees, but that go-git v5.19.3 refuses anyway:
// `git sparse-checkout set` writes worktreeConfig, partial clones may write
// partialClone. git.Open never sees them (see readOnlyStorage.Config).
var tolerated = map[string]bool{
	"noop": true, "noop-v1": true, "worktreeconfig": true,
	"partialclone": true, "preciousobjects": true,
}

// harmless reports whether extension key=value (lower case) may be hidden
// from go-git: a tolerated one, or a format spelled out as the default.
func harmless(key, value string) bool {
	return tolerated[key] || key == "objectformat" && value == "sha1" || key == "refstorage" && value == "files"
}

// layout is where the parts of a repository live on disk.
type layout struct {
	gitDir    string // the per-worktree git folder (HEAD, index)
	commonDir string // objects, refs, config: gitDir except in linked worktrees
	root      string // the worktree's top folder, "" when bare
}

// Open opens the repository at path or at one of its parents, the way git
// does when run from a sub-folder. It reads linked worktrees through their
// commondir, and it accepts repositories that go-git's own PlainOpen refuses
// although nothing in them matters for a tree diff (sparse checkouts, partial
// clones). It never writes to the repository. Close releases the pack files.
func Open(path string) (*Repo, error) {
	l, err := locate(path)
	if err != nil {
		return nil, err
	}
	if err := checkLayout(l); err != nil {
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	if err := checkFormat(l.commonDir); err != nil {
		return nil, fmt.Errorf("open %q: %w", path, err)
	}
	// Alternates (clone --shared) hold absolute paths, which go-git's
	// default, the git folder, refuses as outside its root.
	st := filesystem.NewStorageWithOptions(repoFS(l), cache.NewObjectLRUDefault(),
		filesystem.Options{KeepDescriptors: true, AlternatesFS: osfs.New("/")})
	var wt billy.Filesystem
	if l.root != "" {
		wt = osfs.New(l.root)
	}
	repo := &Repo{st: st, objs: openPacks(l.commonDir, st), layout: l}
	r, err := git.Open(readOnlyStorage{st, repo}, wt)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo.Close()
		return nil, fmt.Errorf("open %q: %w (run inside a clone or pass --repo DIR)", path, ErrNotRepository)
	}
	if err != nil {
		repo.Close()
		return nil, fmt.Errorf("open repository %q: %w", path, err)
	}
	repo.repo = r
	return repo, nil
}

// locate finds the git folder for path: path/.git (a folder, or a file
// naming one), path itself when it is a bare repository, else the parents.
func locate(path string) (layout, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return layout{}, fmt.Errorf("open %q: %w", path, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return layout{}, fmt.Errorf("open %q: %w (run inside a clone or pass --repo DIR)", path, ErrNotRepository)
	}
	for dir := abs; ; dir = filepath.Dir(dir) {
		l, ok, err := at(dir)
		if err != nil || ok {
			return l, err
		}
		if filepath.Dir(dir) == dir {
			return layout{}, fmt.Errorf("open %q: %w (run inside a clone or pass --repo DIR)", path, ErrNotRepository)
		}
	}
}

// at reports the repository whose worktree top or bare folder is dir.
func at(dir string) (layout, bool, error) {
	dotGit := filepath.Join(dir, ".git")
	fi, err := os.Stat(dotGit)
	switch {
	case err == nil && fi.IsDir():
		return withCommonDir(layout{gitDir: dotGit, root: dir})
	case err == nil:
		gd, err := readGitFile(dotGit)
		if err != nil {
			return layout{}, false, err
		}
		return withCommonDir(layout{gitDir: gd, root: dir})
	case isGitDir(dir):
		return withCommonDir(layout{gitDir: dir})
	}
	return layout{}, false, nil
}

// isGitDir is git's own test for a bare repository: HEAD, refs, objects
// (or a commondir, which holds them elsewhere).
func isGitDir(dir string) bool {
	exists := func(name string) bool { _, err := os.Stat(filepath.Join(dir, name)); return err == nil }
	return exists("HEAD") && (exists("commondir") || exists("objects") && exists("refs"))
}

// readGitFile reads a ".git" file, "gitdir: PATH", written by linked
// worktrees and submodules; a relative PATH is relative to the file.
func readGitFile(name string) (string, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", name, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	gd, ok := strings.CutPrefix(strings.TrimSpace(line), "gitdir:")
	if !ok {
		return "", fmt.Errorf("read %s: %w: no \"gitdir:\" line (is the worktree broken? try 'git worktree repair')", name, ErrNotRepository)
	}
	gd = strings.TrimSpace(gd)
	if !filepath.IsAbs(gd) {
		gd = filepath.Join(filepath.Dir(name), gd)
	}
	gd = filepath.Clean(gd)
	if fi, err := os.Stat(gd); err != nil || !fi.IsDir() {
		return "", fmt.Errorf("read %s: %w: it points to %s, which is not a folder (was the main repository moved or deleted? try 'git worktree repair')", name, ErrNotRepository, gd)
	}
	return gd, nil
}

// checkLayout refuses a git folder whose parts have the wrong type or
// cannot be read, which go-git would report as a missing repository or a
// missing revision: HEAD must be a file, objects and refs folders.
func checkLayout(l layout) error {
	for _, part := range []struct {
		path string
		dir  bool
	}{{filepath.Join(l.gitDir, "HEAD"), false}, {filepath.Join(l.commonDir, "objects"), true}, {filepath.Join(l.commonDir, "refs"), true}} {
		fi, err := os.Stat(part.path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			continue // go-git says what is missing
		case err != nil:
			return fmt.Errorf("%w: %v (check the permissions of the git folder)", ErrDamaged, err)
		case fi.IsDir() != part.dir:
			want := "a file"
			if part.dir {
				want = "a folder"
			}
			return fmt.Errorf("%w: %s is not %s (%s)", ErrDamaged, part.path, want, fsck)
		}
		f, err := os.Open(part.path)
		if err != nil {
			return fmt.Errorf("%w: %v (check the permissions of the git folder)", ErrDamaged, err)
		}
		f.Close()
	}
	return nil
}

func withCommonDir(l layout) (layout, bool, error) {
	l.commonDir = l.gitDir
	b, err := os.ReadFile(filepath.Join(l.gitDir, "commondir"))
	if errors.Is(err, os.ErrNotExist) {
		return l, true, nil
	}
	if err != nil {
		return l, false, fmt.Errorf("read commondir of %s: %w", l.gitDir, err)
	}
	cd := strings.TrimSpace(string(b))
	if !filepath.IsAbs(cd) {
		cd = filepath.Join(l.gitDir, cd)
	}
	l.commonDir = filepath.Clean(cd)
	return l, true, nil
}

func repoFS(l layout) billy.Filesystem {
	dot := osfs.New(l.gitDir)
	if l.commonDir == l.gitDir {
		return dot
	}
	return dotgit.NewRepositoryFilesystem(dot, osfs.New(l.commonDir))
}

// readConfig parses the repository's own config file (not the global one).
func readConfig(commonDir string) (*formatcfg.Config, error) {
	return readConfigFile(filepath.Join(commonDir, "config"))
}

// readConfigFile parses one git config file; a missing one is empty.
func readConfigFile(name string) (*formatcfg.Config, error) {
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return formatcfg.New(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read repository config: %w", err)
	}
	defer f.Close()
	cfg := formatcfg.New()
	if err := formatcfg.NewDecoder(f).Decode(cfg); err != nil {
		return nil, fmt.Errorf("parse %s: %w", f.Name(), err)
	}
	return cfg, nil
}

// checkFormat refuses, with the reason and the fix, the formats go-git v5
// cannot read, before go-git reports them as a bare "unknown extension".
func checkFormat(commonDir string) error {
	cfg, err := readConfig(commonDir)
	if err != nil {
		return err
	}
	for _, o := range cfg.Section("extensions").Options {
		if err := checkExtension(strings.ToLower(o.Key), strings.ToLower(o.Value)); err != nil {
			return err
		}
	}
	for _, sub := range cfg.Section("remote").Subsections {
		if f := sub.Option("partialclonefilter"); omitsTrees(f) {
			return fmt.Errorf("%w: repository is a treeless partial clone (--filter=%s), whose older commits have no trees here and go-git v5 cannot fetch them lazily; clone with --filter=blob:none (actions/checkout: filter: blob:none) or without a filter", ErrUnsupportedRepo, f)
		}
	}
	return nil
}

// isPartial reports whether the repository is a partial clone, which git
// marks with a promisor remote (or extensions.partialClone) and .promisor
// packs: there, a missing object is one not fetched yet, not damage.
func isPartial(commonDir string, dirs []string) bool {
	cfg, err := readConfig(commonDir)
	if err == nil && cfg.Section("extensions").Option("partialclone") != "" {
		return true
	}
	if err == nil {
		for _, sub := range cfg.Section("remote").Subsections {
			if sub.Option("promisor") == "true" || sub.Option("partialclonefilter") != "" {
				return true
			}
		}
	}
	for _, dir := range dirs {
		if names, _ := filepath.Glob(filepath.Join(dir, "pack", "*.promisor")); len(names) > 0 {
			return true
		}
	}
	return false
}

// omitsTrees reports whether a partial-clone filter leaves trees out, so
// that a diff would fail midway on the first one missing: tree:DEPTH, an
// object:type that is not blob or tree, or a combine: of filters (joined
// by "+", each URL-encoded) one of which does. Blob filters are harmless:
// the diff never reads a blob.
func omitsTrees(filter string) bool {
	subs := []string{filter}
	if rest, ok := strings.CutPrefix(filter, "combine:"); ok {
		subs = strings.Split(rest, "+")
	}
	for _, f := range subs {
		if u, err := url.PathUnescape(f); err == nil {
			f = u
		}
		typ, isType := strings.CutPrefix(f, "object:type=")
		if strings.HasPrefix(f, "tree:") || isType && typ != "blob" && typ != "tree" {
			return true
		}
	}
	return false
}

func checkExtension(key, value string) error {
	switch {
	case harmless(key, value):
		return nil
	case key == "objectformat":
		return fmt.Errorf("%w: repository uses %s object names, which go-git v5 cannot read; run ccu-purge on a SHA-1 repository (the git default)", ErrUnsupportedRepo, strings.ToUpper(strings.ReplaceAll(value, "sha", "SHA-")))
	case key == "refstorage":
		return fmt.Errorf("%w: repository stores its refs as %s, which go-git v5 cannot read; convert it with 'git refs migrate --ref-format=files' or clone with --ref-format=files", ErrUnsupportedRepo, value)
	}
	return fmt.Errorf("%w: repository needs the git extension %q, which go-git v5 does not support; use a plain clone without it", ErrUnsupportedRepo, key)
}

// readOnlyStorage hides the tolerated extensions from git.Open's extension
// check (go-git#1943), which reads the config through the storer, and
// refuses to write the config, so the hidden lines can never be lost. It
// reads objects with the repository's own reader first, so that go-git
// (Resolve) finds what git finds and go-git v5 does not: objects behind
// alternates that are relative, chained or not named "objects", and in
// packs with a version 1 index.
type readOnlyStorage struct {
	*filesystem.Storage
	repo *Repo // whose objects Fetch replaces
}

// EncodedObject returns object h from the repository's reader, or else
// from go-git, whose error then says why it is not there.
func (s readOnlyStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	rd := s.repo.objs.reader()
	typ, data, err := rd.packed(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		typ, data, err = rd.loose(h)
	}
	if err != nil {
		return s.Storage.EncodedObject(t, h)
	}
	if t != plumbing.AnyObject && t != typ {
		return nil, plumbing.ErrObjectNotFound
	}
	o := &plumbing.MemoryObject{}
	o.SetType(typ)
	o.Write(data)
	return o, nil
}

// Config returns the repository config without the tolerated extensions.
func (s readOnlyStorage) Config() (*config.Config, error) {
	cfg, err := s.Storage.Config()
	if err != nil || cfg.Raw == nil || !cfg.Raw.HasSection("extensions") {
		return cfg, err
	}
	ext := cfg.Raw.Section("extensions")
	kept := ext.Options[:0:0]
	for _, o := range ext.Options {
		if !harmless(strings.ToLower(o.Key), strings.ToLower(o.Value)) {
			kept = append(kept, o)
		}
	}
	ext.Options = kept
	return cfg, nil
}

// SetConfig refuses: ccu-purge never changes a repository's config.
func (s readOnlyStorage) SetConfig(*config.Config) error {
	return errors.New("ccu-purge does not change the repository config")
}
