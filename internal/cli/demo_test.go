package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
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

// demoMasks replace what differs between runs of the demo: the temporary
// folder, the simulator's port and the purge IDs it makes up.
var demoMasks = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\S*ccu-purge-demo-\d+`), "TMP"},
	{regexp.MustCompile(`https://127\.0\.0\.1:\d+`), "https://127.0.0.1:PORT"},
	{regexp.MustCompile(`edup-[0-9A-Za-z]+`), "PURGE-ID"},
}

// TestDemoGolden: the demo's whole output, masked (testdata/demo.golden,
// -update rewrites it): the config it uses, one explain answer, and the
// plan once, ending with its summary, before the purge's lines.
func TestDemoGolden(t *testing.T) {
	r := run(t, "demo")
	if r.code != ExitOK {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	got := r.stdout
	for _, m := range demoMasks {
		got = m.re.ReplaceAllString(got, m.with)
	}
	got = filepath.ToSlash(got)
	checkGolden(t, "demo.golden", got)
	if n := strings.Count(r.stdout, "\nRange: "); n != 1 {
		t.Errorf("the demo prints the plan %d times, want once", n)
	}
}
