// Package demo holds the bundled example: a small static site's history,
// built deterministically into a git repository for `ccu-purge demo`, the
// tests and testdata/repos/demo-site.git.
package demo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// Config is the example site's .ccu-purge.yml. It uses CCU v2's default
// queue nowhere: Fast Purge is what real accounts have.
const Config = `# The demo site's purge rules (see .ccu-purge.yml.example for every key).
api: fast-purge
network: staging
threshold: 200
cpcodes: [424242]
ignore: ["**/*.map"]
rules:
  - match: "public/**/index.html"
    strip: public/
    urls:
      - https://www.example.com/{path}
      - https://www.example.com/{dir}
  - match: "public/**"
    strip: public/
    urls: https://www.example.com/{path}
  - match: "layouts/**"
    cpcodes: 424242
`

func page(title string) string {
	return fmt.Sprintf("<!doctype html>\n<title>%s</title>\n<h1>%s</h1>\n", title, title)
}

// Commits is the example site's history: a first release (tag v1), then a
// deploy that edits, adds (names with spaces, unicode and '#'), deletes and
// renames (tag v2).
func Commits() []gitfixture.Commit {
	first := map[string]string{
		".ccu-purge.yml":         Config,
		"README.md":              "# Example site\n",
		"public/index.html":      page("Home"),
		"public/about.html":      page("About"),
		"public/blog/index.html": page("Blog"),
		"public/blog/hello.html": page("Hello"),
		"public/css/site.css":    "body { font: 16px serif }\n",
		"public/js/app.js":       "console.log('v1')\n",
		"public/js/app.js.map":   "{}\n",
		"public/old-news.html":   page("Old news"),
		"layouts/base.html":      "<html>{{ content }}</html>\n",
	}
	second := map[string]string{
		"public/index.html":                   page("Home, now with news"),
		"public/blog/index.html":              page("Blog (2 posts)"),
		"public/blog/café #2 à la carte.html": page("Café #2"),
		"public/js/app.js":                    "console.log('v2')\n",
		"public/js/app.js.map":                "{\"v\":2}\n",
		"README.md":                           "# Example site\n\nNow with a blog.\n",
	}
	return []gitfixture.Commit{
		{Message: "First release", Write: first, Tag: "v1"},
		{Message: "Second release: a new post, news moved",
			Write:  second,
			Delete: []string{"public/about.html"},
			Rename: map[string]string{"public/old-news.html": "public/news/2026.html", "public/css/site.css": "public/css/site-v2.css"},
			Tag:    "v2"},
	}
}

// Build writes the example repository to dir (bare) and returns its
// commits' SHAs.
func Build(dir string) ([]string, error) {
	shas, err := gitfixture.Build(dir, true, Commits())
	if err != nil {
		return nil, fmt.Errorf("build the demo repository: %w", err)
	}
	return shas, nil
}

// Repo is the example repository the demo runs on: with dir ".", a fresh
// one in tmp; else dir, built there first when it does not exist, so
// `make demo` needs no generator of its own (one compile on a fresh
// machine) and later runs reuse it. shas are the commits it built, none
// when dir was there already (or unreadable: planning says why).
func Repo(dir, tmp string) (repo string, shas []string, err error) {
	if dir == "." {
		repo := filepath.Join(tmp, "demo-site.git")
		shas, err := Build(repo)
		return repo, shas, err
	}
	if _, err := os.Stat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return dir, nil, nil
	}
	if shas, err = Build(dir); err != nil {
		return "", nil, fmt.Errorf("build the example repository in %q: %w", dir, err)
	}
	return dir, shas, nil
}
