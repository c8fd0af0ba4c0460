package output

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// magic opens every manifest file, before the gzip stream, so a file that
// is not one (a state file, a tarball) is named as such; the byte after it
// is the format's version.
const (
	magic   = "ccu-purge output manifest\n"
	version = 1
)

// Limits on what ReadManifest believes, so a damaged file fails with an
// error instead of an allocation of gigabytes.
const (
	maxFiles   = 50_000_000
	maxPathLen = 64 << 10
	maxText    = 64 << 20
)

// WriteTo writes m compactly: the magic and version, then a gzip stream
// of the commit, the normalisers' fingerprint and the entries sorted by
// path, each path as the length it shares with the previous one plus the
// rest, then the size, the hash and the sample. The 32 bytes of a hash do
// not compress, so 100,000 files take about 3.5 MB.
func (m *Manifest) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	if _, err := io.WriteString(cw, magic); err != nil {
		return cw.n, err
	}
	if _, err := cw.Write([]byte{version}); err != nil {
		return cw.n, err
	}
	zw := gzip.NewWriter(cw)
	bw := bufio.NewWriterSize(zw, 64<<10)
	m.encode(bw)
	if err := bw.Flush(); err != nil {
		return cw.n, fmt.Errorf("write manifest: %w", err)
	}
	if err := zw.Close(); err != nil {
		return cw.n, fmt.Errorf("write manifest: %w", err)
	}
	return cw.n, nil
}

// encode writes to a bufio.Writer, whose first error sticks and shows at
// Flush, so each write need not be checked.
func (m *Manifest) encode(w *bufio.Writer) {
	putString(w, m.Commit)
	putString(w, m.Normalizers)
	putUvarint(w, uint64(len(m.Files)))
	prev := ""
	for _, f := range m.Files {
		p, e := f.Path, f.Entry
		shared := commonPrefix(prev, p)
		putUvarint(w, uint64(shared))
		putString(w, p[shared:])
		putUvarint(w, uint64(e.Size))
		w.Write(e.Hash[:])
		putSample(w, e.Sample)
		prev = p
	}
}

// putSample writes the length plus one, so 0 says "no sample" and 1 an
// empty one.
func putSample(w *bufio.Writer, s []byte) {
	if s == nil {
		putUvarint(w, 0)
		return
	}
	putUvarint(w, uint64(len(s))+1)
	w.Write(s)
}

func putUvarint(w *bufio.Writer, v uint64) {
	var b [binary.MaxVarintLen64]byte
	w.Write(b[:binary.PutUvarint(b[:], v)])
}

func putString(w *bufio.Writer, s string) {
	putUvarint(w, uint64(len(s)))
	w.WriteString(s)
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ReadManifest reads what WriteTo wrote. A file that is not a manifest,
// or of a newer version, says so and what to do.
func ReadManifest(r io.Reader) (*Manifest, error) {
	head := make([]byte, len(magic)+1)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read manifest: %w", err)
	}
	if err := checkHead(head[:n]); err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w; the file is damaged: delete it, and the next run follows on_unknown_base", err)
	}
	m, err := decode(bufio.NewReaderSize(zr, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read manifest: %w; the file is damaged: delete it, and the next run follows on_unknown_base", err)
	}
	return m, nil
}

func checkHead(head []byte) error {
	if len(head) <= len(magic) || string(head[:len(magic)]) != magic {
		start := head[:min(len(head), 16)]
		return fmt.Errorf("not a ccu-purge output manifest (it starts with %q); give --manifest the file a previous run wrote", start)
	}
	if v := head[len(magic)]; v != version {
		return fmt.Errorf("output manifest version %d, but this ccu-purge reads version %d; use the ccu-purge that wrote it, or delete it and the next run follows on_unknown_base", v, version)
	}
	return nil
}

func decode(r *bufio.Reader) (*Manifest, error) {
	d := &decoder{r: r}
	m := &Manifest{Commit: d.text(maxPathLen, "commit"), Normalizers: d.text(maxPathLen, "normalizers")}
	count := d.uvarint("file count")
	if d.err == nil && count > maxFiles {
		return nil, fmt.Errorf("%d files is more than a manifest holds (%d)", count, maxFiles)
	}
	m.Files = make([]File, 0, min(count, 1<<20)) // grown as read: a damaged count allocates nothing
	prev := ""
	for i := uint64(0); i < count && d.err == nil; i++ {
		p, e := d.entry(prev)
		if d.err == nil && i > 0 && p <= prev {
			return nil, fmt.Errorf("path %q after %q: out of order", p, prev)
		}
		m.Files = append(m.Files, File{Path: p, Entry: e})
		prev = p
	}
	if d.err != nil {
		return nil, d.err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		return nil, errors.New("bytes after the last entry")
	}
	return m, nil
}

// decoder keeps the first error, so entry reads straight through.
type decoder struct {
	r   *bufio.Reader
	err error
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, err := binary.ReadUvarint(d.r)
	if err != nil {
		d.err = fmt.Errorf("%s: %w", what, unexpected(err))
	}
	return v
}

func (d *decoder) bytes(n uint64, what string) []byte {
	if d.err != nil {
		return nil
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(d.r, b); err != nil {
		d.err = fmt.Errorf("%s: %w", what, unexpected(err))
	}
	return b
}

func (d *decoder) text(limit uint64, what string) string {
	n := d.uvarint(what)
	if d.err == nil && n > limit {
		d.err = fmt.Errorf("%s: %d bytes is over %d", what, n, limit)
	}
	return string(d.bytes(n, what))
}

func (d *decoder) entry(prev string) (string, Entry) {
	shared := d.uvarint("path")
	if d.err == nil && shared > uint64(len(prev)) {
		d.err = fmt.Errorf("path shares %d bytes with a %d-byte path", shared, len(prev))
		return "", Entry{}
	}
	rest := d.text(maxPathLen, "path")
	p := prev[:min(shared, uint64(len(prev)))] + rest
	e := Entry{Size: int64(d.uvarint("size"))}
	copy(e.Hash[:], d.bytes(32, "hash"))
	if n := d.uvarint("sample"); n > 0 && d.err == nil {
		if n-1 > maxText {
			d.err = fmt.Errorf("sample of %q: %d bytes is over %d", p, n-1, maxText)
		}
		e.Sample = d.bytes(n-1, "sample")
	}
	return p, e
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
