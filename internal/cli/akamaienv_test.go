package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// TestAkamaiCLIVariables runs purge as the Akamai CLI runs its packages:
// AKAMAI_EDGERC and AKAMAI_EDGERC_SECTION in the environment, or --edgerc
// and --section before the command; a command's own flags still win.
func TestAkamaiCLIVariables(t *testing.T) {
	t.Parallel()
	dir, _ := site(t, siteConfig, nil)
	sim, err := ccusim.Start(ccusim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sim.Close() })
	edgerc, ca, err := sim.WriteFiles(t.TempDir()) // sections [ccu] and [default]
	if err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "no-such-edgerc")
	purge := []string{"purge", "--repo", dir, "--from", "v1", "--ca-cert", ca}
	for _, tc := range []struct {
		name     string
		vars     map[string]string
		before   []string // flags before the command
		after    []string // the command's own flags
		wantCode int
		want     string // in stderr on failure
	}{
		{"AKAMAI_EDGERC names the file", map[string]string{"AKAMAI_EDGERC": edgerc}, nil, nil, 0, ""},
		{"--edgerc wins over AKAMAI_EDGERC", map[string]string{"AKAMAI_EDGERC": missing}, nil, []string{"--edgerc", edgerc}, 0, ""},
		{"AKAMAI_EDGERC that does not exist", map[string]string{"AKAMAI_EDGERC": missing}, nil, nil, ExitUsage, missing + " does not exist"},
		{"AKAMAI_EDGERC_SECTION names the section", map[string]string{"AKAMAI_EDGERC": edgerc, "AKAMAI_EDGERC_SECTION": "default"}, nil, nil, 0, ""},
		// A named section has no fallback to [default].
		{"AKAMAI_EDGERC_SECTION that is absent", map[string]string{"AKAMAI_EDGERC": edgerc, "AKAMAI_EDGERC_SECTION": "staging"}, nil, nil, ExitUsage, "has no [staging] section"},
		{"--section wins over AKAMAI_EDGERC_SECTION", map[string]string{"AKAMAI_EDGERC": edgerc, "AKAMAI_EDGERC_SECTION": "staging"}, nil, []string{"--section", "ccu"}, 0, ""},
		{"akamai --edgerc F ccu-purge purge", nil, []string{"--edgerc", edgerc}, nil, 0, ""},
		{"akamai --edgerc=F --section=default", nil, []string{"--edgerc=" + edgerc, "--section=default"}, nil, 0, ""},
		{"leading --edgerc beats the variable", map[string]string{"AKAMAI_EDGERC": missing}, []string{"--edgerc", edgerc}, nil, 0, ""},
		{"the command's --section beats a leading one", nil, []string{"--edgerc", edgerc, "--section", "staging"}, []string{"--section", "ccu"}, 0, ""},
		{"leading --section that is absent", nil, []string{"--edgerc", edgerc, "--section", "staging"}, nil, ExitUsage, "has no [staging] section"},
		{"an account switch key is refused", nil, []string{"--accountkey", "1-ABCD:1-2345"}, nil, ExitUsage, "put account_key = KEY in the .edgerc section"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := len(sim.Purges())
			args := append(append(append([]string{}, tc.before...), purge...), tc.after...)
			r := runQuick(t, tc.vars, args...)
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, tc.wantCode, r.stdout, r.stderr)
			}
			sent := len(sim.Purges()) - before
			if tc.wantCode != 0 {
				if !strings.Contains(r.stderr, tc.want) {
					t.Errorf("stderr lacks %q:\n%s", tc.want, r.stderr)
				}
				if sent != 0 {
					t.Errorf("%d purge(s) reached the simulator after a usage error", sent)
				}
				return
			}
			if sent != 1 {
				t.Errorf("the simulator got %d purge(s), want 1\n%s", sent, r.stdout)
			}
		})
	}
}

// TestAkamaiFlagWithoutValue: a leading flag at the end of the line.
func TestAkamaiFlagWithoutValue(t *testing.T) {
	oneMessage(t, run(t, "--edgerc"), ExitUsage, "--edgerc before the command needs a value")
}

// TestHelpNamesAkamaiVariables keeps the variables in --help.
func TestHelpNamesAkamaiVariables(t *testing.T) {
	r := run(t, "purge", "--help")
	for _, v := range []string{"AKAMAI_EDGERC", "AKAMAI_EDGERC_SECTION"} {
		if !strings.Contains(r.stdout, "$"+v) {
			t.Errorf("purge --help does not name %s:\n%s", v, r.stdout)
		}
	}
}

// TestActionAkamaiVariables: the Action, given no credential input, reads
// the .edgerc AKAMAI_EDGERC names, and the section AKAMAI_EDGERC_SECTION
// names; the section input wins over the variable.
func TestActionAkamaiVariables(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		env     []string
		section string
		code    int
	}{
		{"AKAMAI_EDGERC", nil, "", 0},
		{"AKAMAI_EDGERC_SECTION", []string{"AKAMAI_EDGERC_SECTION=default"}, "", 0},
		{"AKAMAI_EDGERC_SECTION that is absent", []string{"AKAMAI_EDGERC_SECTION=staging"}, "", ExitUsage},
		{"the section input wins", []string{"AKAMAI_EDGERC_SECTION=staging"}, "ccu", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g := newGHA(t, siteConfig, pushEv)
			path := filepath.Join(t.TempDir(), "edgerc")
			if err := os.WriteFile(path, []byte(g.edgerc), 0o600); err != nil {
				t.Fatal(err)
			}
			g.env = append(append(g.env, "AKAMAI_EDGERC="+path), tc.env...)
			inputs := map[string]string{}
			if tc.section != "" {
				inputs["section"] = tc.section
			}
			code, out := g.run("push", inputs)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if want := 1 - min(tc.code, 1); len(g.sim.Purges()) != want {
				t.Errorf("%d purge(s), want %d\n%s", len(g.sim.Purges()), want, out)
			}
			if tc.code == 0 && !strings.Contains(out, "::add-mask::") {
				t.Errorf("the credentials read from AKAMAI_EDGERC were not masked:\n%s", out)
			}
		})
	}
}
