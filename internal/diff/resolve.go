package diff

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Resolve's grammar is its own rather than go-git's ResolveRevision, whose
// parser silently drops what it does not understand (HEAD@{1} became HEAD,
// HEAD:sub became HEAD) and tries short SHAs before refs. Each form here
// follows git's get_oid_1 (object-name.c) and is compared with
// `git rev-parse --verify REV^{commit}` by TestResolveMatchesGit; every
// other form is refused with ErrUnsupportedRevision, never read as another
// commit. Objects are read through the pack reader: go-git's first object
// read loads every pack index into maps, which on a 100,000-file
// repository costs more than the diff.

// ErrUnsupportedRevision is wrapped by Resolve for a revision form it does
// not read (reflog entries, upstream branches, searches, paths, ranges):
// the message names the form and how to pass a SHA instead.
var ErrUnsupportedRevision = errors.New("unsupported revision syntax")

// ErrAmbiguousRevision is wrapped by Resolve for a short SHA that several
// objects start with, which git refuses too.
var ErrAmbiguousRevision = errors.New("ambiguous short SHA")

// minAbbrev is git's MINIMUM_ABBREV: shorter hex strings are no SHA.
const minAbbrev = 4

var emptyTree = plumbing.NewHash(EmptyTree)

// object is one object read during a resolution.
type object struct {
	h   plumbing.Hash
	typ plumbing.ObjectType
	raw []byte
}

// resolver resolves one revision.
type resolver struct {
	r       *Repo
	rd      *reader
	refs    *refs
	rev     string
	shallow map[plumbing.Hash]bool // nil until read
}

// unsupportedForm names the form of rev that Resolve refuses, with the
// fix, or returns "".
func unsupportedForm(rev string) string {
	sha := " pass the commit's SHA instead: \"$(git rev-parse --verify " + shellQuote(rev+"^{commit}") + ")\""
	lower := strings.ToLower(rev)
	switch {
	case strings.HasPrefix(rev, ":/") || strings.Contains(rev, "^{/"):
		return "a search by commit message (:/text, REV^{/regex}) is not supported;" + sha
	case strings.Contains(rev, "@{-"):
		return "the previously checked-out branch (@{-N}) is not read;" + sha
	case strings.Contains(lower, "@{u}") || strings.Contains(lower, "@{upstream}") || strings.Contains(lower, "@{push}"):
		return "an upstream or push branch (@{upstream}, @{u}, @{push}) is not resolved;" + sha
	case strings.Contains(rev, "@{"): // before ':', which a date may hold
		return "a reflog entry (REF@{N}, REF@{date}) is not read;" + sha
	case strings.Contains(rev, ":"):
		return "a path inside a commit (REV:path, :path) names a file or folder, not a commit: name the commit"
	case strings.Contains(rev, "..") || strings.HasPrefix(rev, "^") ||
		strings.Contains(rev, "^@") || strings.Contains(rev, "^!") || strings.Contains(rev, "^-"):
		return "a range (A..B, A...B, ^A, REV^@, REV^!, REV^-) is not one commit: pass --from A --to B"
	case strings.Contains(rev, "^{tree}") || strings.Contains(rev, "^{blob}"):
		return "REV^{tree} and REV^{blob} name a tree or a file, not a commit: name the commit"
	case strings.HasPrefix(rev, "main-worktree/") || strings.HasPrefix(rev, "worktrees/"):
		return "another worktree's refs (main-worktree/REF, worktrees/NAME/REF) are not read;" + sha
	}
	return ""
}

// shellQuote quotes s for a POSIX shell, for hints the user may paste.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// eval resolves the whole revision, then peels it to a commit, as
// REV^{commit} does.
func (s *resolver) eval() (plumbing.Hash, error) {
	o, err := s.oid(s.rev, true)
	if errors.Is(err, errBareEmptyTree) {
		return emptyTree, nil
	}
	if err == nil {
		o, err = s.peelCommit(o)
	}
	return o.h, err
}

// errBareEmptyTree says the whole revision names the empty tree, which
// resolves to itself, stored or not, as git pretends it is.
var errBareEmptyTree = errors.New("the empty tree")

// oid resolves name as git's get_oid_1 does, from the right: a trailing
// ~N or ^N, else a trailing ^{TYPE}, else a name. committish is the
// preference among objects a short SHA names, which the caller's step
// sets (peel_onion clears it for ^{}, ^{tag} and ^{object}).
func (s *resolver) oid(name string, committish bool) (object, error) {
	if base, op, n, ok := splitSteps(name); ok {
		if n < 0 {
			return object{}, s.syntax()
		}
		o, err := s.oid(base, true)
		if err != nil {
			return object{}, err
		}
		return s.ancestor(o, op, n)
	}
	if base, typ, ok := splitPeel(name); ok {
		o, err := s.oid(base, typ == "commit")
		if err != nil {
			return object{}, err
		}
		return s.peelTo(o, typ)
	}
	h, err := s.name(name, committish)
	switch {
	case err != nil:
		return object{}, err
	case h == emptyTree && name == s.rev:
		return object{}, errBareEmptyTree
	case h == emptyTree:
		return object{}, fmt.Errorf("%w: %q: the empty tree is no commit, so it has no parents or tags: pass it alone, as --from %s", ErrRevisionNotFound, s.rev, EmptyTree)
	}
	return s.object(h, name)
}

// splitSteps splits a trailing ~N or ^N (N may be empty, meaning 1) off
// name; n is -1 when N overflows, which git reads as no object.
func splitSteps(name string) (base string, op byte, n int, ok bool) {
	i := len(name)
	for i > 0 && '0' <= name[i-1] && name[i-1] <= '9' {
		i--
	}
	if i == 0 || name[i-1] != '~' && name[i-1] != '^' {
		return "", 0, 0, false
	}
	n = 1
	if i < len(name) {
		v, err := strconv.ParseUint(name[i:], 10, 64)
		if n = int(v); err != nil || v > math.MaxInt32 {
			n = -1
		}
	}
	return name[:i-1], name[i-1], n, true
}

// splitPeel splits a trailing ^{TYPE} off name the way git's peel_onion
// does: at the last "^{", with TYPE matched by its start ("^{}}" is ^{}).
func splitPeel(name string) (base, typ string, ok bool) {
	if len(name) < 4 || name[len(name)-1] != '}' {
		return "", "", false
	}
	sp := strings.LastIndex(name, "^{")
	if sp < 0 {
		return "", "", false
	}
	rest := name[sp+2:]
	for _, t := range []string{"commit", "tag", "tree", "blob", "object", ""} {
		if strings.HasPrefix(rest, t+"}") {
			return name[:sp], t, true
		}
	}
	return "", "", false
}

// ancestor applies ~n (n first parents) or ^n (the n-th parent; ^0 is the
// commit itself) to o, peeled to a commit.
func (s *resolver) ancestor(o object, op byte, n int) (object, error) {
	c, err := s.peelCommit(o)
	if op == '~' {
		for i := 0; i < n && err == nil; i++ {
			c, err = s.parent(c, 1)
		}
	} else if n > 0 && err == nil {
		c, err = s.parent(c, n)
	}
	return c, err
}

// name resolves a revision without steps, in git's order: "@" is HEAD; a
// full SHA is itself; then refs (so a tag "2024" or "c2" is the tag, not
// a SHA prefix); then describe output (NAME-gHEX); then a short SHA.
// committish says whether a short SHA prefers commits and their tags.
func (s *resolver) name(base string, committish bool) (plumbing.Hash, error) {
	if base == "@" {
		base = "HEAD"
	}
	if len(base) == 2*len(plumbing.ZeroHash) && isHex(base) {
		return plumbing.NewHash(strings.ToLower(base)), nil
	}
	h, err := s.refs.dwim(base)
	if !errors.Is(err, errNoRef) {
		return h, err
	}
	if i := strings.LastIndex(base, "-g"); i >= 1 {
		h, err := s.abbrev(base[i+2:], s.isCommit)
		if err == nil || errors.Is(err, ErrUnsupportedRevision) {
			return h, err
		}
	}
	want := s.isCommittish
	if !committish {
		want = nil
	}
	h, err = s.abbrev(base, want)
	if errors.Is(err, errNoRef) {
		return plumbing.ZeroHash, s.notFound(base)
	}
	return h, err
}

// notFound explains a name that is no ref and no object.
func (s *resolver) notFound(base string) error {
	if base == "HEAD" {
		if target, _, err := s.refs.raw("HEAD"); err == nil && target != "" {
			return fmt.Errorf("%w: HEAD is on branch %q, which has no commits yet (an empty repository, or a new branch): commit first, or name a revision", ErrRevisionNotFound, strings.TrimPrefix(target, "refs/heads/"))
		}
	}
	if name, why := s.dangling(base); name != "" {
		return fmt.Errorf("%w: %s %s: point it at a branch ('git symbolic-ref %s REF') or name a revision", ErrRevisionNotFound, name, why, name)
	}
	hint := "check the name with 'git show-ref' or 'git log --oneline'"
	if isHex(base) && len(base) < minAbbrev {
		hint = fmt.Sprintf("a short SHA needs at least %d digits, as in git", minAbbrev)
	} else if s.r.IsShallow() {
		hint += "; the clone is shallow: fetch it, or check out with fetch-depth: 0"
	}
	return fmt.Errorf("%w: no ref or object is named %q (%s)", ErrRevisionNotFound, base, hint)
}

// dangling finds the first symbolic ref base stands for, in git's order,
// and says why it did not resolve (git skips such refs): its target is
// absent or no valid name, or the chain is longer than git follows. It
// returns "" when base stands for no symbolic ref.
func (s *resolver) dangling(base string) (name, why string) {
	for _, rule := range dwimRules {
		name = strings.Replace(rule, "%s", base, 1)
		target, _, err := s.refs.raw(name)
		if !validRefName(name) || err != nil || target == "" {
			continue
		}
		for range symrefDepth - 1 {
			next, _, err := s.refs.raw(target)
			switch {
			case !validRefName(target) || err != nil:
				return name, fmt.Sprintf("is a symbolic ref to %s, which does not exist", target)
			case next == "":
				return name, fmt.Sprintf("is a symbolic ref to %s, which cannot be read", target)
			}
			target = next
		}
		return name, fmt.Sprintf("starts a chain of symbolic refs longer than git follows (%d)", symrefDepth)
	}
	return "", ""
}

// object reads h, which base named.
func (s *resolver) object(h plumbing.Hash, base string) (object, error) {
	o, err := s.read(h)
	if err == nil {
		return o, nil
	}
	what := fmt.Sprintf("%s names %s", base, short(h.String()))
	switch {
	case !isMissing(err):
		return object{}, fmt.Errorf("%w: %s, which cannot be read: %v%s", ErrDamaged, what, err, fsckHint(err))
	case plumbing.IsHash(base) || s.r.IsShallow():
		return object{}, fmt.Errorf("%w: %w: %s, which is not in this clone (the clone is shallow or partial, or the commit was never fetched: fetch it, or check out with fetch-depth: 0)", ErrRevisionNotFound, ErrCommitMissing, what)
	}
	return object{}, fmt.Errorf("%w: %s names commit %s, which is not in the object store (%s)", ErrDamaged, base, short(h.String()), fsck)
}

// read returns object h whatever its type.
func (s *resolver) read(h plumbing.Hash) (object, error) {
	for _, t := range []plumbing.ObjectType{plumbing.CommitObject, plumbing.TagObject, plumbing.TreeObject, plumbing.BlobObject} {
		raw, err := s.rd.read(t, h)
		if err == nil {
			return object{h, t, raw}, nil
		}
		if !isMissing(err) {
			return object{}, err
		}
	}
	return object{}, fmt.Errorf("object %s: %w", h, plumbing.ErrObjectNotFound)
}

// syntax is the error for a revision no git form matches.
func (s *resolver) syntax() error {
	return fmt.Errorf("%w: %q is no revision git knows (see 'git help revisions')", ErrRevisionNotFound, s.rev)
}

// peelTo applies ^{TYPE} for the types that can lead to a commit.
func (s *resolver) peelTo(o object, typ string) (object, error) {
	switch typ {
	case "commit":
		return s.peelCommit(o)
	case "object":
		return o, nil
	case "tag":
		if o.typ != plumbing.TagObject {
			return object{}, fmt.Errorf("%w: %s is a %s, not a tag (from %q)", ErrRevisionNotFound, short(o.h.String()), o.typ, s.rev)
		}
		return o, nil
	case "":
		for o.typ == plumbing.TagObject {
			var err error
			if o, err = s.tagTarget(o); err != nil {
				return object{}, err
			}
		}
		return o, nil
	}
	return object{}, s.syntax()
}

// peelCommit follows tags to the commit, as REV^{commit} does.
func (s *resolver) peelCommit(o object) (object, error) {
	for range 100 {
		switch o.typ {
		case plumbing.CommitObject:
			return o, nil
		case plumbing.TagObject:
			var err error
			if o, err = s.tagTarget(o); err != nil {
				return object{}, err
			}
		default:
			return object{}, fmt.Errorf("%w: %q names a %s (%s), not a commit: name a commit or a tag of one", ErrRevisionNotFound, s.rev, o.typ, short(o.h.String()))
		}
	}
	return object{}, fmt.Errorf("%w: %q: tag chain too long (%s)", ErrDamaged, s.rev, fsck)
}

// tagTarget reads the object an annotated tag names.
func (s *resolver) tagTarget(tag object) (object, error) {
	h, err := header(tag.raw, "object")
	if err != nil {
		return object{}, fmt.Errorf("%w: tag %s: %v", ErrDamaged, short(tag.h.String()), err)
	}
	o, err := s.read(h)
	switch {
	case isMissing(err):
		return object{}, fmt.Errorf("%w: %w: tag %s names %s, which is not in this clone (fetch it, or check out with fetch-depth: 0; in a full clone, %s)", ErrRevisionNotFound, ErrCommitMissing, short(tag.h.String()), short(h.String()), fsck)
	case err != nil:
		return object{}, fmt.Errorf("%w: tag %s names %s, which cannot be read: %v%s", ErrDamaged, short(tag.h.String()), short(h.String()), err, fsckHint(err))
	}
	return o, nil
}

// parent returns the n-th parent (from 1) of commit c. A commit at the
// shallow boundary has none, as for git, even when its parents have been
// fetched since.
func (s *resolver) parent(c object, n int) (object, error) {
	ps := parents(c.raw)
	if s.isShallow(c.h) {
		return object{}, fmt.Errorf("%w: %w: %q: commit %s is at the shallow boundary, its parents are not in this clone (fetch more history: fetch-depth: 0 in actions/checkout, or pass a full SHA)", ErrRevisionNotFound, ErrCommitMissing, s.rev, short(c.h.String()))
	}
	switch {
	case len(ps) == 0:
		return object{}, fmt.Errorf("%w: %q goes back past commit %s, which is a first commit (no parents)", ErrRevisionNotFound, s.rev, short(c.h.String()))
	case n > len(ps):
		return object{}, fmt.Errorf("%w: %q: commit %s has %d parent(s), not %d", ErrRevisionNotFound, s.rev, short(c.h.String()), len(ps), n)
	}
	p, err := s.read(ps[n-1])
	switch {
	case isMissing(err):
		return object{}, fmt.Errorf("%w: %q: parent %s of commit %s is not in the object store (%s)", ErrDamaged, s.rev, short(ps[n-1].String()), short(c.h.String()), fsck)
	case err != nil:
		return object{}, fmt.Errorf("%w: %q: parent %s of commit %s cannot be read: %v%s", ErrDamaged, s.rev, short(ps[n-1].String()), short(c.h.String()), err, fsckHint(err))
	case p.typ != plumbing.CommitObject:
		return object{}, fmt.Errorf("%w: %q: parent %s of commit %s is a %s (%s)", ErrDamaged, s.rev, short(p.h.String()), short(c.h.String()), p.typ, fsck)
	}
	return p, nil
}

// parents returns the hashes on the "parent" lines of a commit, which
// follow its "tree" line.
func parents(raw []byte) []plumbing.Hash {
	var out []plumbing.Hash
	lines := bytes.Split(headerOf(raw), []byte{'\n'})
	for _, line := range lines[min(2, len(lines)):] {
		hx, ok := bytes.CutPrefix(line, []byte("parent "))
		if !ok || !plumbing.IsHash(string(hx)) {
			break
		}
		out = append(out, plumbing.NewHash(string(hx)))
	}
	return out
}

// isShallow reports whether h is listed in the shallow file.
func (s *resolver) isShallow(h plumbing.Hash) bool {
	if s.shallow == nil {
		s.shallow = map[plumbing.Hash]bool{}
		b, _ := os.ReadFile(filepath.Join(s.r.commonDir, "shallow"))
		for _, line := range strings.Fields(string(b)) {
			if plumbing.IsHash(line) {
				s.shallow[plumbing.NewHash(line)] = true
			}
		}
	}
	return s.shallow[h]
}

// isCommit and isCommittish are git's disambiguate_commit_only and
// disambiguate_committish_only: an unreadable object is neither.
func (s *resolver) isCommit(h plumbing.Hash) bool {
	_, err := s.rd.read(plumbing.CommitObject, h)
	return err == nil
}

func (s *resolver) isCommittish(h plumbing.Hash) bool {
	o, err := s.read(h)
	if err != nil {
		return false
	}
	for range 100 {
		if o.typ != plumbing.TagObject {
			return o.typ == plumbing.CommitObject
		}
		if o, err = s.tagTarget(o); err != nil {
			return false
		}
	}
	return false
}

// abbrev returns the object a short SHA names, as git's get_short_oid
// does: the only object whose name starts with it or, among several, the
// only one want accepts. It returns errNoRef when prefix is no short SHA
// or nothing starts with it.
func (s *resolver) abbrev(prefix string, want func(plumbing.Hash) bool) (plumbing.Hash, error) {
	if len(prefix) < minAbbrev || len(prefix) > 40 || !isHex(prefix) {
		return plumbing.ZeroHash, errNoRef
	}
	prefix = strings.ToLower(prefix)
	found, err := s.withPrefix(prefix)
	if err != nil || len(found) == 0 {
		return plumbing.ZeroHash, errOr(err, errNoRef)
	}
	if len(found) == 1 {
		return found[0], nil
	}
	var ok []plumbing.Hash
	for _, h := range found {
		if want != nil && want(h) {
			ok = append(ok, h)
		}
	}
	if len(ok) == 1 {
		return ok[0], nil
	}
	names := make([]string, 0, len(found))
	for _, h := range found[:min(len(found), 5)] {
		names = append(names, short(h.String()))
	}
	return plumbing.ZeroHash, fmt.Errorf("%w: %d objects start with %q (%s), as 'git rev-parse' says too: give more digits, or the full SHA", ErrAmbiguousRevision, len(found), prefix, strings.Join(names, ", "))
}

func errOr(err, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// withPrefix lists, sorted, the objects whose names start with prefix
// (lower-case hex), in the packs and loose, where git looks: the
// repository's object folder and its alternates (objects.dirs, whose packs
// are among objects.packs).
func (s *resolver) withPrefix(prefix string) ([]plumbing.Hash, error) {
	dirs := s.r.objs.dirs
	if len(dirs) > 1 && s.r.objs.skipped {
		// go-git's index, which answers for the skipped pack, does not
		// search the alternates.
		return nil, fmt.Errorf("%w: a short SHA is not searched in a repository with alternates (objects/info/alternates) and a pack this reader cannot index: pass the full SHA (git rev-parse %s)", ErrUnsupportedRevision, prefix)
	}
	if len(dirs) == 0 {
		dirs = []string{filepath.Join(s.r.commonDir, "objects")}
	}
	even, _ := hex.DecodeString(prefix[:len(prefix)&^1])
	found := map[plumbing.Hash]bool{}
	add := func(h plumbing.Hash) {
		if strings.HasPrefix(h.String(), prefix) {
			found[h] = true
		}
	}
	for _, p := range s.r.objs.packs {
		p.withPrefix(even, add)
	}
	if s.r.objs.skipped {
		// A pack this reader cannot index: go-git's index can.
		hs, err := s.r.st.HashesWithPrefix(even)
		if err != nil {
			return nil, fmt.Errorf("%w: search objects starting with %s: %v%s", ErrDamaged, prefix, err, fsckHint(err))
		}
		for _, h := range hs {
			add(h)
		}
	}
	for _, dir := range dirs {
		loose, err := os.ReadDir(filepath.Join(dir, prefix[:2]))
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("%w: search objects starting with %s: %v (check the permissions of the git folder)", ErrDamaged, prefix, err)
		}
		for _, e := range loose {
			if n := prefix[:2] + e.Name(); len(n) == 40 && isHex(n) && strings.ToLower(n) == n {
				add(plumbing.NewHash(n))
			}
		}
	}
	out := make([]plumbing.Hash, 0, len(found))
	for h := range found {
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return bytes.Compare(out[i][:], out[j][:]) < 0 })
	return out, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f' || 'A' <= s[i] && s[i] <= 'F') {
			return false
		}
	}
	return s != ""
}

// withPrefix calls fn for each object of p whose name starts with prefix.
func (p *pack) withPrefix(prefix []byte, fn func(plumbing.Hash)) {
	if len(prefix) == 0 || p.n == 0 {
		return
	}
	const names = 8 + 256*4
	lo := 0
	if prefix[0] > 0 {
		lo = int(p.fanout[prefix[0]-1])
	}
	hi := int(p.fanout[prefix[0]])
	for lo < hi { // the first name >= prefix
		mid := (lo + hi) / 2
		if bytes.Compare(p.idx[names+mid*20:names+mid*20+20], prefix) < 0 {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	for i := lo; i < p.n && bytes.HasPrefix(p.idx[names+i*20:names+i*20+20], prefix); i++ {
		fn(plumbing.Hash(p.idx[names+i*20 : names+i*20+20]))
	}
}

// headerOf returns the header lines of a commit or tag, each ending in a
// newline and the whole starting with one, so that "\nNAME " finds a line.
func headerOf(raw []byte) []byte {
	end := bytes.Index(raw, []byte("\n\n"))
	if end < 0 {
		end = len(raw)
	}
	return append([]byte{'\n'}, raw[:min(end+1, len(raw))]...)
}
