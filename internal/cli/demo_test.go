package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `make demo` runs `ccu-purge demo --repo testdata/repos/demo-site.git`
// with nothing else compiled: the first run builds the repository there
// (saying so, as the generator did), later runs reuse it.
func TestDemoBuildsMissingRepo(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo-site.git")
	for i, wantBuilt := range []bool{true, false} {
		var out, errb bytes.Buffer
		code := Run(context.Background(), []string{"demo", "--repo", dir}, func(string) string { return "" }, &out, &errb)
		if code != ExitOK {
			t.Fatalf("run %d: exit %d, stderr %s", i+1, code, errb.String())
		}
		built := strings.HasPrefix(out.String(), "built "+dir+": v1 ")
		if built != wantBuilt {
			t.Errorf("run %d: built=%v, want %v; stdout:\n%s", i+1, built, wantBuilt, out.String())
		}
		if !strings.Contains(out.String(), "== Demo: the example site "+dir+",") || !strings.Contains(out.String(), "The simulator accepted ") {
			t.Errorf("run %d: not the demo's output:\n%s", i+1, out.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "HEAD")); err != nil {
			t.Errorf("run %d: no repository in %s: %v", i+1, dir, err)
		}
	}
}
