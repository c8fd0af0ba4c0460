package mapper

import (
	"errors"
	"testing"
)

// TestDidYouMean: an unknown key or value near a valid one is answered
// with that one; a far one gets only the list.
func TestDidYouMean(t *testing.T) {
	t.Parallel()
	const rule = "rules:\n  - match: a\n    urls: https://x.com/{path}\n"
	for _, tc := range []struct {
		name, yml, want string
	}{
		{"enum value", "api: fast_purge\n" + rule,
			`c.yml:1:6: unknown api "fast_purge"; did you mean "fast-purge"? valid values are ["fast-purge" "ccu-v2"]`},
		{"far enum value", "api: v2\n" + rule,
			`c.yml:1:6: unknown api "v2"; valid values are ["fast-purge" "ccu-v2"]`},
		{"top-level key", "netwrok: staging\n" + rule,
			`c.yml:1:1: unknown key "netwrok" in the config; did you mean "network"? valid keys are`},
		{"rule key", "rules:\n  - match: a\n    url: https://x.com/{path}\n",
			`c.yml:3:5: unknown key "url" in rule 1; did you mean "urls"? valid keys are`},
		{"far key", "colour: 1\n" + rule, `c.yml:1:1: unknown key "colour" in the config; valid keys are`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("c.yml", []byte(tc.yml))
			var errs Errors
			if !errors.As(err, &errs) || len(errs) != 1 {
				t.Fatalf("Parse error = %v, want one error", err)
			}
			if got := errs[0].Error(); len(got) < len(tc.want) || got[:len(tc.want)] != tc.want {
				t.Errorf("error %q,\nwant it to start with %q", got, tc.want)
			}
		})
	}
}

// TestOverrideDidYouMean: a flag or variable's value gets the same hint.
func TestOverrideDidYouMean(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte("rules:\n  - match: a\n    urls: https://x.com/{path}\n"))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.Override(Overrides{Flags: map[string]string{"network": "stagin"}})
	want := `--network: unknown network "stagin"; did you mean "staging"? valid values are ["production" "staging"]`
	if err == nil || err.Error() != want {
		t.Errorf("error %v,\nwant %s", err, want)
	}
}
