package output

import (
	"fmt"
	"strings"

	"github.com/gobwas/glob"
)

// Diff is what changed between two manifests, each list sorted.
type Diff struct {
	Added, Changed, Removed []string
	// Immutable are the added, changed or removed files that match
	// Options.Immutable: a fingerprinted name is a new URL, so none of
	// them needs a purge. They are in no other list.
	Immutable []string
}

// Compare says which files old and new differ in; a nil manifest is an
// empty one (a first run: everything is added). It walks both sorted lists side by
// side, so each list comes out sorted. Globs are checked by Options.Check
// (Hash calls it); one that does not compile matches nothing here.
func Compare(old, new *Manifest, o Options) Diff {
	imm, _ := compileImmutable(o.Immutable)
	var a []File
	if old != nil {
		a = old.Files
	}
	var b []File
	if new != nil {
		b = new.Files
	}
	var d Diff
	put := func(list *[]string, p string) {
		if matchAny(imm, p) {
			list = &d.Immutable
		}
		*list = append(*list, p)
	}
	for i, j := 0, 0; i < len(a) || j < len(b); {
		c := 1 // past the end of a: the rest of b is added
		switch {
		case j == len(b):
			c = -1
		case i < len(a):
			c = strings.Compare(a[i].Path, b[j].Path)
		}
		switch {
		case c < 0:
			put(&d.Removed, a[i].Path)
			i++
		case c > 0:
			put(&d.Added, b[j].Path)
			j++
		default:
			if a[i].Hash != b[j].Hash {
				put(&d.Changed, b[j].Path)
			}
			i, j = i+1, j+1
		}
	}
	return d
}

func matchAny(gs []*glob.Pattern, p string) bool {
	for _, g := range gs {
		if g.Match(p) {
			return true
		}
	}
	return false
}

// A build that failed or half ran often leaves an empty or nearly empty
// folder, whose "removed" files would purge (and so refetch) the whole
// site: CheckBuild refuses when the output has fewer than minShare of the
// previous one's files, once that one had minPrev or more.
const (
	minShare = 0.10
	minPrev  = 20
)

// CheckBuild refuses an output with no files, or with fewer than 10% of
// prev's when prev had 20 or more; prev may be nil (a first run).
func CheckBuild(m, prev *Manifest) error {
	const fix = "check that the build succeeded and wrote its output there; nothing was sent and the manifest is kept, so the next run compares with the last purged build"
	if m == nil || len(m.Files) == 0 {
		return fmt.Errorf("build output %s has no files: %s", dirName(m), fix)
	}
	if prev == nil || len(prev.Files) < minPrev {
		return nil
	}
	if n, p := len(m.Files), len(prev.Files); float64(n) < minShare*float64(p) {
		return fmt.Errorf("build output %s has %d files, fewer than %.0f%% of the %d in the last manifest%s: %s",
			dirName(m), n, minShare*100, p, atCommit(prev), fix)
	}
	return nil
}

func dirName(m *Manifest) string {
	if m == nil || m.Dir == "" {
		return "(the site folder)"
	}
	return fmt.Sprintf("%q", m.Dir)
}

func atCommit(m *Manifest) string {
	if m.Commit == "" {
		return ""
	}
	return " (commit " + short(m.Commit) + ")"
}

func short(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}

// ChangedHTML counts the HTML files of new that d added or changed, and
// all of them: a share near one after a build that changed little is the
// sign of a non-reproducible build, when the Volatility report is worth
// showing.
func ChangedHTML(d Diff, new *Manifest) (changed, total int) {
	for _, l := range [][]string{d.Added, d.Changed} {
		for _, p := range l {
			if isHTML(p) {
				changed++
			}
		}
	}
	for _, f := range new.Files {
		if isHTML(f.Path) {
			total++
		}
	}
	return changed, total
}
