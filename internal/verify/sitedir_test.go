package verify

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// writeSite writes files (path → body) under a new folder.
func writeSite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadSiteDir(t *testing.T) {
	t.Parallel()
	site := writeSite(t, map[string]string{
		"index.html": "home", "a/b.html": "b", "a/index.html": "a", "with space.html": "sp", "empty.css": "",
	})
	outside := writeSite(t, map[string]string{"secret.html": "secret"})
	if runtime.GOOS != "windows" {
		if err := os.Symlink(filepath.Join(outside, "secret.html"), filepath.Join(site, "link.html")); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, base, url string
		want            string // "" = unknown
		wantSet         bool
	}{
		{"a file", "", "https://www.example.com/a/b.html", "b", true},
		{"the root", "", "https://www.example.com/", "home", true},
		{"no path", "", "https://www.example.com", "home", true},
		{"a folder", "", "https://www.example.com/a/", "a", true},
		{"a folder without slash", "", "https://www.example.com/a", "a", true},
		{"percent-decoded", "", "https://www.example.com/with%20space.html", "sp", true},
		{"an empty file", "", "https://www.example.com/empty.css", "", true},
		{"missing", "", "https://www.example.com/gone.html", "", false},
		{"dot-dot", "", "https://www.example.com/../" + filepath.Base(outside) + "/secret.html", "", false},
		{"symlink out", "", "https://www.example.com/link.html", "", false},
		{"under the base path", "/docs", "https://www.example.com/docs/a/b.html", "b", true},
		{"the base path itself", "/docs/", "https://www.example.com/docs", "home", true},
		{"outside the base path", "/docs", "https://www.example.com/a/b.html", "", false},
		{"a prefix is not the base", "/docs", "https://www.example.com/docsa/b.html", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ts := []Target{{URL: c.url}}
			n, err := LoadSiteDir(site, c.base, ts)
			if err != nil {
				t.Fatal(err)
			}
			if ts[0].WantKnown != c.wantSet || string(ts[0].Want) != c.want || n != map[bool]int{true: 1}[c.wantSet] {
				t.Errorf("LoadSiteDir(%q) = %d, Want %q (known %v); want %q (known %v)", c.url, n, ts[0].Want, ts[0].WantKnown, c.want, c.wantSet)
			}
		})
	}
}

func TestLoadSiteDirMissingFolder(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "public")
	_, err := LoadSiteDir(dir, "", []Target{{URL: "https://www.example.com/"}})
	if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "--site-dir") {
		t.Fatalf("LoadSiteDir(missing) = %v; want an error naming the folder and --site-dir", err)
	}
}
