package mapper

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// benchConfig is 200 rules in the shapes real sites use: build output with
// index files, Hugo content with filters, regex permalinks, static assets
// with brace globs; plus ignores and a layout rule.
func benchConfig(tb testing.TB) *Config {
	tb.Helper()
	var b strings.Builder
	b.WriteString("base_url: https://www.example.com\n")
	b.WriteString("ignore: ['**/*.map', '**/.DS_Store']\nrules:\n")
	for i := 0; i < 199; i++ {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "  - match: 'public/s%d/**/*.html'\n    strip: public/\n    index: [index.html]\n    index_forms: [dir/]\n    urls: '{base}/{path}'\n", i)
		case 1:
			fmt.Fprintf(&b, "  - match: 'content/s%d/**/*.md'\n    strip: content/\n    urls: '{base}/{path|ext:/|lower}'\n", i)
		case 2:
			fmt.Fprintf(&b, "  - regex: 'data/s%d/(?P<y>\\d{4})/(?P<slug>[^/]+)\\.json'\n    urls: '{base}/{y}/{slug}/'\n", i)
		case 3:
			fmt.Fprintf(&b, "  - match: ['static/s%d/**', 'assets/s%d/*.{css,js}']\n    urls: '{base}/{path}'\n", i, i)
		}
	}
	b.WriteString("  - match: 'layouts/**'\n    cpcodes: 12345\n")
	cfg, err := Parse("bench.yml", []byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	if len(cfg.Rules) != 200 {
		tb.Fatalf("%d rules, want 200", len(cfg.Rules))
	}
	return cfg
}

// benchPaths makes n changed paths spread over the rules, with a few
// ignored and unmatched ones.
func benchPaths(n int) []string {
	paths := make([]string, n)
	for k := range paths {
		i := k % 199
		switch {
		case k%50 == 0:
			paths[k] = fmt.Sprintf("public/s%d/app%d.js.map", i, k)
		case k%40 == 0:
			paths[k] = fmt.Sprintf("docs/notes/%d.txt", k)
		case i%4 == 0:
			paths[k] = fmt.Sprintf("public/s%d/section/p%d/index.html", i, k)
		case i%4 == 1:
			paths[k] = fmt.Sprintf("content/s%d/posts/Post-%d.md", i, k)
		case i%4 == 2:
			paths[k] = fmt.Sprintf("data/s%d/2024/item-%d.json", i, k)
		default:
			paths[k] = fmt.Sprintf("static/s%d/img/photo %d.jpg", i, k)
		}
	}
	return paths
}

// BenchmarkMap100k maps 100,000 changed paths against 200 rules; the goal
// is under 100 ms per operation on a 2-core machine.
func BenchmarkMap100k(b *testing.B) {
	cfg := benchConfig(b)
	paths := benchPaths(100000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := cfg.Map(paths)
		if len(res.Objects) < 90000 {
			b.Fatalf("%d objects", len(res.Objects))
		}
	}
}

func TestBenchInputsMap(t *testing.T) {
	t.Parallel()
	res := benchConfig(t).Map(benchPaths(1000))
	// Of 1000: k%50 == 0 is ignored (20), k%40 == 0 otherwise unmatched
	// (25 minus the 5 multiples of 200), every other path one object.
	if len(res.Unmatched) != 20 || len(res.Ignored) != 20 || len(res.Objects) != 960 {
		t.Errorf("unmatched %d, ignored %d, objects %d; want 20, 20, 960", len(res.Unmatched), len(res.Ignored), len(res.Objects))
	}
}

// TestMapParallelAgrees checks that Map, which splits large inputs over
// goroutines, gives what mapping each path alone gives, in input order.
func TestMapParallelAgrees(t *testing.T) {
	t.Parallel()
	cfg := benchConfig(t)
	paths := benchPaths(3 * parallelMin)
	res := cfg.Map(paths)
	var objs []Object
	seen := map[Object]bool{}
	for i, p := range paths {
		m := cfg.MapPath(p)
		if d := cmp.Diff(m, res.Matches[i]); d != "" {
			t.Fatalf("path %q (-alone +in Map):\n%s", p, d)
		}
		for _, o := range m.Objects {
			if !seen[o] {
				seen[o] = true
				objs = append(objs, o)
			}
		}
	}
	if d := cmp.Diff(objs, res.Objects); d != "" {
		t.Errorf("objects (-want +got):\n%s", d)
	}
}

// BenchmarkParseManyRules is the largest config under the size cap: a
// generator's 15,000 rules, one per folder. Load time is a benchmark, not a
// timed test (docs/benchmarks.md), so a loaded machine cannot fail it.
func BenchmarkParseManyRules(b *testing.B) {
	yml := []byte(manyRules(15000))
	for b.Loop() {
		if _, err := Parse("c.yml", yml); err != nil {
			b.Fatal(err)
		}
	}
}
