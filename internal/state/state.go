// Package state remembers, per network and config (see Key), the last
// commit whose changes were all purged. The edge serves what was last purged, not what the CI
// system's previous run built: when a deploy's purge is cancelled or fails,
// the CI's "before" commit moves on anyway and the next run would purge
// too little. Diffing from the recorded commit purges exactly what the
// edge may still serve stale, and a rollback (an older head) works the
// same way, because a tree diff does not care which side is newer.
//
// The state is a small JSON file the CI system keeps between runs (a
// cache, an artifact, the Jenkins workspace). It is written atomically and
// only after every object of a run was confirmed.
package state

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/ccu-purge/ccu-purge/internal/outfile"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Version is the file format written. Load also reads version 1, whose
// entries were keyed by network alone (see Key).
const Version = 2

// maxBytes bounds what Load reads: a real file has an entry per network
// and config, a few hundred bytes each.
const maxBytes = 64 << 10

// Key says what an entry's purges covered, so that configs sharing one
// file keep apart: with the network alone as the key, site A's failed
// purge kept the entry where it was, site B's success moved it, and A's
// next run found nothing to purge. The config's settings (rules, hosts,
// thresholds) are not part of it: a rule edit is a deploy like any other,
// and the next diff from the recorded commit purges with the new rules; a
// key that changed with every edit (or comment) would drop the record.
type Key struct {
	Network string `json:"network"`
	// Config is the config file relative to the repository root
	// (".ccu-purge.yml" by default), or its absolute path when outside.
	// "" marks an entry migrated from version 1, before entries named it.
	Config string `json:"config"`
	API    string `json:"api,omitempty"`
	// Credentials is a hash of the credentials' API host (the Akamai
	// account): a hash, because a host field holding a token pasted on
	// the wrong line must not land in a cached file. "" when unknown (a
	// plan or dry run without credentials), which matches any host.
	Credentials string `json:"credentials,omitempty"`
}

// String names the key in messages.
func (k Key) String() string {
	if k.Config == "" {
		return fmt.Sprintf("the %s network (a version 1 entry, for any config)", k.Network)
	}
	return fmt.Sprintf("the %s network with %s", k.Network, k.Config)
}

// HostHash is Key.Credentials for an API host: 16 hex digits of its
// SHA-256, enough to tell accounts apart.
func HostHash(host string) string {
	if host == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(strings.ToLower(host)))
	return hex.EncodeToString(sum[:8])
}

// Entry is one key's last complete purge.
type Entry struct {
	Key
	Commit   string    `json:"commit"`         // full SHA whose changes are all purged
	From     string    `json:"from,omitempty"` // the base that run compared against ("" when unknown)
	PurgedAt time.Time `json:"purgedAt"`
}

// File is a loaded state file; Record changes it, Save writes it.
type File struct {
	path     string
	real     string // path, or the target of the symbolic link path is
	entries  []Entry
	recorded []Entry // what Record set, for Save to merge
}

// doc is the file's JSON form: version 2 has entries, version 1 networks.
type doc struct {
	Version  int               `json:"version"`
	Entries  []Entry           `json:"entries,omitempty"`
	Networks map[string]entry1 `json:"networks,omitempty"`
}

// entry1 is a version 1 entry, keyed by its network.
type entry1 struct {
	Commit   string    `json:"commit"`
	From     string    `json:"from,omitempty"`
	PurgedAt time.Time `json:"purgedAt"`
	API      string    `json:"api,omitempty"`
}

var (
	fullSHA   = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
	hostHash  = regexp.MustCompile(`^[0-9a-f]{16}$`)
	maxConfig = 4096
)

// ErrInvalid marks a state file that exists but cannot be used.
var ErrInvalid = errors.New("invalid state file")

// Load reads the state file at path. A missing file is an empty state
// (the first run); anything unreadable or malformed is an error that says
// how to recover, never an empty state, because guessing would purge the
// wrong range.
func Load(path string) (*File, error) {
	real, err := target(path)
	if err != nil {
		return nil, err
	}
	f := &File{path: path, real: real}
	data, err := read(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	if len(data) > maxBytes {
		return nil, f.invalid("it is larger than %d KiB, which no state file written by ccu-purge is", maxBytes>>10)
	}
	var d doc
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return nil, f.invalid("%s", describe(data, err))
	}
	if dec.More() {
		return nil, f.invalid("it holds more than one JSON value")
	}
	switch d.Version {
	case 1:
		return f, f.migrate(d)
	case Version:
		return f, f.check(d)
	}
	return nil, f.invalid("version is %d; this ccu-purge reads versions 1 and %d", d.Version, Version)
}

// read opens path without blocking (a FIFO in its place would wait for a
// writer forever, deaf to SIGTERM) and reads a regular file's first
// maxBytes+1 bytes.
func read(path string) ([]byte, error) {
	fh, err := openNonBlock(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("read the state file: %w (can this user read it? a CI cache restored by another user may need its mode fixed)", err)
	}
	defer fh.Close()
	if info, err := fh.Stat(); err == nil && !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%w %s: it is %s, not a regular file: pass --state the path of a file (it is created by the first run that purges everything)", ErrInvalid, path, describeMode(info.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(fh, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the state file %s: %w", path, err)
	}
	return data, nil
}

// migrate takes a version 1 file's entries as keyed by network alone
// (Config ""): Last falls back to them for a config with no entry of its
// own, so the first run after an upgrade keeps its base.
func (f *File) migrate(d doc) error {
	if d.Entries != nil {
		return f.invalid("version 1 has networks, not entries")
	}
	for _, name := range slices.Sorted(maps.Keys(d.Networks)) {
		e := d.Networks[name]
		if err := f.checkEntry("networks."+name, Entry{Key: Key{Network: name, API: e.API}, Commit: e.Commit, From: e.From}); err != nil {
			return err
		}
		f.entries = append(f.entries, Entry{Key: Key{Network: name, API: e.API}, Commit: e.Commit, From: e.From, PurgedAt: e.PurgedAt})
	}
	return nil
}

func (f *File) check(d doc) error {
	if d.Networks != nil {
		return f.invalid("version %d has entries, not networks", Version)
	}
	for i, e := range d.Entries {
		if err := f.checkEntry(fmt.Sprintf("entries[%d]", i), e); err != nil {
			return err
		}
		if i > 0 && slices.ContainsFunc(d.Entries[:i], func(o Entry) bool { return o.Key == e.Key }) {
			return f.invalid("entries[%d] has the same network, config, api and credentials as an earlier entry", i)
		}
	}
	f.entries = d.Entries
	return nil
}

// checkEntry validates one entry; where names it ("entries[2]").
func (f *File) checkEntry(where string, e Entry) error {
	switch {
	case !purge.Valid(purge.Networks, e.Network):
		return f.invalid("unknown network %q; valid networks are %q", clip(e.Network), purge.Networks)
	case e.API != "" && !purge.Valid(purge.APIs, e.API):
		return f.invalid("%s.api is %q; valid values are %q", where, clip(e.API), purge.APIs)
	case len(e.Config) > maxConfig || strings.ContainsFunc(e.Config, unicode.IsControl):
		return f.invalid("%s.config is not a file path", where)
	case e.Credentials != "" && !hostHash.MatchString(e.Credentials):
		return f.invalid("%s.credentials is %q, not 16 lower-case hex digits", where, clip(e.Credentials))
	case !fullSHA.MatchString(e.Commit):
		return f.invalid("%s.commit is %q, not a full lower-case commit SHA", where, clip(e.Commit))
	case e.From != "" && !fullSHA.MatchString(e.From):
		return f.invalid("%s.from is %q, not a full lower-case commit SHA", where, clip(e.From))
	}
	return nil
}

// Path is where the file is read from and saved to.
func (f *File) Path() string { return f.path }

// Last returns the last complete purge recorded for k: the entry with the
// same network, config and API whose credentials match (the same, or
// either unknown; the same wins), else a version 1 entry for the network
// when the config has none of its own. Another config's entry is never
// taken. When there is none, note says what the file does hold.
func (f *File) Last(k Key) (e Entry, ok bool, note string) {
	var near []Entry
	for _, c := range f.entries {
		if c.Key == k {
			return c, true, ""
		}
		if c.Network == k.Network && c.Config == k.Config && c.API == k.API && (c.Credentials == "" || k.Credentials == "") {
			near = append(near, c)
		}
	}
	switch {
	case len(near) == 1:
		return near[0], true, ""
	case len(near) > 1:
		return Entry{}, false, fmt.Sprintf("it has %d entries for %s, for different credentials, and this run has none to choose with", len(near), k)
	}
	if legacy, ok := f.legacy(k); ok {
		return legacy, true, "its entry for the " + k.Network + " network predates entries per config (version 1) and is taken for " + k.Config
	}
	return Entry{}, false, f.others(k)
}

// legacy is a version 1 entry for k's network, unless k's config already
// has an entry of its own (for another API or account: then the version 1
// entry is not known to be its).
func (f *File) legacy(k Key) (Entry, bool) {
	var found *Entry
	for i, c := range f.entries {
		switch {
		case c.Network != k.Network:
		case c.Config == k.Config:
			return Entry{}, false
		case c.Config == "" && (c.API == "" || c.API == k.API):
			found = &f.entries[i]
		}
	}
	if found == nil {
		return Entry{}, false
	}
	return *found, true
}

// others describes the entries for k's network that are not k's.
func (f *File) others(k Key) string {
	var names []string
	for _, c := range f.entries {
		if c.Network == k.Network && c.Config != "" {
			names = append(names, fmt.Sprintf("%s (api %s)", c.Config, c.API))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return "its entries for the " + k.Network + " network are other configs' or APIs' or accounts': " + strings.Join(names, ", ")
}

// Record sets e.Key's last complete purge; Save writes it.
func (f *File) Record(e Entry) {
	e.PurgedAt = e.PurgedAt.UTC().Truncate(time.Second)
	f.entries = put(f.entries, e)
	f.recorded = put(f.recorded, e)
}

// put replaces the entry with e's key, or adds e, keeping a stable order.
func put(entries []Entry, e Entry) []Entry {
	out := slices.DeleteFunc(slices.Clone(entries), func(o Entry) bool { return o.Key == e.Key })
	out = append(out, e)
	slices.SortStableFunc(out, func(a, b Entry) int {
		return cmp.Or(cmp.Compare(a.Network, b.Network), cmp.Compare(a.Config, b.Config), cmp.Compare(a.API, b.API), cmp.Compare(a.Credentials, b.Credentials))
	})
	return out
}

// CheckWritable makes sure Save will be able to write the file, so a run
// finds a wrong location before it purges anything, not after: it takes
// the folder's lock and creates and removes a file there, as Save does,
// and checks that the rename may replace the file.
func (f *File) CheckWritable() error {
	dir := filepath.Dir(f.real)
	fix := "does the folder exist, and may this user write there? In the GitHub Action, give a path relative to the workspace"
	unlock, err := lock(dir)
	if err != nil {
		return fmt.Errorf("the state file %s cannot be written: lock its folder: %w (%s)", f.path, err, fix)
	}
	defer unlock()
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.real)+".*")
	if err != nil {
		return fmt.Errorf("the state file %s cannot be written: %w (%s)", f.path, err, fix)
	}
	tmp.Close()
	if err := os.Remove(tmp.Name()); err != nil {
		return fmt.Errorf("the state file %s cannot be written: %w (%s)", f.path, err, fix)
	}
	if err := outfile.CheckReplace(dir, f.real); err != nil {
		return fmt.Errorf("the state file %s cannot be written: %w: give the run its own --state path, or have its owner remove the file", f.path, err)
	}
	return nil
}

// Save writes the entries Record set, atomically: a reader (or a run
// killed half-way) sees the old state or the new one, never a torn file.
// Under a lock it reads the file again and replaces only those entries,
// so runs for other networks or configs that finished meanwhile keep
// their records. A version 1 file is written as version 2, its entries
// kept for the configs that have not run since. Through a symbolic link
// it writes the link's target; the link stays.
func (f *File) Save() error {
	dir := filepath.Dir(f.real)
	unlock, err := lock(dir)
	if err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	defer unlock()
	now, err := Load(f.path)
	if err != nil {
		return err
	}
	for _, e := range f.recorded {
		now.entries = put(now.entries, e)
	}
	f.entries = now.entries
	data, err := json.MarshalIndent(doc{Version: Version, Entries: f.entries}, "", "  ")
	if err != nil {
		return err
	}
	if err := replace(dir, f.real, append(data, '\n')); err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	return nil
}

// replace writes data to a temporary file in dir and renames it to path.
func replace(dir, path string, data []byte) error {
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("%w (is its folder writable?)", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file 0600; the state holds no secret, and CI
	// caches and other users of the workspace must be able to read it.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// target is the file path names: itself, or a symbolic link's target
// (which may not exist yet: the first run creates it), so Save updates the
// file the link points to instead of replacing the link with a file. A
// chain of links is followed to its last link, whose target may be
// missing too: reading only the first link took the second for a file in
// the way, and refused a chain the kernel follows.
func target(path string) (string, error) {
	info, err := os.Lstat(path)
	if err != nil || info.Mode()&os.ModeSymlink == 0 {
		return path, nil // a missing file or another problem: Load says which
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real, nil
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil // it leads somewhere (/dev/stdout on a pipe): Load says what
	}
	link := path
	for range 40 { // as the kernel's limit, so a loop ends
		next, err := os.Readlink(link)
		if err != nil {
			break
		}
		if !filepath.IsAbs(next) {
			next = filepath.Join(filepath.Dir(link), next)
		}
		link = next
		info, err := os.Lstat(link)
		if errors.Is(err, os.ErrNotExist) {
			if dir, err := filepath.EvalSymlinks(filepath.Dir(link)); err == nil {
				return filepath.Join(dir, filepath.Base(link)), nil
			}
			break
		}
		if err != nil || info.Mode()&os.ModeSymlink == 0 {
			break
		}
	}
	return "", fmt.Errorf("%w %s: it is a symbolic link to %q, which cannot be followed: point it at a file in an existing folder, or pass --state the file itself", ErrInvalid, path, link)
}

// describeMode names a file type that is not a regular file.
func describeMode(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "a special file (" + m.Type().String() + ")"
}

func (f *File) invalid(format string, args ...any) error {
	return fmt.Errorf("%w %s: %s; fix it, or delete it and pass --from REV (the commit the edge serves now) once", ErrInvalid, f.path, fmt.Sprintf(format, args...))
}

// describe turns a decoding error into a message with line:col.
func describe(data []byte, err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Sprintf("line %d, column %d: %v", line, col, err)
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Sprintf("line %d, column %d: %s must be %s, not a JSON %s", line, col, orTop(typ.Field), kind(typ.Type), typ.Value)
	case errors.Is(err, io.EOF):
		return "it is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "it ends in the middle of the JSON (a torn copy?)"
	}
	return err.Error()
}

// position turns the decoder's offset (the bytes read up to and including
// the one where it stopped) into that byte's 1-based line and column.
func position(data []byte, off int64) (line, col int) {
	off = min(max(off, 1), int64(len(data)))
	before := data[:off-1]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len(before) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// kind names a Go type the way JSON users speak of it.
func kind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	}
	return "a number"
}

func orTop(field string) string {
	if field == "" {
		return "the file"
	}
	return field
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
