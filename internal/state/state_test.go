package state

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const (
	sha1 = "0123456789abcdef0123456789abcdef01234567"
	sha2 = "89abcdef0123456789abcdef0123456789abcdef"
)

func TestMissingFileIsEmpty(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := f.Last("production"); ok {
		t.Errorf("Last on a missing file = %+v, want none", e)
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 23, 10, 4, 5, 999, time.FixedZone("CET", 3600))
	f.Record("production", Entry{Commit: sha2, From: sha1, PurgedAt: at, API: "fast-purge"})
	f.Record("staging", Entry{Commit: sha1, PurgedAt: at})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Entry{
		"production": {Commit: sha2, From: sha1, PurgedAt: time.Date(2026, 11, 23, 9, 4, 5, 0, time.UTC), API: "fast-purge"},
		"staging":    {Commit: sha1, PurgedAt: time.Date(2026, 11, 23, 9, 4, 5, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, g.networks); diff != "" {
		t.Errorf("loaded state (-want +got):\n%s", diff)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if m := info.Mode().Perm(); m != 0o644 {
		t.Errorf("mode %v, want 0644", m)
	}
	// Nothing but the file itself: the temporary file was renamed.
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("folder holds %d files after Save, want 1", len(entries))
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"purgedAt": "2026-11-23T09:04:05Z"`) {
		t.Errorf("time not written in UTC seconds:\n%s", data)
	}
}

func TestInvalid(t *testing.T) {
	for _, tc := range []struct {
		name, content, want string
	}{
		{"empty", "", "it is empty"},
		{"torn", `{"version": 1, "networks": {"production": {"commit": "` + sha1, "ends in the middle"},
		{"syntax", "{\n  \"version\": 1,\n  \"networks\": {,}\n}", "line 3, column 16"},
		{"wrong type", "{\n  \"version\": \"1\"\n}", "line 2, column 16: version must be a number, not a JSON string"},
		{"not an object", "[]", "the file must be an object, not a JSON array"},
		{"unknown field", `{"version": 1, "networks": {}, "extra": 1}`, `unknown field "extra"`},
		{"two values", `{"version": 1} {}`, "more than one JSON value"},
		{"no version", `{"networks": {}}`, "version is 0; this ccu-purge reads version 1"},
		{"future version", `{"version": 2, "networks": {}}`, "version is 2"},
		{"commit not a string", `{"version": 1, "networks": {"staging": {"commit": 7}}}`, "line 1, column 51: networks.commit must be a string, not a JSON number"},
		{"unknown network", `{"version": 1, "networks": {"prod": {"commit": "` + sha1 + `"}}}`, `unknown network "prod"`},
		{"short commit", `{"version": 1, "networks": {"production": {"commit": "0123456"}}}`, `networks.production.commit is "0123456", not a full lower-case commit SHA`},
		{"revision, not SHA", `{"version": 1, "networks": {"production": {"commit": "HEAD~1"}}}`, "not a full lower-case commit SHA"},
		{"bad from", `{"version": 1, "networks": {"staging": {"commit": "` + sha1 + `", "from": "-x"}}}`, "networks.staging.from"},
		{"huge", `{"version": 1, "networks": {}, "x": "` + strings.Repeat("a", maxBytes) + `"}`, "larger than 64 KiB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Load = %v, want ErrInvalid", err)
			}
			for _, want := range []string{tc.want, path, "pass --from REV"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A folder where the file should be: present, but not a readable file.
	path := filepath.Join(dir, "state.json")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load of a folder = %v, want an error naming it", err)
	}
}

func TestSaveIntoMissingFolder(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "no", "such", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	f.Record("production", Entry{Commit: sha1})
	err = f.Save()
	if err == nil || !strings.Contains(err.Error(), "no/such/state.json") {
		t.Errorf("Save into a missing folder = %v, want an error naming the file", err)
	}
}

// Two runs load the file, each purges its own network, and the later
// save keeps the earlier one's record.
func TestSaveKeepsOtherNetworks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.json")
	prod, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	staging, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	prod.Record("production", Entry{Commit: sha1})
	staging.Record("staging", Entry{Commit: sha2})
	if err := prod.Save(); err != nil {
		t.Fatal(err)
	}
	if err := staging.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, okP := got.Last("production")
	s, okS := got.Last("staging")
	if !okP || !okS || p.Commit != sha1 || s.Commit != sha2 {
		t.Errorf("after both saves: production %+v (%v), staging %+v (%v)", p, okP, s, okS)
	}
}

func TestCheckWritable(t *testing.T) {
	dir := t.TempDir()
	f, err := Load(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.CheckWritable(); err != nil {
		t.Errorf("CheckWritable in a writable folder: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("CheckWritable left %d file(s) behind", len(entries))
	}
	f, err = Load(filepath.Join(dir, "missing", "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	err = f.CheckWritable()
	if err == nil || !strings.Contains(err.Error(), "missing/state.json cannot be written") || !strings.Contains(err.Error(), "relative to the workspace") {
		t.Errorf("CheckWritable in a missing folder = %v", err)
	}
}
