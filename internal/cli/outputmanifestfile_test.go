package cli

import (
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// TestOutputManifestUnwritable: a --manifest the run could not record
// (its folder does not exist) is found before anything is sent, as an
// unwritable --state is, not after every object was purged.
func TestOutputManifestUnwritable(t *testing.T) {
	w := newHugoWorld(t, "")
	sim, flags := simulator(t, ccusim.Options{})
	hugoBuild{pages: 5}.write(t, w.out)
	mf := filepath.Join(w.dir, "no-such-folder", "m.gz")
	r := runQuick(t, nil, append([]string{"purge", "--repo", w.repo, "--site-dir", w.out, "--manifest", mf}, flags...)...)
	oneMessage(t, r, ExitUsage, "--manifest", "no-such-folder")
	if n := len(sim.Served()); n != 0 {
		t.Errorf("%d requests sent before the manifest was found unwritable", n)
	}
}

// TestOutputNoFolder: --manifest without --site-dir or output.dir names
// the two ways to give the build folder, not an open of "".
func TestOutputNoFolder(t *testing.T) {
	repo := t.TempDir()
	_, err := gitfixture.Build(repo, false, []gitfixture.Commit{{Message: "config", Write: map[string]string{".ccu-purge.yml": "base_url: https://www.example.com\nrules:\n  - match: \"**\"\n    urls: \"{base}/{path}\"\n"}}})
	if err != nil {
		t.Fatal(err)
	}
	r := runQuick(t, nil, "plan", "--repo", repo, "--manifest", filepath.Join(t.TempDir(), "m.gz"))
	oneMessage(t, r, ExitUsage, "--site-dir DIR", "output.dir")
}

// TestOutputExplainNoFolder: --explain-output without --site-dir or
// output.dir says so, instead of reading the path from the current folder.
func TestOutputExplainNoFolder(t *testing.T) {
	w := newHugoWorld(t, "")
	if r := w.purge(hugoBuild{pages: 3}); r.code != ExitOK {
		t.Fatalf("first purge: exit %d: %s", r.code, r.stderr)
	}
	cfg := filepath.Join(t.TempDir(), "c.yml")
	writeTree(t, filepath.Dir(cfg), "c.yml", "base_url: https://www.example.com\nrules:\n  - match: \"**\"\n    urls: \"{base}/{path}\"\n")
	r := runQuick(t, nil, "plan", "--repo", t.TempDir(), "--config", cfg, "--manifest", w.mf, "--explain-output", "posts/0000/index.html")
	oneMessage(t, r, ExitUsage, "--site-dir DIR", "output.dir")
}
