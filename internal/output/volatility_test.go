package output

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hugoPage is a page as a generator writes it, with what a build invents:
// a build time (attribute and footer), a cache buster, random ids.
const hugoPage = `<!DOCTYPE html>
<html lang="en" data-build-time="%[2]s">
<head>
<meta name="generator" content="Hugo 0.139.0">
<title>Post %[1]d</title>
<link rel="stylesheet" href="/css/main.css?v=%[3]d">
</head>
<body>
<nav id="toc-%[4]s" class="toc"><a href="#intro">Intro</a></nav>
<p>Post %[1]d says the same thing every build.</p>
<footer>Built %[5]s</footer>
<script>window.__buildId="%[4]s";</script>
</body>
</html>
`

// hugoBuild writes 20 pages and a stylesheet as one build would.
func hugoBuild(t *testing.T, dir string, seed uint64, when string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 1))
	files := map[string]string{"css/main.css": "body{}"}
	for i := range 20 {
		id := fmt.Sprintf("%08x", r.Uint32())
		files[fmt.Sprintf("posts/post-%02d/index.html", i)] = fmt.Sprintf(hugoPage, i, when+"Z", seed*1000+uint64(i), id, strings.Replace(when, "T", " ", 1))
	}
	writeTree(t, dir, files)
}

func TestVolatilityHugo(t *testing.T) {
	t.Parallel()
	top := t.TempDir()
	oldDir, newDir := filepath.Join(top, "old"), filepath.Join(top, "new")
	hugoBuild(t, oldDir, 1, "2026-12-01T10:00:00")
	hugoBuild(t, newDir, 2, "2026-12-02T06:33:30")
	ctx := context.Background()
	before, after := hash(t, ctx, oldDir, Options{}), hash(t, ctx, newDir, Options{})
	d := Compare(before, after, Options{})
	if len(d.Changed) != 20 {
		t.Fatalf("%d pages changed; want 20", len(d.Changed))
	}
	if c, n := ChangedHTML(d, after); c != 20 || n != 20 {
		t.Errorf("ChangedHTML = %d, %d; want 20 of 20", c, n)
	}
	got := Volatility(d.Changed, sampleOf(before), sampleOf(after))
	want := []Volatile{
		{`?v=…`, 20, `[?&]v=[^"'&\s<>]*`},
		{`Built … (ISO timestamp)`, 20, `Built ` + isoStrip},
		{`data-build-time="…"`, 20, `\bdata-build-time="[^"]*"`},
		{`id="toc-…"`, 20, `\bid="toc-[^"]*"`},
		{`window.__buildId="…"`, 20, `\bwindow\.__buildId="[^"]*"`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("Volatility (-want +got):\n%s", diff)
	}
	strip := Normalizer{Glob: "**/*.html"}
	for _, v := range got {
		strip.Strip = append(strip.Strip, regexp.MustCompile(v.Suggest))
	}
	o := Options{Normalize: []Normalizer{strip}}
	if d := Compare(hash(t, ctx, oldDir, o), hash(t, ctx, newDir, o), o); len(d.Added)+len(d.Changed)+len(d.Removed) > 0 {
		t.Errorf("with the suggested normaliser, still %+v", d)
	}
}

func hash(t *testing.T, ctx context.Context, dir string, o Options) *Manifest {
	t.Helper()
	m, err := Hash(ctx, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func sampleOf(m *Manifest) func(string) ([]byte, bool) {
	return func(p string) ([]byte, bool) {
		e, ok := m.Lookup(p)
		return e.Sample, ok && e.Sample != nil
	}
}

func TestVolatilityShapes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, old, new string
		want           []Volatile
	}{
		{"meta content", `<meta name="build-date" content="Mon 1 Dec">`, `<meta name="build-date" content="Tue 2 Dec">`,
			[]Volatile{{`<meta name="build-date" content="…">`, 1, `<meta\b[^>]*\bname="build-date"[^>]*>`}}},
		{"meta property, single quotes", `<meta property='og:updated_time' content='1'>`, `<meta property='og:updated_time' content='2'>`,
			[]Volatile{{`<meta property='og:updated_time' content='…'>`, 1, `<meta\b[^>]*\bproperty='og:updated_time'[^>]*>`}}},
		{"json key", `<script>{"buildId":"a1b2c3d4e5","page":1}</script>`, `<script>{"buildId":"f6a7b8c9d0","page":1}</script>`,
			[]Volatile{{`"buildId":"…"`, 1, `"buildId":\s*"[^"]*"`}}},
		{"hex id in text", `<p>abcdef0123</p>`, `<p>0987fedcba</p>`, []Volatile{{"hex id", 1, `[0-9a-fA-F]{6,}`}}},
		{"time of day only", `<p>at 2026-12-01 10:00:00</p>`, `<p>at 2026-12-01 11:30:00</p>`, []Volatile{{"at … (ISO timestamp)", 1, `at ` + isoStrip}}},
		{"number after words", `<p>Copyright 2025 Example</p>`, `<p>Copyright 2026 Example</p>`, []Volatile{{"Copyright … (number)", 1, `Copyright [0-9]+`}}},
		{"real change: no suggestion", `<p>Hello world</p>`, `<p>Goodbye world</p>`, []Volatile{{"changed text «Goodbye»", 1, ""}}},
		{"removed text", `<p>Hello big world</p>`, `<p>Hello world</p>`, []Volatile{{"changed text «big »", 1, ""}}},
		{"same", `<p>x</p>`, `<p>x</p>`, []Volatile{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files := map[string][2]string{"a.html": {tc.old, tc.new}, "style.css": {"a", "b"}, "missing.html": {}}
			get := func(i int) func(string) ([]byte, bool) {
				return func(p string) ([]byte, bool) {
					f, ok := files[p]
					return []byte(f[i]), ok && p != "missing.html"
				}
			}
			got := Volatility([]string{"a.html", "style.css", "missing.html"}, get(0), get(1))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Volatility (-want +got):\n%s", diff)
			}
			for _, v := range got {
				if v.Suggest == "" {
					continue
				}
				re := regexp.MustCompile(v.Suggest)
				if a, b := re.ReplaceAllString(tc.old, ""), re.ReplaceAllString(tc.new, ""); a != b {
					t.Errorf("stripping %s leaves %q and %q", v.Suggest, a, b)
				}
			}
		})
	}
}

func TestDiffTokens(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		a, b []int
		want []span
	}{
		{"same", []int{1, 2, 3}, []int{1, 2, 3}, nil},
		{"one replaced", []int{1, 2, 3}, []int{1, 9, 3}, []span{{1, 2, 1, 2}}},
		{"two apart", []int{1, 2, 3, 4, 5}, []int{1, 8, 3, 9, 5}, []span{{1, 2, 1, 2}, {3, 4, 3, 4}}},
		{"inserted", []int{1, 3}, []int{1, 2, 3}, []span{{1, 1, 1, 2}}},
		{"deleted", []int{1, 2, 3}, []int{1, 3}, []span{{1, 2, 1, 1}}},
		{"all new", []int{1, 2}, []int{3, 4, 5}, []span{{0, 2, 0, 3}}},
		{"from empty", nil, []int{1}, []span{{0, 0, 0, 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if d := cmp.Diff(tc.want, diffTokens(tc.a, tc.b), cmp.AllowUnexported(span{})); d != "" {
				t.Errorf("diffTokens (-want +got):\n%s", d)
			}
		})
	}
}

// TestDiffTokensGivesUp: past maxEdits the middle is one span, so a page
// rewritten whole costs a bounded diff.
func TestDiffTokensGivesUp(t *testing.T) {
	t.Parallel()
	a, b := make([]int, 3*maxEdits), make([]int, 3*maxEdits)
	for i := range a {
		a[i], b[i] = i, -i-1
	}
	a[0], b[0] = 0, 0
	want := []span{{1, len(a), 1, len(b)}}
	if d := cmp.Diff(want, diffTokens(a, b), cmp.AllowUnexported(span{})); d != "" {
		t.Errorf("diffTokens (-want +got):\n%s", d)
	}
}
