package mapper

import (
	"strings"
	"testing"
)

// TestSubmodulesSetting: the submodules policy is read from the file with
// its position on every error, defaults to something that is never
// silent, and is not one of the settings a flag or variable may change.
func TestSubmodulesSetting(t *testing.T) {
	t.Parallel()
	const rule = "rules:\n  - match: a\n    urls: https://a.com/{path}\n"
	for _, tc := range []struct{ name, yml, want, err string }{
		{"default without cpcodes", rule, SubmodulesWarn, ""},
		{"default with cpcodes", "cpcodes: [12]\n" + rule, SubmodulesCPCode, ""},
		{"warn with cpcodes", "cpcodes: [12]\nsubmodules: warn\n" + rule, SubmodulesWarn, ""},
		{"error", "submodules: error\n" + rule, SubmodulesError, ""},
		{"cpcode", "submodules: cpcode\ncpcodes: 12\n" + rule, SubmodulesCPCode, ""},
		{"cpcode without cpcodes", "tags: [site]\nsubmodules: cpcode\n" + rule, "", "c.yml:2:13: submodules: cpcode needs cpcodes: add the CP codes to purge when a submodule moves"},
		{"unknown value", "submodules: ignore\n" + rule, "", `c.yml:1:13: unknown submodules "ignore"; valid values are ["cpcode" "warn" "error"]`},
		{"not a value", "submodules: [warn]\n" + rule, "", "c.yml:1:13: submodules must be a single value"},
		{"twice", "submodules: warn\nsubmodules: error\n" + rule, "", `c.yml:2:1: key "submodules" appears twice`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := Parse("c.yml", []byte(tc.yml))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Parse error = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Submodules != tc.want {
				t.Errorf("Submodules = %q, want %q", cfg.Submodules, tc.want)
			}
		})
	}
	cfg, err := Parse("c.yml", []byte("submodules: error\n"+rule))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Override(Overrides{Flags: map[string]string{"submodules": "warn"}})
	if err == nil || !strings.Contains(err.Error(), `--submodules: "submodules" cannot be overridden`) || cfg.Submodules != SubmodulesError {
		t.Errorf("Override(--submodules warn) = %v, Submodules %q; want refused, error kept", err, cfg.Submodules)
	}
}
