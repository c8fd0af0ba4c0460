package plan

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// siteRules map public/ to URLs and fall back to CP code 5.
const siteRules = "cpcodes: [5]\nrules:\n  - match: \"public/**\"\n    strip: public/\n    urls: https://www.example.com/{path}\n"

// gitOutcome is what a case checks of Git's answer.
type gitOutcome struct {
	Changes   []string // the changed paths
	Objects   []string // the batches' objects, one batch a string
	Unmatched []string // what the mapper left unmatched
	Fallback  string
}

func TestGit(t *testing.T) {
	dir := t.TempDir()
	shas, err := gitfixture.Build(dir, true, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{"public/a.html": "a", "public/b.html": "b", "public/c.html": "c", "README": "r"}},
		{Message: "two", Write: map[string]string{"public/a.html": "A", "public/b.html": "B", "notes.txt": "n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	repo, err := diff.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	c0, c1 := shas[0], shas[1]
	for _, tc := range []struct {
		name     string
		yml      string
		from     string // the plan's start
		diffFrom string
		run      Settings
		want     gitOutcome
		err      string
	}{
		{
			name: "the diff from the base, mapped and batched", yml: siteRules, from: c0, diffFrom: c0,
			run: Settings{Timeout: time.Minute},
			want: gitOutcome{
				Changes:   []string{"notes.txt", "public/a.html", "public/b.html"},
				Objects:   []string{"https://www.example.com/a.html https://www.example.com/b.html"},
				Unmatched: []string{"notes.txt"},
			},
		},
		{
			name: "the run's time budget and buckets", yml: siteRules, from: c0, diffFrom: c0,
			run: Settings{Timeout: time.Millisecond, Buckets: &purge.Buckets{Requests: purge.Bucket{Burst: 10}, URL: purge.Bucket{Burst: 1, PerSecond: 1}}},
			want: gitOutcome{
				Changes:   []string{"notes.txt", "public/a.html", "public/b.html"},
				Objects:   []string{"5"},
				Unmatched: []string{"notes.txt"},
				Fallback:  "purging these url objects needs about 1s of Akamai's rate budget, more than --timeout 1ms: purging CP codes instead",
			},
		},
		{
			name: "the run's batch size splits the batches", yml: siteRules + "unmatched: ignore\n", from: c0, diffFrom: c0,
			run: Settings{MaxObjects: 1},
			want: gitOutcome{
				Changes:   []string{"notes.txt", "public/a.html", "public/b.html"},
				Objects:   []string{"https://www.example.com/a.html", "https://www.example.com/b.html"},
				Unmatched: []string{"notes.txt"},
			},
		},
		{
			name: "no diff: the base's forced fallback purges the CP codes", yml: siteRules,
			run:  Settings{ForceFallback: "the base commit is unknown"},
			want: gitOutcome{Changes: []string{}, Objects: []string{"5"}, Fallback: "the base commit is unknown"},
		},
		{
			name: "the empty tree: every file of the head", yml: siteRules + "ignore: [README, notes.txt]\n", diffFrom: diff.EmptyTree,
			want: gitOutcome{
				Changes: []string{"README", "notes.txt", "public/a.html", "public/b.html", "public/c.html"},
				Objects: []string{"https://www.example.com/a.html https://www.example.com/b.html https://www.example.com/c.html"},
			},
		},
		{
			name: "threshold_share counts the head's files", yml: siteRules + "threshold_share: 0.3\n", from: c0, diffFrom: c0,
			want: gitOutcome{
				Changes:   []string{"notes.txt", "public/a.html", "public/b.html"},
				Objects:   []string{"5"},
				Unmatched: []string{"notes.txt"},
				Fallback:  "2 changed files of 5 in the site (40%) exceed threshold_share 30%: purging CP codes 5 instead",
			},
		},
		{
			name: "a share the change stays under", yml: siteRules + "threshold_share: 0.5\n", from: c0, diffFrom: c0,
			want: gitOutcome{
				Changes:   []string{"notes.txt", "public/a.html", "public/b.html"},
				Objects:   []string{"https://www.example.com/a.html https://www.example.com/b.html"},
				Unmatched: []string{"notes.txt"},
			},
		},
		{
			name: "the plan's error", yml: siteRules + "unmatched: error\n", from: c0, diffFrom: c0,
			err: "notes.txt",
		},
		{
			name: "a base the repository lacks", yml: siteRules, from: strings.Repeat("e", 40), diffFrom: strings.Repeat("e", 40),
			err: "eeeeeee",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := mapper.Parse("t.yml", []byte(tc.yml))
			if err != nil {
				t.Fatal(err)
			}
			p, mapped, err := Git(context.Background(), repo, cfg, tc.from, tc.diffFrom, c1, tc.run)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Git: error %v, want one with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Git: %v", err)
			}
			if p.From != tc.from || p.To != c1 {
				t.Errorf("range %s..%s, want %s..%s", p.From, p.To, tc.from, c1)
			}
			if d := cmp.Diff(tc.want, outcomeOf(p, mapped)); d != "" {
				t.Errorf("Git (-want +got):\n%s", d)
			}
		})
	}
}

// outcomeOf is what a TestGit case checks of p and mapped.
func outcomeOf(p *Plan, mapped mapper.Result) gitOutcome {
	out := gitOutcome{Changes: []string{}, Unmatched: mapped.Unmatched, Fallback: p.Fallback.Reason}
	for _, c := range p.Changes {
		out.Changes = append(out.Changes, c.Path)
	}
	for _, b := range p.Batches {
		out.Objects = append(out.Objects, strings.Join(b.Objects, " "))
	}
	return out
}
