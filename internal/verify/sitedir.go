package verify

import (
	"fmt"
	"net/url"
	"os"
	"path"
	"strings"
)

// LoadSiteDir fills Want from dir, the folder the site is served from
// (the build output): https://www.example.com/a/b.html is dir/a/b.html
// and a folder URL (…/a/ or /) is its index.html, once basePath ("/docs")
// is removed from the URL's path. A URL outside basePath, or whose file
// is missing, stays unknown; loaded counts the targets filled. The files
// are read through an os.Root, so neither ".." nor a symlink leads out
// of dir.
func LoadSiteDir(dir, basePath string, targets []Target) (loaded int, err error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return 0, fmt.Errorf("open the site folder %q: %w; give --site-dir the folder the site is served from (the build output)", dir, err)
	}
	defer root.Close()
	if _, err := root.Stat("."); err != nil {
		return 0, fmt.Errorf("read the site folder %q: %w; check its permissions", dir, err)
	}
	for i := range targets {
		rel, ok := siteFile(targets[i].URL, basePath)
		if !ok {
			continue
		}
		body, name, ok := readSiteFile(root, rel)
		if !ok {
			continue
		}
		targets[i].Want, targets[i].WantKnown = body, true
		if targets[i].Source == "" {
			targets[i].Source = name
		}
		loaded++
	}
	return loaded, nil
}

// siteFile is the file a URL is served from, relative to the site
// folder, or false when the URL is outside basePath.
func siteFile(rawURL, basePath string) (string, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", false
	}
	p := u.Path // url.Parse has percent-decoded it
	if p == "" {
		p = "/"
	}
	base := "/" + strings.Trim(basePath, "/")
	if base != "/" {
		if p != base && !strings.HasPrefix(p, base+"/") {
			return "", false
		}
		p = strings.TrimPrefix(p, base)
	}
	if p == "" || strings.HasSuffix(p, "/") {
		p += "index.html"
	}
	return strings.TrimPrefix(p, "/"), true
}

// readSiteFile reads rel inside root; a folder named without its
// trailing slash is served as its index.html, as static servers do. A
// missing file, or one that would leave root, is false.
func readSiteFile(root *os.Root, rel string) ([]byte, string, bool) {
	if fi, err := root.Stat(rel); err == nil && fi.IsDir() {
		rel = path.Join(rel, "index.html")
	}
	body, err := root.ReadFile(rel)
	if err != nil {
		return nil, "", false
	}
	return body, rel, true
}
