package demo

import (
	"context"
	"net/url"
	"path"
	"sort"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// Host is the example site's host, as its rules write URLs.
const Host = "www.example.com"

// URLs are the addresses release n serves, as the rules map its files:
// each file's URL, and a folder's for its index.html.
func URLs(n int) []string {
	files, _ := Files(n)
	var out []string
	for rel := range files {
		u := url.URL{Scheme: "https", Host: Host, Path: "/" + rel}
		out = append(out, u.String())
		if path.Base(rel) == "index.html" {
			out = append(out, "https://"+Host+"/"+strings.TrimSuffix(rel, "index.html"))
		}
	}
	sort.Strings(out)
	return out
}

// StartEdge starts the simulator's edge for the example site (on staging,
// as its config purges) with dir, written with release 1, as the origin,
// and warms it with every URL of that release: visitors have cached the
// site before the deploy.
func StartEdge(ctx context.Context, sim *ccusim.Server, dir string) (*ccusim.Edge, error) {
	if err := WriteSite(dir, 1); err != nil {
		return nil, err
	}
	edge, err := sim.StartEdge(ccusim.EdgeOptions{Origin: dir, Hosts: []string{Host}, Network: "staging"})
	if err != nil {
		return nil, err
	}
	if err := edge.Warm(ctx, URLs(1)...); err != nil {
		edge.Close()
		return nil, err
	}
	return edge, nil
}
