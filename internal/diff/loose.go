package diff

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// maxAlternateDepth is git's limit on alternates that list alternates:
// it reads the info/alternates of the repository's object folder (depth
// 0) and of alternates up to 5 deep, so a chain's sixth folder is used
// and only what it lists is ignored (link_alt_odb_entries: depth > 5).
const maxAlternateDepth = 5

// objectDirs returns the object folder dir and the alternate object
// folders it lists, as git's link_alt_odb_entries finds them: a relative
// path is relative to the object folder whose info/alternates lists it,
// alternates may list alternates (5 deep), and the folder may have any
// name. go-git v5 reads only absolute alternates of a folder named
// "objects", and none of theirs, so this reader finds them itself. The
// errors say which listed folder is unusable; the folders found are
// returned all the same, as git goes on without the others.
func objectDirs(dir string) ([]string, []error) {
	seen := map[string]bool{filepath.Clean(dir): true}
	dirs := []string{filepath.Clean(dir)}
	var errs []error
	for i, depth := 0, 0; i < len(dirs); depth++ {
		level := len(dirs)
		for ; i < level; i++ {
			alts, err := alternates(dirs[i])
			if err != nil {
				errs = append(errs, err)
			}
			for _, a := range alts {
				switch {
				case seen[a]:
				case depth > maxAlternateDepth:
					errs = append(errs, fmt.Errorf("alternate object folder %s is nested more than %d deep, as git refuses too (list it in %s directly)", a, maxAlternateDepth, filepath.Join(dir, "info", "alternates")))
				default:
					seen[a] = true
					dirs = append(dirs, a)
				}
			}
		}
	}
	return dirs, errs
}

// alternates reads the folders dir/info/alternates lists, made absolute.
func alternates(dir string) ([]string, error) {
	list := filepath.Join(dir, "info", "alternates")
	b, err := os.ReadFile(list)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", list, err)
	}
	var out []string
	var errs []error
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' {
			continue
		}
		if line[0] == '"' {
			if line, err = strconv.Unquote(line); err != nil {
				errs = append(errs, fmt.Errorf("%s: cannot read the quoted path %s", list, line))
				continue
			}
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		line = filepath.Clean(line)
		if fi, err := os.Stat(line); err != nil || !fi.IsDir() {
			errs = append(errs, fmt.Errorf("alternate object folder %s, listed in %s, is not a folder (fix or remove the line, or run 'git repack -a' to stop depending on it)", line, list))
			continue
		}
		out = append(out, line)
	}
	return out, errors.Join(errs...)
}

// loose reads object h from the object folders, where git keeps an
// object it has not packed: zlib of "TYPE SIZE\0" and the content. It
// returns plumbing.ErrObjectNotFound when no folder has it.
func (o *objects) loose(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	hex := h.String()
	for _, dir := range o.dirs {
		name := filepath.Join(dir, hex[:2], hex[2:])
		f, err := os.Open(name)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, nil, fmt.Errorf("read loose object %s: %w", name, err)
		}
		defer f.Close()
		t, data, err := readLoose(f)
		if err != nil {
			return 0, nil, fmt.Errorf("read loose object %s: %w", name, err)
		}
		return t, data, nil
	}
	return 0, nil, plumbing.ErrObjectNotFound
}

// readLoose inflates a loose object file, checking its header's type and
// size, which come from disk, before it allocates.
func readLoose(f *os.File) (plumbing.ObjectType, []byte, error) {
	fi, err := f.Stat()
	if err != nil {
		return 0, nil, err
	}
	z, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, nil, err
	}
	defer z.Close()
	var hdr [32]byte
	n := 0
	for ; n < len(hdr) && (n == 0 || hdr[n-1] != 0); n++ {
		if _, err := z.Read(hdr[n : n+1]); err != nil {
			return 0, nil, fmt.Errorf("truncated header: %w", err)
		}
	}
	typ, size, ok := bytes.Cut(bytes.TrimSuffix(hdr[:n], []byte{0}), []byte(" "))
	t, err := plumbing.ParseObjectType(string(typ))
	sz, serr := strconv.ParseInt(string(size), 10, 64)
	if !ok || err != nil || serr != nil || hdr[n-1] != 0 {
		return 0, nil, fmt.Errorf("bad header %q", hdr[:n])
	}
	if sz > fi.Size()*maxRatio {
		return 0, nil, fmt.Errorf("header claims %d bytes, more than its %d bytes can hold", sz, fi.Size())
	}
	data, err := readExact(z, sz)
	return t, data, err
}
