package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/options"
)

// TestEveryCommandHasHelp: cli runs exactly the commands options
// describes, so none can exist without its help.
func TestEveryCommandHasHelp(t *testing.T) {
	var described []string
	for _, c := range options.Commands {
		described = append(described, c.Name)
	}
	run := slices.Sorted(func(yield func(string) bool) {
		for name := range (&env{}).commands() {
			if !yield(name) {
				return
			}
		}
	})
	if slices.Sort(described); !slices.Equal(run, described) {
		t.Errorf("commands run %v, commands with help %v", run, described)
	}
}

// TestCommandHelp: `CMD --help` (the flag set CMD parses with) and `help
// CMD` (the table's) print the same help, the command's own, and exit 0.
func TestCommandHelp(t *testing.T) {
	t.Parallel()
	for _, c := range options.Commands {
		if c.Name == "action" {
			continue // takes no arguments: its inputs are INPUT_* variables
		}
		t.Run(c.Name, func(t *testing.T) {
			t.Parallel()
			viaHelp := run(t, "help", c.Name)
			viaFlag := run(t, c.Name, "--help")
			if viaHelp.code != ExitOK || viaFlag.code != ExitOK || viaHelp.stderr+viaFlag.stderr != "" {
				t.Fatalf("exit %d and %d, stderr %q %q", viaHelp.code, viaFlag.code, viaHelp.stderr, viaFlag.stderr)
			}
			if viaHelp.stdout != viaFlag.stdout {
				t.Errorf("help %s and %s --help differ:\n%s\n----\n%s", c.Name, c.Name, viaHelp.stdout, viaFlag.stdout)
			}
			want := "Usage: ccu-purge " + c.Name
			if !strings.HasPrefix(viaFlag.stdout, want) || strings.Contains(viaFlag.stdout, "\nCommands:\n") {
				t.Errorf("%s --help is not its own help:\n%s", c.Name, viaFlag.stdout)
			}
		})
	}
	if r := run(t, "help", "simulator"); r.stdout != ccusim.Usage {
		t.Errorf("help simulator is not the simulator's usage:\n%s", r.stdout)
	}
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		if r := run(t, args...); r.code != ExitOK || r.stdout != options.Overview() {
			t.Errorf("%v: exit %d, not the overview:\n%s", args, r.code, r.stdout)
		}
	}
}

// TestDidYouMean: a mistyped flag or command exits 2 with the nearest
// one, in the tool's --flag spelling, and sends nothing.
func TestDidYouMean(t *testing.T) {
	sim, flags := hardSim(t, ccusim.Options{})
	dir, _ := site(t, siteConfig, nil)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{append([]string{"purge", "--repo", dir, "--form", "v1"}, flags...),
			"ccu-purge: unknown flag --form for purge; did you mean --from? (see 'ccu-purge help purge')\n"},
		{append([]string{"purgee", "--repo", dir, "--from", "v1"}, flags...),
			`ccu-purge: unknown command "purgee"; did you mean "purge"? valid commands are`},
		{[]string{"help", "plna"}, `ccu-purge: unknown command "plna"; did you mean "plan"?`},
		{[]string{"plan", "--repo", dir, "--from", "v1", "--network", "stagin"},
			`--network: unknown network "stagin"; did you mean "staging"?`},
	} {
		r := runQuick(t, nil, tc.args...)
		if r.code != ExitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d, want 2 with %q:\n%s", tc.args[:2], r.code, tc.want, r.stderr)
		}
		if strings.Contains(r.stderr, " -form") || strings.Contains(r.stderr, "flag provided") {
			t.Errorf("Go's flag wording:\n%s", r.stderr)
		}
	}
	if n := sim.Requests(); n != 0 {
		t.Errorf("mistakes sent %d request(s)", n)
	}
}
