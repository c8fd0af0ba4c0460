package mapper_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

var update = flag.Bool("update", false, "rewrite golden files")

// exampleGolden is what examples/*/plan.golden.json holds: each changed
// path with its rule and objects, then the plan those objects make.
type exampleGolden struct {
	Matches []mapper.Match `json:"matches"`
	Plan    *plan.Plan     `json:"plan"`
}

// TestExamples loads every example config, maps its changes.txt and
// compares the result with its plan.golden.json (go test -update rewrites
// them). The shipped layouts cannot rot.
func TestExamples(t *testing.T) {
	t.Parallel()
	configs, err := filepath.Glob(filepath.Join("..", "..", "examples", "*", ".ccu-purge.yml"))
	var dirs []string
	for _, c := range configs {
		dirs = append(dirs, filepath.Dir(c))
	}
	if err != nil || len(dirs) < 7 {
		t.Fatalf("found %d examples (%v), want at least 7", len(dirs), err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			t.Parallel()
			got := runExample(t, dir)
			path := filepath.Join(dir, "plan.golden.json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), string(got)); d != "" {
				t.Errorf("%s (-golden +got), rerun with -update if intended:\n%s", path, d)
			}
		})
	}
}

func runExample(t *testing.T, dir string) []byte {
	t.Helper()
	cfg, err := mapper.Load(filepath.Join(dir, ".ccu-purge.yml"))
	if err != nil {
		t.Fatal(err)
	}
	changes := readChanges(t, filepath.Join(dir, "changes.txt"))
	var paths []string
	for _, c := range changes {
		paths = append(paths, c.Paths()...)
	}
	res := cfg.Map(paths)
	p := plan.Build("base", "head", changes, res, plan.SettingsOf(cfg))
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(exampleGolden{Matches: res.Matches, Plan: p}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readChanges reads "A path", "M path", "D path" or "R old => new" lines;
// # starts a comment line.
func readChanges(t *testing.T, name string) []diff.Change {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var out []diff.Change
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		status, rest, ok := strings.Cut(line, " ")
		if !ok || !strings.Contains("AMDR", status) || len(status) != 1 {
			t.Fatalf("%s: bad line %q: want A, M, D or R, a space and the path", name, line)
		}
		c := diff.Change{Status: diff.Status(status), Path: rest}
		if status == "R" {
			c.OldPath, c.Path, _ = strings.Cut(rest, " => ")
		}
		out = append(out, c)
	}
	return out
}
