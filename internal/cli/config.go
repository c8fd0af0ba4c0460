package cli

import (
	"cmp"
	"errors"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
)

// headConfig is the config at the head of the repository (--config, when
// given, names the file), with the repository's root and the head commit;
// without a repository, the file --config names, with root and head "".
// The CCU_PURGE_* variables and the flags override it.
func (e *env) headConfig(o *options.Options) (cfg *mapper.Config, root, head string, err error) {
	cfg, root, head, err = repoConfig(o)
	if err == nil {
		err = cfg.Override(e.overrides(o))
	}
	if err != nil {
		return nil, "", "", usageErr(err)
	}
	return cfg, root, head, nil
}

// optionalConfig is headConfig for a run that can go without a config
// (verify): nil, without an error, outside a repository, in one without
// commits or without a config file at its head, unless --config names one. Its network is the one rep's requests purged (the edges to
// ask), unless --network or CCU_PURGE_NETWORK say otherwise.
func (e *env) optionalConfig(o *options.Options, rep *rpt.Report) (*mapper.Config, error) {
	cfg, _, _, err := repoConfig(o)
	none := errors.Is(err, diff.ErrNotRepository) || errors.Is(err, mapper.ErrNoConfig) || errors.Is(err, diff.ErrRevisionNotFound)
	switch {
	case none && o.Config == "":
		return nil, nil
	case err != nil:
		return nil, usageErr(err)
	}
	if n, ok := rep.Network(); ok {
		cfg.Network = n
	}
	if err := cfg.Override(e.overrides(o)); err != nil {
		return nil, usageErr(err)
	}
	return cfg, nil
}

// repoConfig is headConfig before the overrides.
func repoConfig(o *options.Options) (cfg *mapper.Config, root, head string, err error) {
	repo, err := diff.Open(o.Repo)
	switch {
	case err == nil:
		defer repo.Close()
		if head, err = repo.Resolve(cmp.Or(o.To, "HEAD")); err != nil {
			return nil, "", "", fmt.Errorf("--to: %w", err)
		}
		cfg, err = mapper.Find(o.Config, repo, head)
		return cfg, repo.Root(), head, err
	case o.Config != "":
		cfg, err = mapper.Load(o.Config)
	}
	return cfg, "", "", err
}

// overrides are the config keys the environment and the flags override.
func (e *env) overrides(o *options.Options) mapper.Overrides {
	return mapper.Overrides{Env: mapper.OverridesFromEnv(e.getenv).Env, Flags: o.Overrides}
}
