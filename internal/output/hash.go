package output

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxNormalize caps the bytes a normaliser reads whole: a regular
// expression needs the whole text, and Workers such files at once must
// stay well within Hash's memory budget. A larger file is hashed as it is
// and noted.
const maxNormalize = 64 << 20

// copyBuf is what a worker reads at a time when it streams a file into
// the hash: large enough that the syscalls cost little next to SHA-256.
const copyBuf = 256 << 10

// job is one path the walk found; link says it is a symlink, which a
// worker resolves within the folder.
type job struct {
	path string
	link bool
}

type result struct {
	path  string
	entry Entry
	note  string // set when the file is left out (or not normalised)
	kept  bool
}

// Hash reads every regular file under dir into a manifest, on all cores
// (Options.Workers). It never leaves dir: the folder is opened with
// os.OpenRoot, a symlink is hashed as its target only when the target is a
// file inside dir, and any other symlink, fifo or device is left out and
// listed in Manifest.Notes. Files are streamed through SHA-256, except the
// ones a normaliser applies to or small enough to keep a sample, which are
// read whole; memory stays about Workers × (the largest such file) plus
// the manifest.
func Hash(ctx context.Context, dir string, o Options) (*Manifest, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	ns, _ := compileNormalizers(o.Normalize)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open build output: %w; give the folder the site generator writes (such as public)", err)
	}
	defer root.Close()
	h := &hasher{root: root, ns: ns, sampleMax: o.sampleMax()}
	m, err := h.run(ctx, workers(o.Workers))
	if err != nil {
		return nil, err
	}
	m.Dir, m.Normalizers = dir, fingerprint(o.Normalize)
	return m, nil
}

func workers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}

type hasher struct {
	root      *os.Root
	ns        []normalizer
	sampleMax int
}

// run walks on one goroutine, hashes on n, and gathers on the caller's:
// the walk is cheap next to the reads, so one walker keeps n workers fed.
func (h *hasher) run(ctx context.Context, n int) (*Manifest, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs, results := make(chan job, 4*n), make(chan result, 4*n)
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(jobs)
		if err := h.walk(ctx, jobs); err != nil {
			cancel(err)
		}
	})
	var workersWG sync.WaitGroup
	for range n {
		workersWG.Go(func() { h.work(ctx, cancel, jobs, results) })
	}
	go func() { workersWG.Wait(); close(results) }()
	m := gather(results)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

func gather(results <-chan result) *Manifest {
	m := &Manifest{Files: []File{}}
	for r := range results {
		if r.kept {
			m.Files = append(m.Files, File{Path: r.path, Entry: r.entry})
		}
		if r.note != "" {
			m.Notes = append(m.Notes, Note{Path: r.path, Why: r.note})
		}
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(m.Notes, func(a, b Note) int { return strings.Compare(a.Path, b.Path) })
	return m
}

func (h *hasher) walk(ctx context.Context, jobs chan<- job) error {
	return fs.WalkDir(h.root.FS(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("read build output: %w; check the folder's permissions", err)
		}
		if d.IsDir() {
			return nil
		}
		j := job{path: path, link: d.Type()&fs.ModeSymlink != 0}
		select {
		case jobs <- j:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
}

func (h *hasher) work(ctx context.Context, cancel context.CancelCauseFunc, jobs <-chan job, results chan<- result) {
	buf := make([]byte, copyBuf)
	var whole bytes.Buffer
	for j := range jobs {
		r, err := h.file(j, buf, &whole)
		if err != nil {
			cancel(fmt.Errorf("hash %q: %w", j.path, err))
			return
		}
		select {
		case results <- r:
		case <-ctx.Done():
			return
		}
	}
}

// file hashes one path; an error stops Hash, a note only leaves it out.
func (h *hasher) file(j job, buf []byte, whole *bytes.Buffer) (result, error) {
	r := result{path: j.path}
	info, err := h.root.Stat(j.path) // follows a symlink, but only within the folder
	switch {
	case err != nil && j.link:
		r.note = "symlink skipped: its target is outside the folder or missing"
		return r, nil
	case err != nil:
		return r, err
	case !info.Mode().IsRegular() && j.link:
		r.note = "symlink skipped: its target is not a regular file"
		return r, nil
	case !info.Mode().IsRegular():
		r.note = "skipped: not a regular file (" + info.Mode().Type().String() + ")"
		return r, nil
	}
	f, err := h.root.Open(j.path)
	if err != nil {
		return r, err
	}
	defer f.Close()
	r.entry, r.note, err = h.read(j.path, f, info.Size(), buf, whole)
	r.kept = err == nil
	return r, err
}

func (h *hasher) read(path string, f io.Reader, size int64, buf []byte, whole *bytes.Buffer) (Entry, string, error) {
	e := Entry{Size: size}
	norm := applies(h.ns, path)
	if (!norm || size > maxNormalize) && size > int64(h.sampleMax) {
		sum := sha256.New()
		n, err := io.CopyBuffer(sum, f, buf)
		e.Size = n
		sum.Sum(e.Hash[:0])
		if norm {
			return e, fmt.Sprintf("not normalised: %d bytes is over the %d MiB a normaliser reads whole", n, maxNormalize>>20), err
		}
		return e, "", err
	}
	whole.Reset()
	n, err := whole.ReadFrom(f)
	if err != nil {
		return e, "", err
	}
	b := whole.Bytes()
	if norm {
		b = apply(h.ns, path, b)
	}
	e.Size, e.Hash = n, sha256.Sum256(b)
	if n <= int64(h.sampleMax) && isText(b) {
		e.Sample = append([]byte{}, b...) // an empty file keeps an empty sample, not none
	}
	return e, "", nil
}

// isText is the check git and file(1) make: no NUL byte, and valid
// UTF-8 here, so a sample shows as text.
func isText(b []byte) bool {
	return bytes.IndexByte(b, 0) < 0 && utf8.Valid(b)
}
