package mapper

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// What to do when the base commit is unknown (first push, zero SHA) or
// unreachable (force push, garbage-collected): on_unknown_base.
const (
	UnknownBaseFail   = "fail"   // exit 2 and say why (the default: never guess)
	UnknownBaseCPCode = "cpcode" // purge the config's cpcodes
	UnknownBaseAll    = "all"    // every file of the head commit through the rules
)

// Whether a shallow clone may fetch a missing base commit: fetch.
const (
	FetchAuto  = "auto"
	FetchNever = "never"
)

// What to do with changed files no rule covers: unmatched. A file nobody
// mapped is a page that stays stale, so the default says so (warn) without
// failing a deploy that used to pass.
const (
	UnmatchedWarn   = "warn"
	UnmatchedError  = "error"
	UnmatchedIgnore = "ignore"
)

// What a changed submodule (a gitlink) does: submodules. Its files
// changed in another repository, which the diff does not read, so no rule
// can name them; the default is never silent.
const (
	SubmodulesCPCode = "cpcode" // purge the config's cpcodes (and tags), as a fallback
	SubmodulesWarn   = "warn"   // purge what the rules give, and say the rest is not purged
	SubmodulesError  = "error"  // exit 2 before sending anything
)

var validSubmodules = []string{SubmodulesCPCode, SubmodulesWarn, SubmodulesError}

var (
	validUnknown   = []string{UnknownBaseFail, UnknownBaseCPCode, UnknownBaseAll}
	validFetch     = []string{FetchAuto, FetchNever}
	validUnmatched = []string{UnmatchedWarn, UnmatchedError, UnmatchedIgnore}
)

// setting is one top-level key that the file, a flag or a CCU_PURGE_*
// variable may set; the same setter validates all three, so the wording
// of an error does not depend on where the value came from.
type setting func(c *Config, v string) error

func enumSetting[T ~string](key string, valid []T, field func(*Config) *T) setting {
	return func(c *Config, v string) error {
		if purge.Valid(valid, v) {
			*field(c) = T(v)
			return nil
		}
		return fmt.Errorf("unknown %s %q;%s valid values are %q", key, v, suggest.Hint(v, valid), valid)
	}
}

// settings are the keys Override accepts: the ones a deploy may need to
// change without editing the file. Safety keys (allow_delete, max_objects)
// and the rules stay in the reviewed file on purpose.
var settings = map[string]setting{
	"api":             enumSetting("api", purge.APIs, func(c *Config) *purge.API { return &c.API }),
	"network":         enumSetting("network", purge.Networks, func(c *Config) *purge.Network { return &c.Network }),
	"action":          enumSetting("action", purge.Actions, func(c *Config) *purge.Action { return &c.Action }),
	"queue":           enumSetting("queue", purge.Queues, func(c *Config) *purge.Queue { return &c.Queue }),
	"on_unknown_base": enumSetting("on_unknown_base", validUnknown, func(c *Config) *string { return &c.OnUnknownBase }),
	"fetch":           enumSetting("fetch", validFetch, func(c *Config) *string { return &c.Fetch }),
	"unmatched":       enumSetting("unmatched", validUnmatched, func(c *Config) *string { return &c.Unmatched }),
	"threshold": func(c *Config, v string) (err error) {
		c.Threshold, err = positiveInt("threshold", v)
		return err
	},
}

// OverrideKeys lists the settings Override accepts, sorted.
func OverrideKeys() []string {
	var ks []string
	for k := range settings {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func positiveInt(what, s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s must be a positive whole number, not %q", what, s)
	}
	return n, nil
}

// origin is where a setting's value came from: a position in the file or
// a flag or variable name.
type origin struct {
	line, col int
	source    string
}

func (c *Config) errAt(key, format string, args ...any) *Error {
	o, ok := c.origin[key]
	if !ok {
		o = origin{line: 1, col: 1}
	}
	return &Error{File: c.File, Line: o.line, Col: o.col, Source: o.source, Msg: fmt.Sprintf(format, args...)}
}

// crossCheck validates combinations of settings; it runs after the file is
// read and again after Override, so a flag cannot bypass what the file
// would not be allowed to say.
func (c *Config) crossCheck() Errors {
	var errs Errors
	fallback := len(c.CPCodes) > 0 || len(c.Tags) > 0
	for _, t := range []struct {
		key string
		set bool
	}{{"threshold", c.Threshold > 0}, {"threshold_share", c.ThresholdShare > 0}} {
		if key := t.key; t.set && !fallback {
			errs = append(errs, c.errAt(key, "%s is set but neither cpcodes nor tags is: add what to purge instead (cpcodes: [12345] or tags: [site])", key))
		}
	}
	if c.Submodules == SubmodulesCPCode && len(c.CPCodes) == 0 {
		errs = append(errs, c.errAt("submodules", "submodules: cpcode needs cpcodes: add the CP codes to purge when a submodule moves (cpcodes: [12345]), or use submodules: warn"))
	}
	if c.OnUnknownBase == UnknownBaseCPCode && len(c.CPCodes) == 0 {
		errs = append(errs, c.errAt("on_unknown_base", "on_unknown_base: cpcode needs cpcodes: add the CP codes to purge (cpcodes: [12345])"))
	}
	if c.Action == purge.Delete && c.Network == purge.Production && !c.AllowDelete {
		errs = append(errs, c.errAt("action", "action delete on network production removes objects with no stale copy to serve if the origin fails: add allow_delete: true to the config to confirm, or use action: invalidate"))
	}
	if c.API == purge.CCUv2 && c.usesTags() {
		errs = append(errs, c.errAt("api", "cache tags need api: fast-purge; the CCU v2 API cannot purge tags"))
	}
	return errs
}

func (c *Config) usesTags() bool {
	if len(c.Tags) > 0 {
		return true
	}
	for _, r := range c.Rules {
		if len(r.Tags) > 0 {
			return true
		}
	}
	return false
}

// Overrides are settings given outside the file, each map from a config
// key (api, network, action, queue, threshold, on_unknown_base, fetch,
// unmatched) to its value. Flags win over the environment, which wins over
// the file: a one-off command line beats a CI-wide variable, which beats
// the committed default.
type Overrides struct {
	Env   map[string]string // from CCU_PURGE_* variables; see OverridesFromEnv
	Flags map[string]string // from command-line flags; see FlagName
}

// EnvName is the variable that overrides key: CCU_PURGE_ON_UNKNOWN_BASE.
func EnvName(key string) string { return "CCU_PURGE_" + strings.ToUpper(key) }

// FlagName is the flag that overrides key: --on-unknown-base.
func FlagName(key string) string { return "--" + strings.ReplaceAll(key, "_", "-") }

// OverridesFromEnv reads the CCU_PURGE_* variables of every overridable
// key; an empty variable counts as unset, as CI systems export empty
// values for undefined inputs.
func OverridesFromEnv(getenv func(string) string) Overrides {
	o := Overrides{Env: map[string]string{}}
	for _, k := range OverrideKeys() {
		if v := getenv(EnvName(k)); v != "" {
			o.Env[k] = v
		}
	}
	return o
}

// Override applies o to c: the environment, then the flags, with the same
// validation and wording as the file, each error naming its flag or
// variable. It is the one place precedence is decided. On error c may be
// partly changed and must not be used.
func (c *Config) Override(o Overrides) error {
	if c.origin == nil {
		c.origin = map[string]origin{}
	}
	var errs Errors
	errs = append(errs, c.apply(o.Env, EnvName)...)
	errs = append(errs, c.apply(o.Flags, FlagName)...)
	if len(errs) == 0 {
		errs = c.crossCheck()
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

func (c *Config) apply(vals map[string]string, name func(string) string) Errors {
	var errs Errors
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		set, ok := settings[k]
		if !ok {
			errs = append(errs, &Error{Source: name(k), Msg: fmt.Sprintf("%q cannot be overridden; valid settings are %s", k, strings.Join(OverrideKeys(), ", "))})
			continue
		}
		if err := set(c, vals[k]); err != nil {
			errs = append(errs, &Error{Source: name(k), Msg: err.Error()})
			continue
		}
		c.origin[k] = origin{source: name(k)}
	}
	return errs
}
