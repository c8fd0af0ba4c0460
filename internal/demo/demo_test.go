package demo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Repo builds the example where it is missing and reuses it where it is
// there, saying which commits it built.
func TestRepo(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	repo, shas, err := Repo(".", tmp)
	if err != nil || repo != filepath.Join(tmp, "demo-site.git") || len(shas) != len(Commits()) {
		t.Fatalf(`Repo(".") = %q, %d commits, %v`, repo, len(shas), err)
	}
	dir := filepath.Join(t.TempDir(), "site.git")
	if repo, shas, err = Repo(dir, tmp); err != nil || repo != dir || len(shas) != len(Commits()) {
		t.Fatalf("Repo(new) = %q, %d commits, %v", repo, len(shas), err)
	}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
		t.Fatalf("no repository built in %s: %v", dir, err)
	}
	if repo, shas, err = Repo(dir, tmp); err != nil || repo != dir || shas != nil {
		t.Errorf("Repo(existing) = %q, %v, %v; want it reused, nothing built", repo, shas, err)
	}
}

// CommittedConfig reads the rules the demo's plan uses from the commit,
// and says which revision a repository lacks.
func TestCommittedConfig(t *testing.T) {
	t.Parallel()
	repo, _, err := Repo(".", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got, err := CommittedConfig(repo, "v2"); err != nil || got != Config {
		t.Errorf("CommittedConfig(v2) = %q, %v; want Config", got, err)
	}
	if _, err := CommittedConfig(repo, "v9"); err == nil || !strings.Contains(err.Error(), "has no v9") {
		t.Errorf("CommittedConfig(v9) = %v, want an error naming v9", err)
	}
}
