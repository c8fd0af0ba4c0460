// Package output compares a static site's build output between deploys: it
// hashes every file of the folder into a manifest, compares manifests,
// normalises non-reproducible bytes before hashing, and explains what
// differs.
//
// The git diff says which sources changed; for a generated site a layout or
// partial alters an unknown share of the pages. Hashing what the generator
// wrote says exactly which output files changed, provided the bytes a build
// invents each time (timestamps, random ids, cache busters) are stripped
// first: Options.Normalize does that, and Volatility suggests what to strip.
package output

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/gobwas/glob"
)

// DefaultSampleMax is the size up to which a text file keeps its
// normalised bytes in the manifest, so Explain can show the first
// difference without the previous build at hand. Larger pages cost more
// manifest than they save: give Explain the previous folder instead.
const DefaultSampleMax = 4096

// Normalizer strips the matches of Strip from every file whose slash path
// (relative to the folder, no leading "/") matches Glob; an empty Glob
// means every file.
type Normalizer struct {
	Glob  string
	Strip []*regexp.Regexp
}

// Options says how Hash reads a folder and how Compare sorts the result.
type Options struct {
	// Normalize lists the normalisers; every one whose glob matches a
	// path is applied, in order.
	Normalize []Normalizer
	// Immutable are globs of fingerprinted assets (app.3f2a1c.js): a new
	// name is a new URL, so they are counted apart and never purged.
	Immutable []string
	// SampleMax: text files up to this size keep a sample for Explain
	// (0 = DefaultSampleMax, < 0 = none).
	SampleMax int
	// Workers hash files in parallel (0 = GOMAXPROCS).
	Workers int
}

// Entry is one file of a manifest.
type Entry struct {
	Hash   [32]byte // SHA-256 of the normalised bytes
	Size   int64    // bytes on disk, before normalising
	Sample []byte   // the whole normalised text, when kept (see Options.SampleMax)
}

// Manifest is a build output: every regular file by slash path. The files
// are a slice sorted by path, not a map: Compare then walks two manifests
// side by side in memory order (100,000 map lookups of long paths cost
// about as much as the whole merge, several times over), WriteTo writes
// them in order, and Lookup finds one by binary search.
type Manifest struct {
	// Commit is the commit the output was built from; the caller sets it.
	Commit string
	// Normalizers fingerprints Options.Normalize (empty when none): a
	// manifest hashed with other normalisers differs in every file they
	// touch, which the caller should say rather than purge.
	Normalizers string
	// Files are the entries, sorted by Path, each path once.
	Files []File
	// Dir is the folder Hash read; not written by WriteTo.
	Dir string
	// Notes lists the files Hash left out or read differently (a symlink
	// out of the folder, a fifo), sorted by path; not written by WriteTo.
	Notes []Note
}

// File is one path of a manifest and its entry.
type File struct {
	Path string // slash-separated, relative to the folder
	Entry
}

// Lookup returns the entry of path.
func (m *Manifest) Lookup(path string) (Entry, bool) {
	i, ok := slices.BinarySearchFunc(m.Files, path, func(f File, p string) int { return strings.Compare(f.Path, p) })
	if !ok {
		return Entry{}, false
	}
	return m.Files[i].Entry, true
}

// Note says why Hash skipped a path or did not normalise it.
type Note struct {
	Path string
	Why  string
}

func (n Note) String() string { return n.Path + ": " + n.Why }

// pathGlobs match output paths: "*" stays within a folder and "**/"
// crosses zero or more folders, as in the config's rules.
var pathGlobs = glob.Compiler{Separators: []rune{'/'}, Globstar: true}

func compileGlob(src, what string) (*glob.Pattern, error) {
	g, err := pathGlobs.Compile(strings.TrimPrefix(src, "/"))
	if err != nil {
		return nil, fmt.Errorf("output %s glob %q: %w; write a path glob like **/*.html", what, src, err)
	}
	return g, nil
}

// normalizer is a Normalizer with its glob compiled.
type normalizer struct {
	glob  *glob.Pattern // nil = every path
	strip []*regexp.Regexp
}

func compileNormalizers(ns []Normalizer) ([]normalizer, error) {
	out := make([]normalizer, 0, len(ns))
	for _, n := range ns {
		c := normalizer{strip: n.Strip}
		if n.Glob != "" {
			g, err := compileGlob(n.Glob, "normalize")
			if err != nil {
				return nil, err
			}
			c.glob = g
		}
		out = append(out, c)
	}
	return out, nil
}

// applies reports whether any normaliser applies to path, so Hash reads
// only those files whole.
func applies(ns []normalizer, path string) bool {
	for _, n := range ns {
		if len(n.strip) > 0 && (n.glob == nil || n.glob.Match(path)) {
			return true
		}
	}
	return false
}

func apply(ns []normalizer, path string, b []byte) []byte {
	for _, n := range ns {
		if n.glob != nil && !n.glob.Match(path) {
			continue
		}
		for _, re := range n.strip {
			b = re.ReplaceAll(b, nil)
		}
	}
	return b
}

// Normalize returns b as Hash would hash it at path, for Explain's new
// bytes and a previous folder's files.
func Normalize(path string, b []byte, o Options) ([]byte, error) {
	ns, err := compileNormalizers(o.Normalize)
	if err != nil {
		return nil, err
	}
	return apply(ns, path, b), nil
}

// fingerprint names the normalisers, so a manifest says what it stripped.
func fingerprint(ns []Normalizer) string {
	if len(ns) == 0 {
		return ""
	}
	h := sha256.New()
	for _, n := range ns {
		fmt.Fprintf(h, "%q", n.Glob)
		for _, re := range n.Strip {
			fmt.Fprintf(h, " %q", re.String())
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Check compiles the globs of o, so a bad one is reported before any
// work; Hash calls it, and Compare (which returns no error) relies on it.
func (o Options) Check() error {
	if _, err := compileNormalizers(o.Normalize); err != nil {
		return err
	}
	_, err := compileImmutable(o.Immutable)
	return err
}

func compileImmutable(srcs []string) ([]*glob.Pattern, error) {
	out := make([]*glob.Pattern, 0, len(srcs))
	for _, s := range srcs {
		g, err := compileGlob(s, "immutable")
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

func (o Options) sampleMax() int {
	switch {
	case o.SampleMax == 0:
		return DefaultSampleMax
	case o.SampleMax < 0:
		return -1
	}
	return o.SampleMax
}
