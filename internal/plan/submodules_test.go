package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// TestSubmodules: a changed gitlink never passes quietly. Under warn the
// plan lists it and warns, naming the submodule and both commits; under
// cpcode it falls back to the CP codes; under error the plan fails; a
// gitlink at a path no rule covers ("public" itself) is a submodule, not
// an unmatched file; an ignored one stays ignored.
func TestSubmodules(t *testing.T) {
	t.Parallel()
	const a, b = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	cfg, err := mapper.Parse("c.yml", []byte("ignore: ['vendor/**']\nrules:\n  - match: 'public/**'\n    strip: public/\n    urls: https://www.example.com/{path}\n"))
	if err != nil {
		t.Fatal(err)
	}
	page := diff.Change{Status: diff.Modified, Path: "public/index.html"}
	link := func(st diff.Status, p, from, to string) diff.Change {
		return diff.Change{Status: st, Path: p, Kind: diff.KindGitlink, Submodule: &diff.SubmoduleMove{From: from, To: to}}
	}
	type want struct {
		Submodules []Submodule
		Unmatched  []string
		Types      []string // each batch's type
		Warning    string   // a fragment of the one warning, "" for none
		Fallback   string   // a fragment of the fallback reason, "" for none
		Err        string   // a fragment of Err, "" for nil
	}
	for _, tc := range []struct {
		name    string
		changes []diff.Change
		s       Settings
		want    want
	}{
		{"bump under a served folder, warn", []diff.Change{page, link(diff.Modified, "public/sub", a, b)}, Settings{Submodules: mapper.SubmodulesWarn},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{}, Types: []string{"url"},
				Warning: `submodule "public/sub" moved from aaaaaaaaaaaa to bbbbbbbbbbbb, so its files are not purged`}},
		{"public is the submodule, default policy", []diff.Change{link(diff.Modified, "public", a, b)}, Settings{},
			want{Submodules: []Submodule{{Path: "public", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{}, Types: nil,
				Warning: `submodule "public" moved from aaaaaaaaaaaa to bbbbbbbbbbbb`}},
		{"public is the submodule, unmatched error", []diff.Change{link(diff.Modified, "public", a, b), {Status: diff.Added, Path: "notes.txt"}}, Settings{Submodules: mapper.SubmodulesWarn, Unmatched: mapper.UnmatchedError},
			want{Submodules: []Submodule{{Path: "public", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{"notes.txt"}, Types: nil,
				Warning: `submodule "public" moved`, Err: `(unmatched: error): 1 changed file(s) no rule covers, so not purged: "notes.txt"`}},
		{"cpcode", []diff.Change{page, link(diff.Modified, "public", a, b)}, Settings{Submodules: mapper.SubmodulesCPCode, FallbackCPCodes: []int64{7}},
			want{Submodules: []Submodule{{Path: "public", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}, Covered: true}}, Unmatched: []string{}, Types: []string{"cpcode"},
				Fallback: `submodule "public" moved from aaaaaaaaaaaa to bbbbbbbbbbbb, and submodules is cpcode: purging CP codes 7 instead`}},
		{"cpcode with nothing to fall back to warns", []diff.Change{link(diff.Modified, "public", a, b)}, Settings{Submodules: mapper.SubmodulesCPCode},
			want{Submodules: []Submodule{{Path: "public", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{}, Types: nil,
				Warning: `submodule "public" moved`}},
		{"warn, another fallback covers it", []diff.Change{page, {Status: diff.Added, Path: "public/x.html"}, link(diff.Modified, "public/sub", a, b)}, Settings{Submodules: mapper.SubmodulesWarn, Threshold: 1, FallbackCPCodes: []int64{7}},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}, Covered: true}}, Unmatched: []string{}, Types: []string{"cpcode"},
				Fallback: "URLs exceed threshold 1"}},
		{"error", []diff.Change{page, link(diff.Modified, "public/sub", a, b)}, Settings{Submodules: mapper.SubmodulesError},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{}, Types: []string{"url"},
				Err: `a submodule moved (submodules: error): submodule "public/sub" moved from aaaaaaaaaaaa to bbbbbbbbbbbb: the files it serves changed in the submodule's own repository, which the diff does not read; set submodules: cpcode`}},
		{"error even with a fallback", []diff.Change{page, {Status: diff.Added, Path: "public/x.html"}, link(diff.Modified, "public/sub", a, b)}, Settings{Submodules: mapper.SubmodulesError, Threshold: 1, FallbackCPCodes: []int64{7}},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a, To: b}}}, Unmatched: []string{}, Types: []string{"cpcode"},
				Fallback: "URLs exceed threshold 1", Err: `(submodules: error): submodule "public/sub" moved`}},
		{"added", []diff.Change{link(diff.Added, "public/sub", "", b)}, Settings{},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{To: b}}}, Unmatched: []string{}, Types: []string{"url"},
				Warning: `submodule "public/sub" was added at bbbbbbbbbbbb`}},
		{"removed", []diff.Change{link(diff.Deleted, "public/sub", a, "")}, Settings{},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a}}}, Unmatched: []string{}, Types: []string{"url"},
				Warning: `submodule "public/sub" was removed (it was at aaaaaaaaaaaa)`}},
		{"became a file", []diff.Change{{Status: diff.TypeChanged, Path: "public/sub", Submodule: &diff.SubmoduleMove{From: a}}}, Settings{},
			want{Submodules: []Submodule{{Path: "public/sub", SubmoduleMove: diff.SubmoduleMove{From: a}}}, Unmatched: []string{}, Types: []string{"url"},
				Warning: `submodule "public/sub" was removed`}},
		{"ignored stays ignored", []diff.Change{page, link(diff.Modified, "vendor/theme", a, b)}, Settings{Submodules: mapper.SubmodulesError},
			want{Unmatched: []string{}, Types: []string{"url"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var paths []string
			for _, c := range tc.changes {
				paths = append(paths, c.Paths()...)
			}
			s := tc.s
			s.API, s.Action, s.Network = "fast-purge", "invalidate", "production"
			p := Build("a", "b", tc.changes, cfg.Map(paths), s)
			got := want{Submodules: p.Submodules, Unmatched: p.Unmatched}
			for _, bt := range p.Batches {
				got.Types = append(got.Types, string(bt.Type))
			}
			shape := want{Submodules: tc.want.Submodules, Unmatched: tc.want.Unmatched, Types: tc.want.Types}
			if d := cmp.Diff(shape, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if p.Fallback.Used {
				got.Fallback = p.Fallback.Reason
			}
			if err := p.Err(); err != nil {
				got.Err = err.Error()
			}
			got.Warning = pick(p.Warnings, tc.want.Warning)
			for _, f := range []struct{ what, got, want string }{{"warning", got.Warning, tc.want.Warning}, {"fallback", got.Fallback, tc.want.Fallback}, {"error", got.Err, tc.want.Err}} {
				if (f.want == "") != (f.got == "") || !strings.Contains(f.got, f.want) {
					t.Errorf("%s = %q, want %q", f.what, f.got, f.want)
				}
			}
			if strings.Contains(tc.want.Err, "submodules: error") && !errors.Is(p.Err(), ErrSubmodule) {
				t.Errorf("Err() = %v, want it to wrap ErrSubmodule", p.Err())
			}
		})
	}
}

// pick is the warning holding fragment, else the first one, else "".
func pick(warnings []string, fragment string) string {
	for _, w := range warnings {
		if fragment != "" && strings.Contains(w, fragment) {
			return w
		}
	}
	if len(warnings) > 0 {
		return warnings[0]
	}
	return ""
}
