package mapper

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOverridePrecedence(t *testing.T) {
	t.Parallel()
	file := "network: staging\naction: invalidate\nthreshold: 10\ncpcodes: [1]\nunmatched: ignore\n" + rule1
	env := map[string]string{
		"CCU_PURGE_NETWORK": "production", "CCU_PURGE_THRESHOLD": "20", "CCU_PURGE_QUEUE": "emergency",
		"CCU_PURGE_UNMATCHED": "", // empty: unset, the file's value stays
	}
	for _, tc := range []struct {
		name  string
		flags map[string]string
		want  []any // network, threshold, queue, unmatched, fetch
	}{
		{"file and env", nil, []any{"production", 20, "emergency", "ignore", "auto"}},
		{"flags win", map[string]string{"network": "staging", "threshold": "30", "fetch": "never"}, []any{"staging", 30, "emergency", "ignore", "never"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			o := OverridesFromEnv(func(k string) string { return env[k] })
			o.Flags = tc.flags
			if err := cfg.Override(o); err != nil {
				t.Fatal(err)
			}
			got := []any{string(cfg.Network), cfg.Threshold, string(cfg.Queue), cfg.Unmatched, cfg.Fetch}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestOverrideErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		file       string
		env, flags map[string]string
		want       []string
	}{
		{"bad env value", rule1, map[string]string{"CCU_PURGE_NETWORK": "prod"}, nil,
			[]string{`CCU_PURGE_NETWORK: unknown network "prod"; valid values are ["production" "staging"]`}},
		{"bad flag value", rule1, nil, map[string]string{"threshold": "lots"},
			[]string{`--threshold: threshold must be a positive whole number, not "lots"`}},
		{"flag names underscore key with dashes", rule1, nil, map[string]string{"on_unknown_base": "guess"},
			[]string{`--on-unknown-base: unknown on_unknown_base "guess"; valid values are ["fail" "cpcode" "all"]`}},
		{"not overridable", rule1, nil, map[string]string{"allow_delete": "true"},
			[]string{`--allow-delete: "allow_delete" cannot be overridden; valid settings are action, api, fetch, network, on_unknown_base, queue, threshold, unmatched`}},
		{"all errors, env first", rule1, map[string]string{"CCU_PURGE_API": "v2"}, map[string]string{"action": "remove"},
			[]string{`CCU_PURGE_API: unknown api "v2"`, `--action: unknown action "remove"`}},
		{"cross check names the flag", rule1, nil, map[string]string{"action": "delete"},
			[]string{"--action: action delete on network production removes objects"}},
		{"cross check names the variable", rule1, map[string]string{"CCU_PURGE_THRESHOLD": "5"}, nil,
			[]string{"CCU_PURGE_THRESHOLD: threshold is set but neither cpcodes nor tags is"}},
		{"cross check names the file", "action: delete\nnetwork: staging\n" + rule1, map[string]string{"CCU_PURGE_NETWORK": "production"}, nil,
			[]string{"c.yml:1:9: action delete on network production"}},
		{"tags and v2 flag", "tags: [x]\n" + rule1, nil, map[string]string{"api": "ccu-v2"},
			[]string{"--api: cache tags need api: fast-purge"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.file))
			if err != nil {
				t.Fatal(err)
			}
			o := OverridesFromEnv(func(k string) string { return tc.env[k] })
			o.Flags = tc.flags
			err = cfg.Override(o)
			if err == nil {
				t.Fatalf("Override succeeded, want errors %q", tc.want)
			}
			wantFragments(t, strings.Split(err.Error(), "\n"), tc.want)
		})
	}
}

func TestOverrideNames(t *testing.T) {
	t.Parallel()
	got := []string{EnvName("on_unknown_base"), FlagName("on_unknown_base"), EnvName("api"), FlagName("api")}
	want := []string{"CCU_PURGE_ON_UNKNOWN_BASE", "--on-unknown-base", "CCU_PURGE_API", "--api"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}
