package demo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if err := WriteSite(dir, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "about.html")); err != nil {
		t.Errorf("release 1 has no about.html: %v", err)
	}
	if err := WriteSite(dir, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "about.html")); !os.IsNotExist(err) {
		t.Errorf("release 2 still serves the deleted about.html: %v", err)
	}
	for rel, want := range map[string]int{"index.html": 1, "blog/hello.html": 0, "news/2026.html": 0, "css/site-v2.css": 0} {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatalf("release 2 lacks %s: %v", rel, err)
		}
		if !fi.ModTime().Equal(Released[want]) {
			t.Errorf("%s: modified %v, want release %d's %v", rel, fi.ModTime(), want+1, Released[want])
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "README.md")); !os.IsNotExist(err) {
		t.Errorf("the site serves README.md, which is outside %s: %v", SiteFolder, err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "js", "app.js"))
	if string(data) != "console.log('v2')\n" {
		t.Errorf("js/app.js = %q, want release 2's", data)
	}
}

func TestURLs(t *testing.T) {
	got := strings.Join(URLs(2), "\n")
	for _, want := range []string{"https://www.example.com/", "https://www.example.com/index.html", "https://www.example.com/blog/", "https://www.example.com/blog/caf%C3%A9%20%232%20%C3%A0%20la%20carte.html"} {
		if !strings.Contains(got+"\n", want+"\n") {
			t.Errorf("URLs(2) lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "about.html") {
		t.Errorf("URLs(2) holds the deleted about.html:\n%s", got)
	}
}
