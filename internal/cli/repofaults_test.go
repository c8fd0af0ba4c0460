package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// gitSite builds, with the git binary, a repository of two commits (tag
// v1, then HEAD) whose config is siteConfig; pack packs its objects.
func gitSite(t *testing.T, pack bool) string {
	t.Helper()
	d := t.TempDir()
	gitCmd(t, d, "init", "-q", "-b", "main")
	write := func(name, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(d, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".ccu-purge.yml", siteConfig)
	write("public/a.html", "a")
	gitCmd(t, d, "add", "-A")
	gitCmd(t, d, "commit", "-qm", "one")
	gitCmd(t, d, "tag", "v1")
	write("public/a.html", "a2")
	write("public/b.html", "b")
	gitCmd(t, d, "add", "-A")
	gitCmd(t, d, "commit", "-qm", "two")
	if pack {
		gitCmd(t, d, "gc", "-q")
	}
	return d
}

// object is the loose object file of rev in repository d.
func object(t *testing.T, d, rev string) string {
	sha := gitCmd(t, d, "rev-parse", rev)
	return filepath.Join(d, ".git", "objects", sha[:2], sha[2:])
}

// replaceWithDir makes path unreadable as a file, which chmod cannot do
// for root (these tests run as root in CI containers).
func replaceWithDir(t *testing.T, path string) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func replaceWithFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Damaged, empty and odd repositories against plan and purge: exit 2 with
// one message that says what is wrong and what to do, nothing sent, and a
// report that accounts for what was planned (nothing); or exit 0 for the
// odd but valid ranges.
func TestRepositoryFaults(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(t *testing.T) string // returns the repository
		from  string
		to    string
		code  int
		want  []string
	}{
		{"not a repository", func(t *testing.T) string { return t.TempDir() }, "v1", "", 2,
			[]string{"not a git repository", "pass --repo DIR"}},
		{"empty repository (git init, no commits)", func(t *testing.T) string {
			d := t.TempDir()
			gitCmd(t, d, "init", "-q", "-b", "main")
			return d
		}, "HEAD", "", 2, []string{`HEAD is on branch "main", which has no commits yet`}},
		{"unborn HEAD (new branch without commits)", func(t *testing.T) string {
			d := gitSite(t, false)
			gitCmd(t, d, "symbolic-ref", "HEAD", "refs/heads/next")
			return d
		}, "v1", "", 2, []string{`HEAD is on branch "next", which has no commits yet`, "name a revision"}},
		{"missing loose commit", func(t *testing.T) string {
			d := gitSite(t, false)
			os.Remove(object(t, d, "v1"))
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "v1 names commit", "git fsck"}},
		{"corrupt loose commit", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithFile(t, object(t, d, "v1"), "not zlib")
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "cannot be read", "git fsck"}},
		{"loose commit replaced by a folder (unreadable)", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithDir(t, object(t, d, "v1"))
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "git fsck"}},
		{"missing tree", func(t *testing.T) string {
			d := gitSite(t, false)
			os.Remove(object(t, d, "HEAD:public"))
			return d
		}, "v1", "", 2, []string{"read tree", "git fsck"}},
		{"missing pack", func(t *testing.T) string {
			d := gitSite(t, true)
			packs, _ := filepath.Glob(filepath.Join(d, ".git/objects/pack/*.pack"))
			for _, p := range packs {
				os.Remove(p)
			}
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "not in the object store", "git fsck"}},
		{"corrupt pack", func(t *testing.T) string {
			d := gitSite(t, true)
			packs, _ := filepath.Glob(filepath.Join(d, ".git/objects/pack/*.pack"))
			data, err := os.ReadFile(packs[0])
			if err != nil {
				t.Fatal(err)
			}
			for i := 12; i < len(data)-20; i++ { // keep the header and trailer
				data[i] ^= 0x5a
			}
			replaceWithFile(t, packs[0], string(data))
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "git fsck"}},
		{"shallow clone without the base, no remote", func(t *testing.T) string {
			src := gitSite(t, false)
			d := t.TempDir()
			gitCmd(t, d, "clone", "-q", "--depth", "1", "file://"+src, ".")
			gitCmd(t, d, "remote", "remove", "origin")
			return d
		}, "HEAD~1", "", 2, []string{"commit not in the local repository", "fetch-depth: 0"}},
		{".git/HEAD unreadable (a folder)", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithDir(t, filepath.Join(d, ".git", "HEAD"))
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "HEAD is not a file"}},
		{".git/objects unreadable (a file)", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithFile(t, filepath.Join(d, ".git", "objects"), "")
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "objects is not a folder"}},
		{".git/refs unreadable (a file)", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithFile(t, filepath.Join(d, ".git", "refs"), "")
			return d
		}, "v1", "", 2, []string{"the repository is damaged", "refs is not a folder"}},
		{".git file pointing nowhere", func(t *testing.T) string {
			d := gitSite(t, false)
			replaceWithFile(t, filepath.Join(d, ".git"), "gitdir: /nonexistent/ccu-purge-test\n")
			return d
		}, "v1", "", 2, []string{"not a git repository", "/nonexistent/ccu-purge-test", "git worktree repair"}},
		{"from equal to to: nothing to purge", func(t *testing.T) string { return gitSite(t, false) }, "HEAD", "HEAD", 0, nil},
		{"unrelated histories: a valid tree diff", func(t *testing.T) string {
			d := gitSite(t, false)
			gitCmd(t, d, "checkout", "-q", "--orphan", "other")
			gitCmd(t, d, "rm", "-rqf", "public")
			os.WriteFile(filepath.Join(d, "public-c.html"), []byte("c"), 0o644)
			gitCmd(t, d, "add", "-A")
			gitCmd(t, d, "commit", "-qm", "unrelated")
			return d
		}, "main", "other", 0, nil},
		{"from after to: a valid tree diff", func(t *testing.T) string { return gitSite(t, false) }, "HEAD", "v1", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.build(t)
			args := []string{"--repo", dir, "--from", tc.from}
			if tc.to != "" {
				args = append(args, "--to", tc.to)
			}
			check := leakCheck(t)
			r := runQuick(t, nil, append([]string{"plan"}, args...)...)
			oneMessage(t, r, tc.code, tc.want...)
			report := filepath.Join(t.TempDir(), "r.json")
			// A failing range stops before credentials are needed; a valid one
			// is purged through the simulator.
			creds := []string{"--edgerc", filepath.Join(t.TempDir(), "none")}
			var planned []string
			sim, flags := hardSim(t, ccusim.Options{})
			if tc.code == 0 {
				creds, planned = flags, plannedObjects(t, args...)
			}
			r = runQuick(t, nil, append(append([]string{"purge", "--report", report}, creds...), args...)...)
			check()
			oneMessage(t, r, tc.code, tc.want...)
			accounting(t, report, planned, sim, r.code)
			if tc.code != 0 && sim.Requests() != 0 {
				t.Errorf("%d request(s) sent", sim.Requests())
			}
		})
	}
}

// from after to is a valid tree diff (a rollback deploy): the statuses are
// reversed, and the objects purged are the same, since a rollback changes
// the same pages back.
func TestRangeReversed(t *testing.T) {
	dir, _ := site(t, siteConfig, nil)
	forward := plannedObjects(t, "--repo", dir, "--from", "v1", "--to", "HEAD")
	backward := plannedObjects(t, "--repo", dir, "--from", "HEAD", "--to", "v1")
	if d := cmp.Diff(forward, backward); d != "" || len(forward) != 5 {
		t.Errorf("objects of HEAD..v1 differ from v1..HEAD (-forward +backward):\n%s", d)
	}
	p := planJSON(t, run(t, "plan", "--repo", dir, "--from", "HEAD", "--to", "v1", "--output", "json"))
	got := map[string]string{}
	for _, c := range p.Changes {
		got[c.Path] = c.Status
	}
	if got["public/gone.html"] != "A" || got["public/a b/é#1.html"] != "D" || got["public/old.html"] != "R" {
		t.Errorf("reversed statuses: %v", got)
	}
}
