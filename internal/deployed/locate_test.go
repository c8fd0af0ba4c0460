package deployed

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
)

// TestLocate: --site-dir as given, else the config's site_dir under the
// repository; the config's base path, "/" when unset; the config's CP
// codes; without a config, what the site had.
func TestLocate(t *testing.T) {
	t.Parallel()
	sources := map[string]plan.Source{"https://www.example.com/a": {Path: "public/a"}}
	cfg := &mapper.Config{CPCodes: []int64{5, 6}, Verify: mapper.VerifyConfig{SiteDir: "public/site", BasePath: "/docs"}}
	for _, tc := range []struct {
		name          string
		site          Site
		cfg           *mapper.Config
		siteDir, repo string
		want          Site
	}{
		{"no config, no flag", Site{Sources: sources, Repo: "repo", To: "abc"}, nil, "", "repo",
			Site{Sources: sources, Repo: "repo", To: "abc", BasePath: "/"}},
		{"no config, the flag", Site{}, nil, "dist", "repo", Site{Dir: "dist", BasePath: "/"}},
		{"the config's folder under the repository", Site{}, cfg, "", "repo",
			Site{Dir: filepath.Join("repo", "public", "site"), BasePath: "/docs", CPCodes: []int64{5, 6}}},
		{"the flag over the config", Site{}, cfg, "dist", "repo",
			Site{Dir: "dist", BasePath: "/docs", CPCodes: []int64{5, 6}}},
		{"a config without a folder", Site{}, &mapper.Config{}, "", "repo", Site{BasePath: "/"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.site.Locate(tc.cfg, tc.siteDir, tc.repo)); d != "" {
				t.Errorf("Locate (-want +got):\n%s", d)
			}
		})
	}
}

// TestForRange: no site without a config or a whole range; with both,
// the repository and head to read from, and no sources when the folder
// is no repository.
func TestForRange(t *testing.T) {
	t.Parallel()
	dir := t.TempDir() // not a repository: Range cannot say
	cfg := &mapper.Config{}
	for _, tc := range []struct {
		name     string
		from, to string
		cfg      *mapper.Config
		want     Site
	}{
		{"no config", "v1", "v2", nil, Site{}},
		{"no base", "", "v2", cfg, Site{}},
		{"no head", "v1", "", cfg, Site{}},
		{"no repository", "v1", "v2", cfg, Site{Repo: dir, To: "v2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, ForRange(context.Background(), dir, tc.from, tc.to, tc.cfg)); d != "" {
				t.Errorf("ForRange (-want +got):\n%s", d)
			}
		})
	}
}
