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
	sha3 = "fedcba9876543210fedcba9876543210fedcba98"
)

// Keys of the tests: two sites in one repository, one account.
var (
	acct  = HostHash("akab-one.purge.akamaiapis.net")
	siteA = Key{Network: "production", Config: "sites/a.yml", API: "fast-purge", Credentials: acct}
	siteB = Key{Network: "production", Config: "sites/b.yml", API: "fast-purge", Credentials: acct}
	stagA = Key{Network: "staging", Config: "sites/a.yml", API: "fast-purge", Credentials: acct}
)

func TestMissingFileIsEmpty(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok, _ := f.Last(siteA); ok {
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
	f.Record(Entry{Key: siteA, Commit: sha2, From: sha1, PurgedAt: at})
	f.Record(Entry{Key: stagA, Commit: sha1, PurgedAt: at})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Key: siteA, Commit: sha2, From: sha1, PurgedAt: time.Date(2026, 11, 23, 9, 4, 5, 0, time.UTC)},
		{Key: stagA, Commit: sha1, PurgedAt: time.Date(2026, 11, 23, 9, 4, 5, 0, time.UTC)},
	}
	if diff := cmp.Diff(want, g.entries); diff != "" {
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
		{"no version", `{"networks": {}}`, "version is 0; this ccu-purge reads versions 1 and 2"},
		{"future version", `{"version": 3, "entries": []}`, "version is 3"},
		{"version 2 with networks", `{"version": 2, "networks": {"production": {"commit": "` + sha1 + `"}}}`, "version 2 has entries, not networks"},
		{"version 1 with entries", `{"version": 1, "entries": [{"network": "production", "config": "a.yml", "commit": "` + sha1 + `"}]}`, "version 1 has networks, not entries"},
		{"entry: unknown network", `{"version": 2, "entries": [{"network": "prod", "config": "a.yml", "commit": "` + sha1 + `"}]}`, `unknown network "prod"`},
		{"entry: short commit", `{"version": 2, "entries": [{"network": "staging", "config": "a.yml", "commit": "0123456"}]}`, `entries[0].commit is "0123456", not a full lower-case commit SHA`},
		{"entry: bad from", `{"version": 2, "entries": [{"network": "staging", "config": "a.yml", "commit": "` + sha1 + `", "from": "HEAD"}]}`, "entries[0].from"},
		{"entry: unknown api", `{"version": 2, "entries": [{"network": "staging", "config": "a.yml", "api": "v4", "commit": "` + sha1 + `"}]}`, `entries[0].api is "v4"; valid values are ["fast-purge" "ccu-v2"]`},
		{"entry: credentials not a hash", `{"version": 2, "entries": [{"network": "staging", "config": "a.yml", "credentials": "akab-host.purge.akamaiapis.net", "commit": "` + sha1 + `"}]}`, "entries[0].credentials is"},
		{"entry: config with a newline", `{"version": 2, "entries": [{"network": "staging", "config": "a\nb", "commit": "` + sha1 + `"}]}`, "entries[0].config is not a file path"},
		{"entry: unknown field", `{"version": 2, "entries": [{"network": "staging", "host": "x", "commit": "` + sha1 + `"}]}`, `unknown field "host"`},
		{"entry: twice", `{"version": 2, "entries": [{"network": "staging", "config": "a.yml", "commit": "` + sha1 + `"}, {"network": "staging", "config": "a.yml", "commit": "` + sha2 + `"}]}`, "entries[1] has the same network, config, api and credentials"},
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
	f.Record(Entry{Key: siteA, Commit: sha1})
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
	prod.Record(Entry{Key: siteA, Commit: sha1})
	staging.Record(Entry{Key: stagA, Commit: sha2})
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
	p, okP, _ := got.Last(siteA)
	s, okS, _ := got.Last(stagA)
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

// writeFile writes a state file with content and returns its path.
func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Entries are kept apart by network, config, API and account: one file
// shared by two sites gives each its own last purge, never the other's.
func TestLastKeys(t *testing.T) {
	shared := `{"version": 2, "entries": [
		{"network": "production", "config": "sites/a.yml", "api": "fast-purge", "credentials": "` + acct + `", "commit": "` + sha1 + `", "purgedAt": "2026-11-01T00:00:00Z"},
		{"network": "production", "config": "sites/b.yml", "api": "fast-purge", "credentials": "` + acct + `", "commit": "` + sha2 + `", "purgedAt": "2026-11-02T00:00:00Z"}]}`
	v1 := `{"version": 1, "networks": {"production": {"commit": "` + sha3 + `", "api": "fast-purge", "purgedAt": "2026-10-01T00:00:00Z"}}}`
	v1Mixed := `{"version": 2, "entries": [
		{"network": "production", "config": "", "api": "fast-purge", "commit": "` + sha3 + `", "purgedAt": "2026-10-01T00:00:00Z"},
		{"network": "production", "config": "sites/a.yml", "api": "ccu-v2", "credentials": "` + acct + `", "commit": "` + sha1 + `", "purgedAt": "2026-11-01T00:00:00Z"}]}`
	withAPI := func(k Key, api string) Key { k.API = api; return k }
	withCreds := func(k Key, c string) Key { k.Credentials = c; return k }
	for _, tc := range []struct {
		name, file string
		key        Key
		want       string // commit, "" for none
		note       string // fragment of the note
	}{
		{"site A", shared, siteA, sha1, ""},
		{"site B", shared, siteB, sha2, ""},
		{"site A, credentials unknown (plan)", shared, withCreds(siteA, ""), sha1, ""},
		{"site A, another account", shared, withCreds(siteA, HostHash("akab-two.purge.akamaiapis.net")), "", "other configs' or APIs' or accounts': sites/a.yml (api fast-purge), sites/b.yml (api fast-purge)"},
		{"site A, another API", shared, withAPI(siteA, "ccu-v2"), "", "sites/a.yml (api fast-purge)"},
		{"a third site", shared, Key{Network: "production", Config: "sites/c.yml", API: "fast-purge", Credentials: acct}, "", "sites/b.yml"},
		{"another network", shared, stagA, "", ""},
		{"version 1: any config of the network", v1, siteB, sha3, "predates entries per config (version 1) and is taken for sites/b.yml"},
		{"version 1: not for another API", v1, withAPI(siteA, "ccu-v2"), "", ""},
		{"version 1: not for a config with its own entry", v1Mixed, siteA, "", "sites/a.yml (api ccu-v2)"},
		{"version 1: for a config without one", v1Mixed, siteB, sha3, "version 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := Load(writeFile(t, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			e, ok, note := f.Last(tc.key)
			if ok != (tc.want != "") || e.Commit != tc.want {
				t.Errorf("Last(%+v) = %.12s, %v; want %.12q", tc.key, e.Commit, ok, tc.want)
			}
			if !strings.Contains(note, tc.note) || tc.note == "" && note != "" {
				t.Errorf("note %q, want %q", note, tc.note)
			}
		})
	}
}

// Two sites share a file; A's purge fails (nothing recorded), B's
// succeeds: A's entry stays where it was, so A's next run retries.
func TestSharedFileKeepsFailedSite(t *testing.T) {
	path := writeFile(t, `{"version": 2, "entries": [
		{"network": "production", "config": "sites/a.yml", "api": "fast-purge", "credentials": "`+acct+`", "commit": "`+sha1+`", "purgedAt": "2026-11-01T00:00:00Z"},
		{"network": "production", "config": "sites/b.yml", "api": "fast-purge", "credentials": "`+acct+`", "commit": "`+sha1+`", "purgedAt": "2026-11-01T00:00:00Z"}]}`)
	a, err := Load(path) // A's run fails: it never records
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	b.Record(Entry{Key: siteB, Commit: sha2, From: sha1})
	if err := b.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	ea, _, _ := got.Last(siteA)
	eb, _, _ := got.Last(siteB)
	if ea.Commit != sha1 || eb.Commit != sha2 {
		t.Errorf("after B's save: A at %.12s (want %.12s, its last purge), B at %.12s", ea.Commit, sha1, eb.Commit)
	}
	if _, ok, _ := a.Last(siteA); !ok {
		t.Error("A's own load lost its entry")
	}
}

// A version 1 file still loads, and its first save writes version 2,
// keeping the version 1 entry for the configs that have not run since.
func TestMigrateVersion1(t *testing.T) {
	path := writeFile(t, `{"version": 1, "networks": {"production": {"commit": "`+sha1+`", "api": "fast-purge", "purgedAt": "2026-10-01T00:00:00Z"}}}`)
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	f.Record(Entry{Key: siteA, Commit: sha2, From: sha1})
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Load(path)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	want := []Entry{
		{Key: Key{Network: "production", API: "fast-purge"}, Commit: sha1, PurgedAt: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)},
		{Key: siteA, Commit: sha2, From: sha1, PurgedAt: g.entries[1].PurgedAt},
	}
	if d := cmp.Diff(want, g.entries); d != "" || !strings.Contains(string(data), `"version": 2`) {
		t.Errorf("entries after the first save (-want +got):\n%s\n%s", d, data)
	}
	if e, _, _ := g.Last(siteB); e.Commit != sha1 {
		t.Errorf("site B, which has not run since, gets %.12s, want the version 1 entry's %.12s", e.Commit, sha1)
	}
}
