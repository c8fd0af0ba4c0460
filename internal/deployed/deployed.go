// Package deployed says what a deploy serves at each purged URL, so a
// verification can compare the edge's answer with it: the file a rule
// mapped to the URL, whether the deploy removed it, and its bytes, read
// from the build output (--site-dir) or from the repository at the head
// when the repository holds the served files.
package deployed

import (
	"cmp"
	"context"
	"path/filepath"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// Site is where the deployed files are.
type Site struct {
	// Sources maps URLs to the files they were mapped from (plan.Sources);
	// nil when unknown.
	Sources map[string]plan.Source
	// Repo and To are the repository and head commit the sources are read
	// from; Repo "" when there is none.
	Repo, To string
	// Dir is the build output the site is served from, BasePath the
	// site's path under its host; Dir "" when not given.
	Dir, BasePath string
	// CPCodes are the CP codes the config says serve the site.
	CPCodes []int64
}

// Range is the sources of from..to's changes in the repository at dir,
// mapped with cfg; nil when the repository cannot say (a clone without
// the base, no repository at all): then only --site-dir, the origin or
// the debug headers can judge.
func Range(ctx context.Context, dir, from, to string, cfg *mapper.Config) map[string]plan.Source {
	repo, err := diff.Open(dir)
	if err != nil {
		return nil
	}
	defer repo.Close()
	changes, err := repo.Changes(ctx, from, to)
	if err != nil {
		return nil
	}
	return plan.Sources(changes, cfg.Map(diff.AllPaths(changes)))
}

// ForRange is the site of from..to in the repository at dir, its
// sources mapped with cfg (see Range); zero without a config or without
// both ends of the range, as a report of --url has none.
func ForRange(ctx context.Context, dir, from, to string, cfg *mapper.Config) Site {
	if cfg == nil || from == "" || to == "" {
		return Site{}
	}
	return Site{Sources: Range(ctx, dir, from, to, cfg), Repo: dir, To: to}
}

// Locate is s with where the deployed files are beyond their sources:
// the folder the site is served from (siteDir, the --site-dir flag, else
// the config's verify.site_dir, which is relative to repo), the site's
// base path under its host ("/" when unset) and the config's CP codes.
// cfg is nil without a config.
func (s Site) Locate(cfg *mapper.Config, siteDir, repo string) Site {
	var vc mapper.VerifyConfig
	if cfg != nil {
		vc, s.CPCodes = cfg.Verify, cfg.CPCodes
	}
	s.Dir, s.BasePath = siteDir, cmp.Or(vc.BasePath, "/")
	if siteDir == "" && vc.SiteDir != "" {
		s.Dir = filepath.Join(repo, filepath.FromSlash(vc.SiteDir))
	}
	return s
}

// Fill sets what each target should serve: its source (removed or not),
// the CP codes, and the deployed bytes from Dir or the blob at To. A URL
// whose file cannot be found stays without expected bytes (the other
// checks judge it); only an unreadable Dir is an error.
func (s Site) Fill(targets []verify.Target) error {
	for i := range targets {
		if src, ok := s.Sources[targets[i].URL]; ok {
			targets[i].Source, targets[i].Deleted = src.Path, src.Deleted
		}
		if len(targets[i].CPCodes) == 0 {
			targets[i].CPCodes = s.CPCodes
		}
	}
	if s.Dir != "" {
		_, err := verify.LoadSiteDir(s.Dir, s.BasePath, targets)
		return err
	}
	s.blobs(targets)
	return nil
}

// blobs reads each target's file at To, when the rules mapped it from a
// file the repository serves.
func (s Site) blobs(targets []verify.Target) {
	if s.Repo == "" || s.Sources == nil {
		return
	}
	repo, err := diff.Open(s.Repo)
	if err != nil {
		return
	}
	defer repo.Close()
	for i := range targets {
		t := &targets[i]
		if t.Source == "" || t.Deleted {
			continue
		}
		if data, err := repo.ReadFile(s.To, t.Source); err == nil {
			t.Want, t.WantKnown = data, true
		}
	}
}
