package cli

import (
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
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
