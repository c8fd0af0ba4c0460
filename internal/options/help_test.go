package options

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the testdata/*.golden files")

// golden compares got with testdata/name.golden, rewriting it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-golden +got), rerun with -update if intended:\n%s", path, d)
	}
}

// TestHelpGolden: the overview and every command's help, as `ccu-purge
// help [CMD]` prints them (the simulator's is ccusim's).
func TestHelpGolden(t *testing.T) {
	t.Parallel()
	text, err := HelpText(nil, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "help", text)
	for _, c := range Commands {
		if c.Flags == nil {
			continue
		}
		text, err := HelpText([]string{c.Name}, noEnv)
		if err != nil {
			t.Fatalf("help %s: %v", c.Name, err)
		}
		golden(t, "help-"+c.Name, text)
	}
}

// TestHelpListsEveryFlag: a command's help is made from its flag set, so
// every flag it parses has a line, with its default, and a flag added to
// the set appears without any help edit.
func TestHelpListsEveryFlag(t *testing.T) {
	t.Parallel()
	for _, c := range Commands {
		if c.Flags == nil {
			continue
		}
		fs := FlagSet(c.Name, noEnv, &Options{})
		fs.Bool("brand-new", false, "a flag added tomorrow")
		fs.Int("count", 3, "how many")
		help := Help(fs)
		_, flags, _ := strings.Cut(help, "\nFlags:\n")
		flags, _, _ = strings.Cut(flags, "\n\n")
		fs.VisitAll(func(f *flag.Flag) {
			if n := strings.Count("\n"+flags, "\n  --"+f.Name+" "); n != 1 {
				t.Errorf("%s --help has %d lines for --%s, want 1:\n%s", c.Name, n, f.Name, help)
			}
		})
		for _, want := range []string{"Usage: ccu-purge " + c.Name, "how many (default 3)\n", "a flag added tomorrow\n", "Exit codes: 0"} {
			if !strings.Contains(help, want) {
				t.Errorf("%s --help lacks %q:\n%s", c.Name, want, help)
			}
		}
	}
}

// TestOverviewListsEveryCommand: one line per command, in the table's order.
func TestOverviewListsEveryCommand(t *testing.T) {
	t.Parallel()
	text := Overview()
	for _, c := range Commands {
		if n := strings.Count(text, "\n  "+c.Name+" "); n != 1 {
			t.Errorf("overview has %d lines for %s, want 1", n, c.Name)
		}
	}
}

func TestDefaultText(t *testing.T) {
	t.Parallel()
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	for _, tc := range []struct{ def, want string }{
		{"10m0s", "10m"}, {"1m30s", "1m30s"}, {"1h0m0s", "1h"}, {"30s", "30s"}, {"0s", ""},
	} {
		fs.Duration("d"+tc.def, 0, "u")
		f := fs.Lookup("d" + tc.def)
		f.DefValue = tc.def
		if got := defaultText(f); got != tc.want {
			t.Errorf("defaultText(%s) = %q, want %q", tc.def, got, tc.want)
		}
	}
}

// TestFlagErrors: the flag package's errors in the tool's --flag
// spelling, with the command's help named and the nearest flag suggested.
func TestFlagErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cmd  string
		args []string
		want string
	}{
		{"purge", []string{"--form", "v1"}, "unknown flag --form for purge; did you mean --from? (see 'ccu-purge help purge')"},
		{"purge", []string{"-dryrun"}, "unknown flag --dryrun for purge; did you mean --dry-run? (see 'ccu-purge help purge')"},
		{"plan", []string{"--concurency", "2"}, "unknown flag --concurency for plan (see 'ccu-purge help plan')"},
		{"queue", []string{"--nope"}, "unknown flag --nope for queue (see 'ccu-purge help queue')"},
		{"plan", []string{"--from"}, "--from needs a value (see 'ccu-purge help plan')"},
		{"purge", []string{"--batch-size", "x"}, `purge: invalid value "x" for --batch-size: give a whole number (see 'ccu-purge help purge')`},
		{"purge", []string{"--dry-run=maybe"}, `purge: invalid boolean value "maybe" for --dry-run: give true or false (see 'ccu-purge help purge')`},
		{"purge", []string{"--timeout", "5"}, `purge: invalid value "5" for --timeout: give a duration such as 30s, 2m or 1h (a unit is needed) (see 'ccu-purge help purge')`},
		{"status", []string{"--timeout", "soon"}, `status: invalid value "soon" for --timeout: give a duration such as 30s, 2m or 1h (a unit is needed) (see 'ccu-purge help status')`},
	} {
		o := &Options{}
		if got := errText(Parse(FlagSet(tc.cmd, noEnv, o), tc.args, o)); got != tc.want {
			t.Errorf("%s %v: error\n%q, want\n%q", tc.cmd, tc.args, got, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, cmd, err string }{
		{"plan", "plan", ""},
		{"--help", "help", ""},
		{"-version", "version", ""},
		{"purgee", "", `unknown command "purgee"; did you mean "purge"? valid commands are plan, purge, verify, validate, explain, status, queue, limits, simulator, demo, action, version, help (see 'ccu-purge help')`},
		{"valdiate", "", `unknown command "valdiate"; did you mean "validate"?`},
		{"deploy", "", `unknown command "deploy"; valid commands are plan,`},
	} {
		c, err := Find(tc.name)
		if c.Name != tc.cmd || !strings.HasPrefix(errText(err), tc.err) || (tc.err == "") != (err == nil) {
			t.Errorf("Find(%q) = %q, %v; want %q, %q", tc.name, c.Name, err, tc.cmd, tc.err)
		}
	}
}

func TestHelpText(t *testing.T) {
	t.Parallel()
	if _, err := HelpText([]string{"simulator"}, noEnv); !errors.Is(err, ErrOwnHelp) {
		t.Errorf("help simulator: %v, want ErrOwnHelp", err)
	}
	if _, err := HelpText([]string{"plna"}, noEnv); err == nil || !strings.Contains(err.Error(), `did you mean "plan"?`) {
		t.Errorf("help plna: %v", err)
	}
	if _, err := HelpText([]string{"plan", "purge"}, noEnv); err == nil {
		t.Error("help plan purge: no error")
	}
}
