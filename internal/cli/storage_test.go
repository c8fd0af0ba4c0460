package cli

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// TestDamagedPackExits2 runs plan and purge on repositories whose pack
// lies about a size (a 9-byte delta claiming 32 TiB used to end the process
// with "fatal error: out of memory") or lacks an object: exit 2, one
// message naming the object, the pack and git fsck, nothing sent, and no
// hint to fetch what a full clone cannot fetch.
func TestDamagedPackExits2(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(es []gitfixture.PackEntry, tree int) []gitfixture.PackEntry
		want []string
	}{
		{"a 9-byte delta whose target is 32 TiB", func(es []gitfixture.PackEntry, tree int) []gitfixture.PackEntry {
			// A REF_DELTA on the first entry, which WritePack puts before it.
			base := es[0]
			d := append(append(sizeBytes(uint64(len(base.Data))), sizeBytes(1<<45)...), 0x01)
			es[tree] = gitfixture.PackEntry{Type: gitfixture.PackRefDelta, Hash: es[tree].Hash, Data: d, Size: -1, RefBase: base.Hash}
			return es
		}, []string{"corrupt delta", "cannot come from"}},
		{"an object header that claims 32 TiB", func(es []gitfixture.PackEntry, tree int) []gitfixture.PackEntry {
			es[tree].Size = 1 << 45
			return es
		}, []string{"claims 35184372088832 bytes"}},
		{"a tree missing from the pack", func(es []gitfixture.PackEntry, tree int) []gitfixture.PackEntry {
			return append(es[:tree:tree], es[tree+1:]...)
		}, []string{"is not in the object store, and the clone is not partial"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := gitSite(t, true)
			tree := gitCmd(t, d, "rev-parse", "HEAD:public")
			_, err := gitfixture.Repack(filepath.Join(d, ".git"), func(es []gitfixture.PackEntry) []gitfixture.PackEntry {
				for i, e := range es {
					if tree == hex.EncodeToString(e.Hash[:]) {
						return tc.edit(es, i)
					}
				}
				t.Fatalf("tree %s is not in the pack", tree)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := append(tc.want, "read tree "+tree, "git fsck")
			r := runQuick(t, nil, "plan", "--repo", d, "--from", "v1")
			oneMessage(t, r, ExitUsage, want...)
			sim, flags := hardSim(t, ccusim.Options{})
			r = runQuick(t, nil, append([]string{"purge", "--repo", d, "--from", "v1"}, flags...)...)
			oneMessage(t, r, ExitUsage, want...)
			if sim.Requests() != 0 {
				t.Errorf("%d request(s) sent", sim.Requests())
			}
			if strings.Contains(r.stderr, "fetch") {
				t.Errorf("a damaged pack is called a shallow or partial clone:\n%s", r.stderr)
			}
		})
	}
}

func sizeBytes(n uint64) []byte {
	var b []byte
	for ; n >= 0x80; n >>= 7 {
		b = append(b, byte(n)|0x80)
	}
	return append(b, byte(n))
}

// TestPlanJSONRawNames checks that two files whose names differ only in
// bytes that are not UTF-8 stay apart in the plan's JSON: encoding/json
// prints both paths with U+FFFD, and pathBytes holds each exact name.
func TestPlanJSONRawNames(t *testing.T) {
	d := gitSite(t, false)
	names := []string{"public/\xff.html", "public/\xfe.html"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(d, n), []byte(n), 0o644); err != nil {
			t.Skipf("the file system refuses a name that is not UTF-8: %v", err)
		}
	}
	gitCmd(t, d, "add", "-A")
	gitCmd(t, d, "commit", "-qm", "raw names")
	r := runQuick(t, nil, "plan", "--repo", d, "--from", "HEAD~1", "--output", "json")
	oneMessage(t, r, ExitOK)
	var p struct {
		Changes []struct {
			Path      string `json:"path"`
			PathBytes []byte `json:"pathBytes"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	var raw []string
	for _, c := range p.Changes {
		if c.Path != "public/\uFFFD.html" {
			t.Errorf("path %q has pathBytes %q", c.Path, c.PathBytes)
			continue
		}
		raw = append(raw, string(c.PathBytes))
	}
	if d := cmp.Diff([]string{"public/\xfe.html", "public/\xff.html"}, raw); d != "" {
		t.Errorf("pathBytes (-want +got):\n%s", d)
	}
	if n := bytes.Count([]byte(r.stdout), []byte(`"pathBytes"`)); n != 2 {
		t.Errorf("%d pathBytes fields, want 2 (only for names that are not UTF-8):\n%s", n, r.stdout)
	}
}

// TestPlanJSONRawUnmatched: the unmatched list shows names as JSON can,
// so two files whose names differ only in bytes that are not UTF-8 read
// alike there ("docs/\ufffd.txt" twice); unmatchedBytes holds every
// name's bytes in the same order, null for a valid one, in the plan and
// the report.
func TestPlanJSONRawUnmatched(t *testing.T) {
	d := gitSite(t, false)
	names := []string{"docs/\xff.txt", "docs/\xfe.txt", "docs/ok.txt"}
	if err := os.Mkdir(filepath.Join(d, "docs"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(d, n), []byte(n), 0o644); err != nil {
			t.Skipf("the file system refuses a name that is not UTF-8: %v", err)
		}
	}
	gitCmd(t, d, "add", "-A")
	gitCmd(t, d, "commit", "-qm", "raw names")
	type lists struct {
		Unmatched      []string `json:"unmatched"`
		UnmatchedBytes [][]byte `json:"unmatchedBytes"`
	}
	want := lists{
		Unmatched:      []string{"docs/ok.txt", "docs/\uFFFD.txt", "docs/\uFFFD.txt"},
		UnmatchedBytes: [][]byte{nil, []byte("docs/\xfe.txt"), []byte("docs/\xff.txt")},
	}
	r := runQuick(t, nil, "plan", "--repo", d, "--from", "HEAD~1", "--output", "json")
	oneMessage(t, r, ExitOK)
	var p lists
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, p); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
	report := filepath.Join(t.TempDir(), "r.json")
	r = runQuick(t, nil, "purge", "--dry-run", "--repo", d, "--from", "HEAD~1", "--report", report)
	if got := readJSON[lists](t, report); r.code != ExitOK || cmp.Diff(want, got) != "" {
		t.Errorf("exit %d, report (-want +got):\n%s%s", r.code, cmp.Diff(want, got), r.stderr)
	}
	r = runQuick(t, nil, "plan", "--repo", gitSite(t, false), "--from", "v1", "--output", "json")
	if strings.Contains(r.stdout, "unmatchedBytes") || strings.Contains(r.stdout, "ignoredBytes") {
		t.Errorf("valid names have the raw lists:\n%s", r.stdout)
	}
}

// TestStorageLayouts plans and purges on layouts git reads and go-git v5
// alone did not (exit 2, "the repository is damaged … not in the object
// store"): the same objects as a plain clone, every one purged.
func TestStorageLayouts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func(t *testing.T) string
	}{
		{"pack index version 1", func(t *testing.T) string {
			d := gitSite(t, true)
			packs, _ := filepath.Glob(filepath.Join(d, ".git/objects/pack/*.pack"))
			idx := strings.TrimSuffix(packs[0], ".pack") + ".idx"
			os.Remove(idx)
			gitCmd(t, d, "index-pack", "--index-version=1", "-o", idx, packs[0])
			return d
		}},
		{"relative alternates, chained", func(t *testing.T) string {
			src := gitSite(t, true)
			mid := filepath.Join(t.TempDir(), "mid")
			gitCmd(t, t.TempDir(), "clone", "-q", "--shared", "--bare", src, mid)
			d := filepath.Join(t.TempDir(), "d")
			gitCmd(t, t.TempDir(), "clone", "-q", "--shared", mid, d)
			objs := filepath.Join(d, ".git", "objects")
			rel, err := filepath.Rel(objs, filepath.Join(mid, "objects"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(objs, "info", "alternates"), []byte(rel+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			return d
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := tc.build(t)
			want := []string{"url https://www.example.com/a.html", "url https://www.example.com/b.html"}
			if got := plannedObjects(t, "--repo", d, "--from", "v1"); !cmp.Equal(got, want) {
				t.Fatalf("planned %q, want %q", got, want)
			}
			sim, flags := hardSim(t, ccusim.Options{})
			r := runQuick(t, nil, append([]string{"purge", "--repo", d, "--from", "v1"}, flags...)...)
			oneMessage(t, r, ExitOK)
			if sim.Requests() == 0 {
				t.Error("nothing was sent")
			}
		})
	}
}
