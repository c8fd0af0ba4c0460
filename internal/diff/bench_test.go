package diff_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// Benchmarks build their repositories once with git fast-import and keep
// them under testdata/repos (ignored by git) for the next run; delete a
// bench-*.git folder to rebuild it.
const benchDir = "../../testdata/repos"

// childEnv makes the test binary run one diff and exit (see TestMain), so
// that a whole go-git process is timed like a whole git process.
const childEnv = "CCU_DIFF_BENCH_CHILD"

func TestMain(m *testing.M) {
	if repo := os.Getenv(childEnv); repo == "-" {
		os.Exit(0) // start-up only: what a whole process costs before the diff
	} else if repo != "" {
		os.Exit(child(repo, os.Getenv(childEnv+"_FROM"), os.Getenv(childEnv+"_TO")))
	}
	os.Exit(m.Run())
}

// child opens the repository, diffs, prints the number of changes.
func child(repo, from, to string) int {
	r, err := diff.Open(repo)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer r.Close()
	cs, err := r.Changes(context.Background(), from, to)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Println(len(cs))
	return 0
}

// page is the content of page i in version v: a few hundred bytes of
// markdown, like a static site's source.
func page(i, v int) string {
	return fmt.Sprintf("---\ntitle: Page %d\nweight: %d\n---\n\n%s\nrevision %d\n", i, i%97,
		strings.Repeat(fmt.Sprintf("Paragraph of page %d. ", i), 8), v)
}

// pagePath spreads n pages over folders of 100, three levels deep.
func pagePath(i int) string {
	return fmt.Sprintf("content/sec%d/sub%d/leaf%d/page%03d.md", i/10000, i/1000%10, i/100%10, i%100)
}

func commitHeader(w io.Writer, n int, msg string) {
	when := 1767323045 + n*60
	fmt.Fprintf(w, "commit refs/heads/main\ncommitter bench <bench@ccu-purge.invalid> %d +0000\ndata %d\n%s\n", when, len(msg), msg)
}

func inline(w io.Writer, path, content string) {
	fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", path, len(content), content)
}

// wide writes 100,000 pages, then a commit changing every tenth (10,000).
func wide(w io.Writer) {
	commitHeader(w, 0, "100k pages")
	for i := range 100_000 {
		inline(w, pagePath(i), page(i, 0))
	}
	commitHeader(w, 1, "change 10k pages")
	for i := 0; i < 100_000; i += 10 {
		inline(w, pagePath(i), page(i, 1))
	}
}

// history writes 20,000 pages, then 5,000 commits changing 4 pages each.
func history(w io.Writer) {
	commitHeader(w, 0, "20k pages")
	for i := range 20_000 {
		inline(w, pagePath(i), page(i, 0))
	}
	for c := 1; c <= 5000; c++ {
		commitHeader(w, c, fmt.Sprintf("edit %d", c))
		for k := range 4 {
			i := (c*7919 + k*4999) % 20_000
			inline(w, pagePath(i), page(i, c))
		}
	}
}

// benchRepo returns the bare repository name, building it with gen
// through git fast-import and repacking it as a server would.
func benchRepo(b *testing.B, name string, gen func(io.Writer)) string {
	b.Helper()
	dir, err := filepath.Abs(filepath.Join(benchDir, "bench-"+name+".git"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ccu-bench-ready")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	start := time.Now()
	git(b, benchDir, "init", "-q", "--bare", "-b", "main", dir)
	cmd := exec.Command(needGit(b), "fast-import", "--quiet")
	cmd.Dir = dir
	in, err := cmd.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	bw := bufio.NewWriterSize(in, 1<<20)
	gen(bw)
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
	in.Close()
	if err := cmd.Wait(); err != nil {
		b.Fatalf("git fast-import: %v", err)
	}
	git(b, dir, "repack", "-a", "-d", "-q")
	if err := os.WriteFile(filepath.Join(dir, "ccu-bench-ready"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("built %s in %s", dir, time.Since(start).Round(time.Millisecond))
	return dir
}

// run times one child process.
func run(b *testing.B, cmd *exec.Cmd) time.Duration {
	b.Helper()
	cmd.Stdout = io.Discard
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	return time.Since(start)
}

// peakRSS runs the command once under GNU time and returns its peak RSS
// in MiB, or -1 without /usr/bin/time. The child's own rusage cannot be
// used: Go starts children with vfork, so their ru_maxrss includes this
// (large) benchmark process.
func peakRSS(b *testing.B, env []string, args ...string) float64 {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return -1
	}
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M"}, args...)...)
	cmd.Env = env
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = io.Discard, &stderr
	if err := cmd.Run(); err != nil {
		b.Fatalf("%s: %v\n%s", cmd, err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	var kb float64
	fmt.Sscan(lines[len(lines)-1], &kb)
	return kb / 1024
}

func median(ds []time.Duration) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2]
}

// compare benchmarks one range: in-process (for profiles: Open, Changes,
// Close), and a whole go-git process against a whole
// `git diff --name-status --no-renames` process, interleaved, reporting
// medians, the ratio and the peak RSS of each.
func compare(b *testing.B, dir, fromRev, toRev string) {
	from := strings.TrimSpace(git(b, dir, "rev-parse", fromRev))
	to := strings.TrimSpace(git(b, dir, "rev-parse", toRev))
	r := open(b, dir)
	got, err := r.Changes(context.Background(), from, to)
	if err != nil {
		b.Fatal(err)
	}
	if d := cmp.Diff(gitPaths(b, dir, from, to), paths(got)); d != "" {
		b.Fatalf("paths differ from git's (-git +go-git):\n%s", d)
	}
	b.Run("inproc", func(b *testing.B) {
		for b.Loop() {
			r, err := diff.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := r.Changes(context.Background(), from, to); err != nil {
				b.Fatal(err)
			}
			r.Close()
		}
		b.ReportMetric(float64(len(got)), "changes")
	})
	b.Run("vs-git", func(b *testing.B) {
		self, _ := os.Executable()
		goEnv := append(os.Environ(), childEnv+"="+dir, childEnv+"_FROM="+from, childEnv+"_TO="+to)
		gitArgs := []string{needGit(b), "-C", dir, "diff", "--name-status", "--no-renames", "-z", from, to}
		var goT, gitT, startT []time.Duration
		for b.Loop() {
			c := exec.Command(self)
			c.Env = goEnv
			goT = append(goT, run(b, c))
			gitT = append(gitT, run(b, exec.Command(gitArgs[0], gitArgs[1:]...)))
			c = exec.Command(self)
			c.Env = append(os.Environ(), childEnv+"=-")
			startT = append(startT, run(b, c))
		}
		g, c := median(goT), median(gitT)
		b.ReportMetric(float64(g.Microseconds())/1000, "go-ms")
		b.ReportMetric(float64(c.Microseconds())/1000, "git-ms")
		b.ReportMetric(float64(g)/float64(c), "ratio")
		b.ReportMetric(float64(median(startT).Microseconds())/1000, "go-start-ms")
		b.ReportMetric(peakRSS(b, goEnv, self), "go-MiB")
		b.ReportMetric(peakRSS(b, os.Environ(), gitArgs...), "git-MiB")
	})
}

// BenchmarkChanges100k diffs a commit that changes 10,000 of 100,000
// files (goal: at most 2× git's wall time, peak RSS ≤ 150 MB).
func BenchmarkChanges100k(b *testing.B) {
	needGit(b)
	compare(b, benchRepo(b, "100k", wide), "main~1", "main")
}

// BenchmarkChangesHistory diffs a 20,000-file, 5,000-commit history:
// adjacent commits and commits 2,000 apart (goal: at most 3× git).
func BenchmarkChangesHistory(b *testing.B) {
	needGit(b)
	dir := benchRepo(b, "history", history)
	b.Run("adjacent", func(b *testing.B) { compare(b, dir, "main~1", "main") })
	b.Run("2000-apart", func(b *testing.B) { compare(b, dir, "main~2000", "main") })
}
