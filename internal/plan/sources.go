package plan

import (
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// Source is where a purged URL came from: the repository path a rule
// mapped to it, and whether the deploy removed that file (the edge should
// then answer 404).
type Source struct {
	Path    string
	Deleted bool
}

// Sources maps each URL (and ARL) the changes were mapped to onto its
// source, so a verification knows what each URL should serve. When a URL
// comes from several paths, a file the head still holds wins over a
// removed one (a rename's {dir} URL is served by the new file), and the
// first such path in diff order over later ones.
func Sources(changes []diff.Change, res mapper.Result) map[string]Source {
	gone := removed(changes)
	out := make(map[string]Source)
	for _, m := range res.Matches {
		s := Source{Path: m.Path, Deleted: gone[m.Path]}
		for _, o := range m.Objects {
			if !o.Kind.IsURL() {
				continue
			}
			if old, seen := out[o.Value]; !seen || (old.Deleted && !s.Deleted) {
				out[o.Value] = s
			}
		}
	}
	return out
}

// removed is the set of paths the head no longer holds: deleted files and
// the old side of renames.
func removed(changes []diff.Change) map[string]bool {
	gone := make(map[string]bool)
	for _, c := range changes {
		switch c.Status {
		case diff.Deleted:
			gone[c.Path] = true
		case diff.Renamed:
			gone[c.OldPath] = true
		}
	}
	return gone
}
