package output

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkHash hashes a generated build output: CCU_BENCH_OUTPUT_FILES
// files (default 2000) of CCU_BENCH_OUTPUT_BYTES in all (default 20 KiB a
// file), written to a temporary folder, or once to CCU_BENCH_OUTPUT_DIR
// and reused (make bench-output: 100,000 files, 2 GiB). It reports the
// files' MB/s and the process's memory from the runtime (sys-MB); the
// make target adds the peak RSS and sha256sum's time on the same folder.
func BenchmarkHash(b *testing.B) {
	files := envInt(b, "CCU_BENCH_OUTPUT_FILES", 2000)
	total := envInt(b, "CCU_BENCH_OUTPUT_BYTES", files*20<<10)
	dir := benchTree(b, files, total)
	var bytes int64
	b.ResetTimer()
	for b.Loop() {
		m, err := Hash(context.Background(), dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(m.Files) != files {
			b.Fatalf("hashed %d files; want %d", len(m.Files), files)
		}
		bytes = 0
		for _, f := range m.Files {
			bytes += f.Size
		}
	}
	b.SetBytes(bytes)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
	b.ReportMetric(float64(files), "files")
}

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive whole number", name, s)
	}
	return n
}

// benchTree returns a folder of files files, total bytes in all: a
// temporary one, or CCU_BENCH_OUTPUT_DIR/tree, written once and reused
// while its marker says the same sizes.
func benchTree(b *testing.B, files, total int) string {
	b.Helper()
	top := os.Getenv("CCU_BENCH_OUTPUT_DIR")
	if top == "" {
		dir := b.TempDir()
		writeBenchTree(b, dir, files, total)
		return dir
	}
	dir, marker := filepath.Join(top, "tree"), filepath.Join(top, "complete")
	want := fmt.Sprintf("%d files, %d bytes\n", files, total)
	if got, err := os.ReadFile(marker); err == nil && string(got) == want {
		return dir
	}
	if err := os.RemoveAll(dir); err != nil {
		b.Fatal(err)
	}
	writeBenchTree(b, dir, files, total)
	if err := os.WriteFile(marker, []byte(want), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// writeBenchTree lays files out as a generated site: 100 to a folder,
// sizes from half the mean (1 KiB at least) to 1.5 times it, text (so the small ones keep
// a sample, as real pages do), each file different in its first line.
func writeBenchTree(b *testing.B, dir string, files, total int) {
	b.Helper()
	r := rand.New(rand.NewPCG(16, 2026))
	text := benchText(r, max(1<<20, 2*total/files+4096))
	mean := total / files
	for i := range files {
		p := filepath.Join(dir, fmt.Sprintf("sec%02d", i/10000), fmt.Sprintf("sub%03d", i/100%100), fmt.Sprintf("page%05d.html", i))
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				b.Fatal(err)
			}
		}
		size := max(1024, mean/2+r.IntN(mean+1)) // from half to 1.5 times the mean: the total is within 0.1%
		head := fmt.Sprintf("<!-- page %d -->\n", i)
		off := r.IntN(len(text) - size)
		body := append([]byte(head), text[off:off+max(0, size-len(head))]...)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

func benchText(r *rand.Rand, n int) []byte {
	words := strings.Fields("the quick brown fox jumps over a lazy dog <p> </p> <div class=\"post\"> </div> static site build output hugo page")
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(words[r.IntN(len(words))])
		sb.WriteByte(' ')
	}
	return []byte(sb.String())
}
