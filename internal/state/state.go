// Package state remembers, per network, the last commit whose changes were
// all purged. The edge serves what was last purged, not what the CI
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
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"time"
)

// Version is the file format written; Load refuses any other.
const Version = 1

// maxBytes bounds what Load reads: a real file has one entry per network.
const maxBytes = 64 << 10

// Entry is one network's last complete purge.
type Entry struct {
	Commit   string    `json:"commit"`         // full SHA whose changes are all purged
	From     string    `json:"from,omitempty"` // the base that run compared against ("" when unknown)
	PurgedAt time.Time `json:"purgedAt"`
	API      string    `json:"api,omitempty"`
}

// File is a loaded state file; Record changes it, Save writes it.
type File struct {
	path     string
	networks map[string]Entry
	recorded map[string]Entry // what Record set, for Save to merge
}

// doc is the file's JSON form.
type doc struct {
	Version  int              `json:"version"`
	Networks map[string]Entry `json:"networks"`
}

var (
	fullSHA  = regexp.MustCompile(`^[0-9a-f]{40}([0-9a-f]{24})?$`)
	networks = []string{"production", "staging"}
)

// ErrInvalid marks a state file that exists but cannot be used.
var ErrInvalid = errors.New("invalid state file")

// Load reads the state file at path. A missing file is an empty state
// (the first run); anything unreadable or malformed is an error that says
// how to recover, never an empty state, because guessing would purge the
// wrong range.
func Load(path string) (*File, error) {
	f := &File{path: path, networks: map[string]Entry{}, recorded: map[string]Entry{}}
	fh, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the state file: %w (can this user read it? a CI cache restored by another user may need its mode fixed)", err)
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, maxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read the state file %s: %w", path, err)
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
	if d.Version != Version {
		return nil, f.invalid("version is %d; this ccu-purge reads version %d", d.Version, Version)
	}
	for name, e := range d.Networks {
		if !slices.Contains(networks, name) {
			return nil, f.invalid("unknown network %q; valid networks are %q", name, networks)
		}
		if !fullSHA.MatchString(e.Commit) {
			return nil, f.invalid("networks.%s.commit is %q, not a full lower-case commit SHA", name, clip(e.Commit))
		}
		if e.From != "" && !fullSHA.MatchString(e.From) {
			return nil, f.invalid("networks.%s.from is %q, not a full lower-case commit SHA", name, clip(e.From))
		}
		f.networks[name] = e
	}
	return f, nil
}

// Path is where the file is read from and saved to.
func (f *File) Path() string { return f.path }

// Last returns network's last complete purge, if one was recorded.
func (f *File) Last(network string) (Entry, bool) {
	e, ok := f.networks[network]
	return e, ok
}

// Record sets network's last complete purge; Save writes it.
func (f *File) Record(network string, e Entry) {
	e.PurgedAt = e.PurgedAt.UTC().Truncate(time.Second)
	f.networks[network] = e
	f.recorded[network] = e
}

// CheckWritable makes sure Save will be able to write the file, so a run
// finds a wrong location before it purges anything, not after.
func (f *File) CheckWritable() error {
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(f.path)+".*")
	if err != nil {
		return fmt.Errorf("the state file %s cannot be written: %w (does the folder exist, and may this user write there? In the GitHub Action, give a path relative to the workspace)", f.path, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// Save writes the networks Record set, atomically: a reader (or a run
// killed half-way) sees the old state or the new one, never a torn file.
// Under a lock it reads the file again and replaces only those networks,
// so runs for other networks that finished meanwhile keep their records.
func (f *File) Save() error {
	unlock, err := lock(filepath.Dir(f.path))
	if err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	defer unlock()
	now, err := Load(f.path)
	if err != nil {
		return err
	}
	for n, e := range f.recorded {
		now.networks[n] = e
	}
	f.networks = now.networks
	data, err := json.MarshalIndent(doc{Version: Version, Networks: f.networks}, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	tmp, err := os.CreateTemp(filepath.Dir(f.path), "."+filepath.Base(f.path)+".*")
	if err != nil {
		return fmt.Errorf("write the state file %s: %w (is its folder writable?)", f.path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	// CreateTemp makes the file 0600; the state holds no secret, and CI
	// caches and other users of the workspace must be able to read it.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("write the state file %s: %w", f.path, err)
	}
	return nil
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
