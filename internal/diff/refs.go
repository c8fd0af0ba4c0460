package diff

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
)

// Refs are read here from the files git writes rather than through
// go-git's storer, which reads HEAD from a linked worktree's own git
// folder but every other per-worktree ref (refs/worktree/, refs/bisect/)
// from the shared one, and whose revision parser drops what it does not
// understand. Only the files backend exists: Open refuses reftable.

// errNoRef says a name is not a ref: absent, a folder, a dangling or too
// deep symbolic ref, or a file git itself would call broken. git's DWIM
// goes on to the next rule for all of these.
var errNoRef = errors.New("no such ref")

// dwimRules is git's ref_rev_parse_rules: the order in which a short name
// is tried as a ref.
var dwimRules = []string{"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"}

// symrefDepth is git's SYMREF_MAXDEPTH.
const symrefDepth = 5

// refs reads the refs of one repository for one Resolve; packed-refs is
// parsed once, on first use.
type refs struct {
	l      layout
	packed map[string]plumbing.Hash
	loaded bool
}

// dwim returns the hash of the first ref name stands for, in git's order.
func (rs *refs) dwim(name string) (plumbing.Hash, error) {
	for _, rule := range dwimRules {
		h, err := rs.read(strings.Replace(rule, "%s", name, 1))
		if !errors.Is(err, errNoRef) {
			return h, err
		}
	}
	return plumbing.ZeroHash, errNoRef
}

// read resolves the ref of exactly this full name, following symbolic refs.
func (rs *refs) read(name string) (plumbing.Hash, error) {
	for range symrefDepth {
		if !validRefName(name) {
			return plumbing.ZeroHash, errNoRef
		}
		target, h, err := rs.raw(name)
		if err != nil || target == "" {
			return h, err
		}
		name = target
	}
	return plumbing.ZeroHash, errNoRef
}

// raw reads one ref: a loose file, else its packed-refs line. It returns
// the target of a symbolic ref, or the hash.
func (rs *refs) raw(name string) (string, plumbing.Hash, error) {
	b, err := os.ReadFile(filepath.Join(rs.dir(name), filepath.FromSlash(name)))
	switch {
	case err == nil:
		return parseLooseRef(b)
	case !errors.Is(err, os.ErrNotExist) && !errors.Is(err, syscall.EISDIR) && !errors.Is(err, syscall.ENOTDIR):
		// A folder, or a path through a file: no loose ref, as for git.
		return "", plumbing.ZeroHash, fmt.Errorf("read ref %s: %w (check the permissions of the git folder)", name, err)
	}
	if err := rs.load(); err != nil {
		return "", plumbing.ZeroHash, err
	}
	if h, ok := rs.packed[name]; ok {
		return "", h, nil
	}
	return "", plumbing.ZeroHash, errNoRef
}

// dir is the git folder that holds the loose ref. A linked worktree keeps
// in its own git folder the names in capitals (HEAD, ORIG_HEAD, FETCH_HEAD,
// git's pseudoref syntax) and refs/worktree/, refs/bisect/ and
// refs/rewritten/; every other name, "refs/" or not, is shared.
func (rs *refs) dir(name string) string {
	if strings.Trim(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == "" || strings.HasPrefix(name, "refs/worktree/") ||
		strings.HasPrefix(name, "refs/bisect/") || strings.HasPrefix(name, "refs/rewritten/") {
		return rs.l.gitDir
	}
	return rs.l.commonDir
}

// parseLooseRef parses a loose ref file as git does: "ref: TARGET", or a
// hash followed by the end or white space (FETCH_HEAD has more after it).
// Anything else is a broken ref, which git skips.
func parseLooseRef(b []byte) (string, plumbing.Hash, error) {
	b = bytes.TrimRight(b, " \t\n\r\v\f")
	if t, ok := bytes.CutPrefix(b, []byte("ref:")); ok {
		return string(bytes.TrimLeft(t, " \t\n\r\v\f")), plumbing.ZeroHash, nil
	}
	if len(b) < 40 || !isHex(string(b[:40])) || len(b) > 40 && !isSpace(b[40]) {
		return "", plumbing.ZeroHash, errNoRef
	}
	return "", plumbing.NewHash(strings.ToLower(string(b[:40]))), nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// load parses packed-refs: "HASH NAME" lines, "^HASH" peeled lines and a
// "#" header. git refuses a malformed file, and so does this.
func (rs *refs) load() error {
	if rs.loaded {
		return nil
	}
	rs.loaded, rs.packed = true, map[string]plumbing.Hash{}
	f, err := os.Open(filepath.Join(rs.l.commonDir, "packed-refs"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read packed-refs: %w (check the permissions of the git folder)", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		hash, name, ok := strings.Cut(line, " ")
		if !ok || len(hash) != 40 || !isHex(hash) {
			return fmt.Errorf("%w: %s line %d is not \"HASH NAME\" (%s)", ErrDamaged, f.Name(), n, fsck)
		}
		rs.packed[name] = plumbing.NewHash(strings.ToLower(hash))
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", f.Name(), err)
	}
	return nil
}

// validRefName is git's check_refname_format with REFNAME_ALLOW_ONELEVEL:
// a name failing it is never read as a ref.
func validRefName(name string) bool {
	if name == "" || name == "@" || strings.HasSuffix(name, ".") ||
		strings.Contains(name, "..") || strings.Contains(name, "@{") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f || strings.IndexByte(" ~^:?*[\\", c) >= 0 {
			return false
		}
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part[0] == '.' || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	return true
}

// rewrites refuses a repository whose replace refs or grafts make git
// read other commits or parents than the stored ones: the revision and
// the diff would then differ from git's.
func (rs *refs) rewrites() error {
	if fi, err := os.Stat(filepath.Join(rs.l.commonDir, "info", "grafts")); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%w: the repository has grafts (%s), which make git see other parents than the stored ones, and ccu-purge does not apply them: remove the file, or run on a clone without it",
			ErrUnsupportedRepo, filepath.Join(rs.l.commonDir, "info", "grafts"))
	}
	if name := rs.replaceRef(); name != "" {
		return fmt.Errorf("%w: the repository has replace refs (%s, made by 'git replace'), which make git read other objects than the stored ones, and ccu-purge does not apply them: delete them with 'git replace -d', or run on a clone without them",
			ErrUnsupportedRepo, name)
	}
	return nil
}

// replaceRef returns the name of one ref under refs/replace/, or "".
func (rs *refs) replaceRef() string {
	found := ""
	root := filepath.Join(rs.l.commonDir, "refs", "replace")
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(rs.l.commonDir, path)
			found = filepath.ToSlash(rel)
			return filepath.SkipAll
		}
		return nil
	})
	if found != "" {
		return found
	}
	// A byte search, not load: a full SHA from CI needs no ref lookup,
	// and packed-refs may hold a great many tags.
	b, _ := os.ReadFile(filepath.Join(rs.l.commonDir, "packed-refs"))
	if i := bytes.Index(b, []byte(" refs/replace/")); i >= 0 {
		name, _, _ := strings.Cut(string(b[i+1:]), "\n")
		return name
	}
	return ""
}
