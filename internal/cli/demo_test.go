package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sort"
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
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:PORT"},
	{regexp.MustCompile(`\d+ attempts? in [\d.]+s`), "N attempt(s) in Ts"},
	{regexp.MustCompile(`\d+ attempts?, [\d.]+s\)`), "N attempt(s), Ts)"},
	{regexp.MustCompile(`Waiting \S+ for the purges`), "Waiting T for the purges"},
}

// sortVerdicts sorts each run of verdict lines: they are printed as the
// edge answers, in no fixed order.
func sortVerdicts(out string) string {
	lines := strings.Split(out, "\n")
	verdict := func(l string) bool {
		return strings.HasPrefix(l, "fresh  ") || strings.HasPrefix(l, "STALE  ") || strings.HasPrefix(l, "unknown  ")
	}
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && verdict(lines[j]) {
			j++
		}
		sort.Strings(lines[i:j])
		i = max(j, i+1)
	}
	return strings.Join(lines, "\n")
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
	got = sortVerdicts(filepath.ToSlash(got))
	checkGolden(t, "demo.golden", got)
	first, lost, ok := strings.Cut(r.stdout, "\n== A lost purge")
	if n := strings.Count(first, "\nRange: "); !ok || n != 1 {
		t.Errorf("the demo's first purge prints the plan %d times, want once", n)
	}
	if !strings.Contains(first, " 0 stale, 0 unknown.") {
		t.Errorf("the demo's first purge left URLs stale or unknown:\n%s", first)
	}
	if !strings.Contains(lost, "STALE  ") || !strings.Contains(lost, "the purge may have been lost") {
		t.Errorf("the lost purge was not caught:\n%s", lost)
	}
}
