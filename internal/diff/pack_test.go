package diff

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// TestPackReader reads every object of packs git made with offset deltas
// and with ref deltas, and checks that each hashes to its own name, so a
// wrong delta, offset or header cannot go unnoticed.
func TestPackReader(t *testing.T) {
	gitBin, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git binary not installed: this test makes packs with git")
	}
	run := func(dir, stdin string, args ...string) string {
		cmd := exec.Command(gitBin, args...)
		cmd.Dir, cmd.Stdin = dir, strings.NewReader(stdin)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	for _, ofs := range []string{"true", "false"} {
		t.Run("useDeltaBaseOffset="+ofs, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "r.git")
			run(".", "", "init", "-q", "--bare", dir)
			run(dir, evolving(40), "fast-import", "--quiet")
			run(dir, "", "-c", "repack.useDeltaBaseOffset="+ofs, "repack", "-a", "-d", "-f", "-q", "--depth=20")
			packs, _ := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.idx"))
			if len(packs) != 1 || !strings.Contains(run(dir, "", "verify-pack", "-v", packs[0]), "chain length = 2") {
				t.Fatal("git made no delta chains: the test would not test deltas")
			}
			o := openPacks(dir, nil)
			defer o.close()
			rd := o.reader()
			list := strings.Fields(run(dir, "", "cat-file", "--batch-all-objects", "--batch-check=%(objectname) %(objecttype)"))
			for i := 0; i+1 < len(list); i += 2 {
				h, typ := plumbing.NewHash(list[i]), list[i+1]
				ot, _ := plumbing.ParseObjectType(typ)
				data, err := rd.read(ot, h)
				if err != nil {
					t.Fatalf("read %s %s: %v", typ, h, err)
				}
				if got := plumbing.ComputeHash(ot, data); got != h {
					t.Errorf("%s %s: content hashes to %s", typ, h, got)
				}
			}
			if _, err := rd.read(plumbing.TreeObject, plumbing.NewHash(list[0])); list[1] != "tree" && err == nil {
				t.Errorf("reading a %s as a tree succeeded", list[1])
			}
		})
	}
}

// evolving is a fast-import stream of commits that each edit one line of
// a large file and a folder, so git stores blobs and trees as deltas.
func evolving(n int) string {
	var b strings.Builder
	lines := make([]string, 400)
	for i := range lines {
		lines[i] = fmt.Sprintf("line %d of a long page that git will delta-compress", i)
	}
	for c := range n {
		lines[c*7%len(lines)] = fmt.Sprintf("edited in commit %d", c)
		content := strings.Join(lines, "\n")
		msg := fmt.Sprintf("c%d", c)
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter t <t@t> %d +0000\ndata %d\n%s\n", 1767323045+c, len(msg), msg)
		fmt.Fprintf(&b, "M 100644 inline big.md\ndata %d\n%s\n", len(content), content)
		for k := range 30 {
			fmt.Fprintf(&b, "M 100644 inline dir/f%02d\ndata 3\nv%02d\n", k, (c+k)%3)
		}
	}
	return b.String()
}
