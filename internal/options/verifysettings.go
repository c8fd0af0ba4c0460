package options

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// VerifyDefaults are the config's verify: section (validated at load);
// a zero field is unset.
type VerifyDefaults = mapper.VerifyConfig

// VerifySettings are a verification's settings: each flag over the
// config, the config over the default. The Enhanced Debug key comes from
// getenv's AKAMAI_DEBUG_KEY alone, never a flag or the config (a secret
// there would show in `ps`, CI logs or the repository). On the staging
// network the config's staging_edge becomes a --connect-to for each of
// hosts that no rule names. It returns the on-stale policy too: what the
// caller exits with, not a verify setting. The caller adds what the
// options do not know: PurgedAt, UserAgent, RootCAs.
func VerifySettings(v Verify, cfg VerifyDefaults, network purge.Network, hosts []string, getenv func(string) string) (verify.Settings, string, error) {
	var s verify.Settings
	var err error
	if s.Sample, err = sample(v, cfg); err != nil {
		return verify.Settings{}, "", err
	}
	if s.Debug, s.DebugKey, err = debug(v, cfg, getenv); err != nil {
		return verify.Settings{}, "", err
	}
	policy, err := onStaleOf(v, cfg)
	if err != nil {
		return verify.Settings{}, "", err
	}
	if s.Origin, err = originOf(v, cfg); err != nil {
		return verify.Settings{}, "", err
	}
	if s.ConnectTo, err = connectRules(v, cfg, network, hosts); err != nil {
		return verify.Settings{}, "", err
	}
	s.Seed = cfg.Seed
	if v.SeedSet {
		s.Seed = v.Seed
	}
	s.Timeout = cmp.Or(v.Timeout, cfg.Timeout, DefaultVerifyTimeout)
	s.Concurrency = cmp.Or(v.Concurrency, cfg.Concurrency, DefaultVerifyConcurrency)
	s.Hosts, s.Normalize = slices.Clone(cfg.Hosts), slices.Clone(cfg.Normalize)
	return s, policy, nil
}

// VerifySettingsOf is VerifySettings with cfg's verify: section and
// network; a nil cfg (no config) has no section and is production.
func VerifySettingsOf(v Verify, cfg *mapper.Config, hosts []string, getenv func(string) string) (verify.Settings, string, error) {
	if cfg == nil {
		return VerifySettings(v, VerifyDefaults{}, purge.Production, hosts, getenv)
	}
	return VerifySettings(v, cfg.Verify, cfg.Network, hosts, getenv)
}

// sample is --sample, else verify.sample; zero (unset) lets verify.Pick
// choose.
func sample(v Verify, cfg VerifyDefaults) (verify.Sample, error) {
	if v.Sample != "" {
		s, err := verify.ParseSample(v.Sample)
		if err != nil {
			return verify.Sample{}, fmt.Errorf("--%w", err)
		}
		return s, nil
	}
	if cfg.Sample == "" {
		return verify.Sample{}, nil
	}
	s, err := verify.ParseSample(cfg.Sample)
	if err != nil {
		return verify.Sample{}, fmt.Errorf("the config's verify.%w", err)
	}
	return s, nil
}

// debug is the debug mode (--debug, else verify.debug, else auto) and
// the Enhanced Debug key from getenv. A key that is given is checked
// even when the mode will not use it: a broken secret should fail the
// run that sets it, not the first that needs it. The mode pragma or off
// drops it, so the key travels no further than needed.
func debug(v Verify, cfg VerifyDefaults, getenv func(string) string) (verify.DebugMode, []byte, error) {
	from := "--debug"
	if v.Debug == "" && cfg.Debug != "" {
		from = "the config's verify.debug"
	}
	mode, err := verify.ParseDebugMode(cmp.Or(v.Debug, cfg.Debug))
	if err != nil {
		return "", nil, fmt.Errorf("%s: %w", from, err)
	}
	key, err := verify.ParseDebugKey(getenv(DebugKeyEnv))
	switch {
	case errors.Is(err, verify.ErrNoDebugKey) && mode == verify.DebugEnhanced:
		return "", nil, fmt.Errorf("%s enhanced needs the property's Enhanced Debug key in %s (a CI secret; the Action's debug-key input sets it)", from, DebugKeyEnv)
	case errors.Is(err, verify.ErrNoDebugKey):
		return mode, nil, nil
	case err != nil:
		return "", nil, fmt.Errorf("%s: %w", DebugKeyEnv, err)
	case mode == verify.DebugPragma || mode == verify.DebugOff:
		return mode, nil, nil
	}
	return mode, key, nil
}

// onStaleOf is --on-stale, else verify.on_stale, else warn: the purge
// itself succeeded, so a stale URL fails the run only when asked.
func onStaleOf(v Verify, cfg VerifyDefaults) (string, error) {
	p, err := onStale(v.OnStale)
	if err != nil {
		return "", fmt.Errorf("--on-stale %w", err)
	}
	if p != "" {
		return p, nil
	}
	if p, err = onStale(cfg.OnStale); err != nil {
		return "", fmt.Errorf("the config's verify.on_stale %w", err)
	}
	return cmp.Or(p, DefaultOnStale), nil
}

// originOf is --origin, else verify.origin, without a trailing slash.
func originOf(v Verify, cfg VerifyDefaults) (string, error) {
	if v.Origin == "" {
		return strings.TrimSuffix(cfg.Origin, "/"), nil
	}
	o, err := originURL(v.Origin)
	if err != nil {
		return "", fmt.Errorf("--%w", err)
	}
	return o, nil
}

// connectRules are the --connect-to rules, then the config's connect_to
// for the hosts no flag names, then, on staging, the staging edge for
// each of hosts that no rule names yet.
func connectRules(v Verify, cfg VerifyDefaults, network purge.Network, hosts []string) ([]verify.ConnectTo, error) {
	rules, err := connectTo(v.ConnectTo)
	if err != nil {
		return nil, err
	}
	flagged := len(rules)
	for _, c := range cfg.ConnectTo {
		if !named(rules[:flagged], c.Host) {
			rules = append(rules, c)
		}
	}
	if network != purge.Staging || cfg.StagingEdge == "" {
		return rules, nil
	}
	for _, h := range hosts {
		if h = strings.ToLower(h); !named(rules, h) {
			rules = append(rules, verify.ConnectTo{Host: h, Edge: cfg.StagingEdge})
		}
	}
	return rules, nil
}

// named reports whether a rule of rules is for host.
func named(rules []verify.ConnectTo, host string) bool {
	return slices.ContainsFunc(rules, func(c verify.ConnectTo) bool { return strings.EqualFold(c.Host, host) })
}
