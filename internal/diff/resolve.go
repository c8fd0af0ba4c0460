package diff

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// quickResolve resolves the common revisions (a branch, tag or HEAD, a
// full or short SHA, each optionally followed by ~N, ^, ^0 or ^1) with the
// pack reader, to the commit go-git's ResolveRevision would return. go-git
// loads every pack index into maps on its first object read, which on a
// 100,000-file repository costs more than the diff; this reads the few
// objects the answer needs. It reports false for anything it does not
// handle exactly as go-git does (other syntax, an ambiguous short SHA, a
// missing or unexpected object), and the caller then asks go-git, so
// errors and rare cases keep go-git's behaviour and wording.
func (r *Repo) quickResolve(rev string) (plumbing.Hash, bool) {
	name, steps, ok := splitRevision(rev)
	if !ok {
		return plumbing.ZeroHash, false
	}
	rd := r.objs.reader()
	// go-git tries the objects the name abbreviates before the
	// reference of that name, as git rev-parse does.
	var h plumbing.Hash
	if isHex(name) {
		if strings.ToLower(name) != name {
			// go-git matches an odd-length upper-case prefix against
			// lower-case names, so never: leave such oddities to it.
			return plumbing.ZeroHash, false
		}
		if h, ok = r.uniquePrefix(name); !ok {
			return plumbing.ZeroHash, false
		}
	} else {
		ref, err := r.expandRef(name)
		if err != nil {
			return plumbing.ZeroHash, false
		}
		h = ref.Hash()
	}
	raw, err := rd.read(plumbing.CommitObject, h)
	if err != nil {
		// An annotated tag of a commit, as go-git's Tag.Commit peels it.
		tag, err := rd.read(plumbing.TagObject, h)
		if err != nil || !bytes.Contains(headerOf(tag), []byte("\ntype commit\n")) {
			return plumbing.ZeroHash, false
		}
		if h, err = header(tag, "object"); err != nil {
			return plumbing.ZeroHash, false
		}
		if raw, err = rd.read(plumbing.CommitObject, h); err != nil {
			return plumbing.ZeroHash, false
		}
	}
	for _, n := range steps {
		for range n {
			// The first parent, which must be readable: go-git reads it.
			if h, ok = firstParent(raw); !ok {
				return plumbing.ZeroHash, false
			}
			if raw, err = rd.read(plumbing.CommitObject, h); err != nil {
				return plumbing.ZeroHash, false
			}
		}
	}
	return h, true
}

// splitRevision accepts NAME(~N|~|^|^0|^1)* with a NAME that go-git's
// revision parser takes as a plain reference: ASCII letters, digits and
// "-_./", not starting with "." or "/", without "..", "/.", "//" or a
// component ending in ".lock", not ending in "." or "/". It returns each
// step as a count of first parents to follow.
func splitRevision(rev string) (string, []int, bool) {
	end := strings.IndexAny(rev, "~^")
	if end < 0 {
		end = len(rev)
	}
	name := rev[:end]
	if !plainRefName(name) {
		return "", nil, false
	}
	var steps []int
	for s := rev[end:]; s != ""; {
		op := s[0]
		s = s[1:]
		digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
		if digits > 9 {
			return "", nil, false
		}
		n := 1
		if digits > 0 {
			n, _ = strconv.Atoi(s[:digits])
			s = s[digits:]
		}
		if op == '^' && n > 1 {
			return "", nil, false // ^2 is a second parent; ^3 an error in go-git
		}
		if s != "" && s[0] != '~' && s[0] != '^' {
			return "", nil, false
		}
		steps = append(steps, n)
	}
	return name, steps, true
}

func plainRefName(s string) bool {
	if s == "" || s[0] == '.' || s[0] == '/' || s[len(s)-1] == '.' || s[len(s)-1] == '/' ||
		strings.Contains(s, "..") || strings.Contains(s, "/.") || strings.Contains(s, "//") ||
		strings.HasSuffix(s, ".lock") || strings.Contains(s, ".lock/") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/') {
			return false
		}
	}
	return true
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f' || 'A' <= s[i] && s[i] <= 'F') {
			return false
		}
	}
	return s != ""
}

// expandRef finds the reference name stands for, in git's order (name,
// refs/name, refs/tags/name, refs/heads/name…), as go-git does.
func (r *Repo) expandRef(name string) (*plumbing.Reference, error) {
	var first error
	for _, rule := range plumbing.RefRevParseRules {
		ref, err := storer.ResolveReference(r.repo.Storer, plumbing.ReferenceName(strings.Replace(rule, "%s", name, 1)))
		if err == nil {
			return ref, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// uniquePrefix returns the one object whose name starts with the hex
// prefix, in the packs and among the loose objects, where go-git looks.
// Neither looks in alternates. It reports false for prefixes shorter than
// 4 digits (git's minimum), when a pack could not be opened here, and when
// there are no such objects or several (go-git would try them in its own
// order).
func (r *Repo) uniquePrefix(prefix string) (plumbing.Hash, bool) {
	if len(prefix) == 2*len(plumbing.ZeroHash) {
		return plumbing.NewHash(prefix), true
	}
	if len(prefix) < 4 || r.objs.skipped {
		return plumbing.ZeroHash, false
	}
	even, err := hex.DecodeString(prefix[:len(prefix)&^1])
	if err != nil {
		return plumbing.ZeroHash, false
	}
	found := map[plumbing.Hash]bool{}
	for _, p := range r.objs.packs {
		p.withPrefix(even, func(h plumbing.Hash) {
			if strings.HasPrefix(h.String(), prefix) {
				found[h] = true
			}
		})
	}
	loose, err := os.ReadDir(filepath.Join(r.commonDir, "objects", prefix[:2]))
	if err != nil && !os.IsNotExist(err) {
		return plumbing.ZeroHash, false
	}
	for _, e := range loose {
		if n := prefix[:2] + e.Name(); len(n) == 40 && isHex(n) && strings.HasPrefix(n, prefix) {
			found[plumbing.NewHash(n)] = true
		}
	}
	if len(found) != 1 {
		return plumbing.ZeroHash, false
	}
	for h := range found {
		return h, true
	}
	return plumbing.ZeroHash, false
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

// firstParent returns the hash on the first "parent" header line.
func firstParent(raw []byte) (plumbing.Hash, bool) {
	hdr := headerOf(raw)
	i := bytes.Index(hdr, []byte("\nparent "))
	if i < 0 {
		return plumbing.ZeroHash, false
	}
	line := hdr[i+len("\nparent "):]
	if len(line) < 41 || line[40] != '\n' || !plumbing.IsHash(string(line[:40])) {
		return plumbing.ZeroHash, false
	}
	return plumbing.NewHash(string(line[:40])), true
}
