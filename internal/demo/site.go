package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SiteFolder is the folder of the example repository the site is served
// from: the rules strip it from paths to make URLs.
const SiteFolder = "public/"

// Released is when each release's files last changed, as the origin's
// Last-Modified shows them: release 2's changed files are newer than
// release 1's, so an invalidate's revalidation finds them changed.
var Released = []time.Time{
	time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC),
	time.Date(2026, 2, 9, 9, 0, 0, 0, time.UTC),
}

// Files are the served files of release n (1 or 2) with the release each
// last changed in, by path under SiteFolder.
func Files(n int) (map[string]string, map[string]int) {
	files, changed := map[string]string{}, map[string]int{}
	for i, c := range Commits()[:n] {
		for old, to := range c.Rename {
			files[to], changed[to] = files[old], changed[old]
			delete(files, old)
		}
		for _, p := range c.Delete {
			delete(files, p)
		}
		for p, content := range c.Write {
			files[p], changed[p] = content, i
		}
	}
	served, when := map[string]string{}, map[string]int{}
	for p, content := range files {
		if rel, ok := strings.CutPrefix(p, SiteFolder); ok {
			served[rel], when[rel] = content, changed[p]
		}
	}
	return served, when
}

// WriteSite makes dir the origin's copy of release n: its served files,
// each with the modification time of the release it last changed in, and
// nothing else (a file of another release is removed).
func WriteSite(dir string, n int) error {
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("write the example site: %w", err)
	}
	files, when := Files(n)
	for rel, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("write the example site: %w", err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return fmt.Errorf("write the example site: %w", err)
		}
		if err := os.Chtimes(p, Released[when[rel]], Released[when[rel]]); err != nil {
			return fmt.Errorf("write the example site: %w", err)
		}
	}
	return nil
}
