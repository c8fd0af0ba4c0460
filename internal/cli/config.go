package cli

import (
	"cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/options"
)

// headConfig is the config at the head of the repository (--config, when
// given, names the file), with the repository's root and the head commit;
// without a repository, the file --config names, with root and head "".
// The CCU_PURGE_* variables and the flags override it.
func (e *env) headConfig(o *options.Options) (cfg *mapper.Config, root, head string, err error) {
	repo, err := diff.Open(o.Repo)
	switch {
	case err == nil:
		defer repo.Close()
		if head, err = repo.Resolve(cmp.Or(o.To, "HEAD")); err != nil {
			return nil, "", "", usagef("--to: %w", err)
		}
		root = repo.Root()
		cfg, err = mapper.Find(o.Config, repo, head)
	case o.Config != "":
		cfg, err = mapper.Load(o.Config)
	}
	if err == nil {
		err = cfg.Override(e.overrides(o))
	}
	if err != nil {
		return nil, "", "", usageErr(err)
	}
	return cfg, root, head, nil
}

// overrides are the config keys the environment and the flags override.
func (e *env) overrides(o *options.Options) mapper.Overrides {
	return mapper.Overrides{Env: mapper.OverridesFromEnv(e.getenv).Env, Flags: o.Overrides}
}
