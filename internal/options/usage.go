package options

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// exitCodes end the overview and every command's help.
const exitCodes = `Exit codes: 0 success or nothing to purge, 1 a purge failed,
2 usage, config or input error (nothing was sent).
`

// purgeExits and verifyExits say what a verification adds: the purge
// itself succeeded, so a stale URL exits 1 only when the user asked.
const (
	purgeExits = `Exit codes: 0 success or nothing to purge, 1 a purge failed (or, with --verify,
a URL stayed stale under --on-stale fail), 2 usage, config or input error
(nothing was sent).
`
	verifyExits = `Exit codes: 0 verified (stale URLs only reported), 1 a URL stayed stale under
--on-stale fail or an output could not be written, 2 usage, config or input
error (nothing was checked).
`
)

// Overview is the tool's help: every command in one line, where each
// command's own help is, and the exit codes.
func Overview() string {
	var b strings.Builder
	b.WriteString("ccu-purge: purge from Akamai's cache exactly what a deploy changed.\n\n")
	b.WriteString("Usage: ccu-purge COMMAND [flags]\n\nCommands:\n")
	for _, c := range Commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.Name, c.Summary)
	}
	b.WriteString("\nRun 'ccu-purge help COMMAND' or 'ccu-purge COMMAND --help' for its flags and examples.\n\n")
	b.WriteString("Examples:\n  $ ccu-purge plan --from v1.4.0\n")
	b.WriteString("  $ ccu-purge purge --from \"$LAST_DEPLOYED\" --to HEAD --report purge-report.json\n\n")
	b.WriteString(exitCodes)
	return b.String()
}

// Help is the help of the command fs is named after, listing fs's flags:
// the flag set the command parses with, so a flag added to it appears
// here by itself.
func Help(fs *flag.FlagSet) string {
	c, ok := Lookup(fs.Name())
	if !ok {
		c = Command{Name: fs.Name()}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: ccu-purge %s\n", strings.TrimSpace(c.Name+" "+c.Args))
	if about := cmp.Or(c.About, c.Summary); about != "" {
		fmt.Fprintf(&b, "\n%s\n", about)
	}
	if flags := flagLines(fs); flags != "" {
		fmt.Fprintf(&b, "\nFlags:\n%s", flags)
	}
	b.WriteString(notes(c, fs))
	if len(c.Examples) > 0 {
		b.WriteString("\nExamples:\n")
		for _, ex := range c.Examples {
			fmt.Fprintf(&b, "  $ %s\n", ex)
		}
	}
	b.WriteString("\n" + cmp.Or(c.Exits, exitCodes))
	return b.String()
}

// flagLines is one line per flag of fs, in name order: --name, its value
// (FILE, N…), what it does and its default when not the zero value.
func flagLines(fs *flag.FlagSet) string {
	type line struct{ left, right string }
	var lines []line
	width := 0
	fs.VisitAll(func(f *flag.Flag) {
		l := line{"--" + f.Name, f.Usage}
		if v := placeholder(f); v != "" {
			l.left += " " + v
		}
		if d := defaultText(f); d != "" {
			l.right += " (default " + d + ")"
		}
		width = max(width, len(l.left))
		lines = append(lines, l)
	})
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "  %-*s  %s\n", width, l.left, l.right)
	}
	return b.String()
}

// placeholders name the values of flags whose type alone says little.
// They are kept here, not as `FILE` in the flags' usage strings, so the
// flag definitions stay as they are; a flag missing here gets its type,
// or the word its usage quotes in backquotes (flag.UnquoteUsage).
var placeholders = map[string]string{
	"repo": "DIR", "config": "FILE", "edgerc": "FILE", "section": "NAME", "ca-cert": "FILE",
	"from": "REV", "to": "REV", "state": "FILE", "report": "FILE", "dotenv": "FILE", "junit": "FILE",
	"output": "text|json",
	"sample": "N|P%|all", "seed": "N", "site-dir": "DIR", "connect-to": "HOST:EDGE[:PORT]", "origin": "URL",
	"debug": "auto|pragma|enhanced|off", "on-stale": "fail|warn",
}

// placeholder is the word after --name in the help: "" for a boolean.
func placeholder(f *flag.Flag) string {
	kind, _ := flag.UnquoteUsage(f)
	if p, ok := placeholders[f.Name]; ok && kind != "" {
		return p
	}
	switch kind {
	case "string", "value":
		return "VALUE"
	case "int", "uint", "int64", "uint64":
		return "N"
	}
	return strings.ToUpper(kind)
}

// defaultText is a flag's default as the help shows it: "" for the zero
// value, a duration without its trailing zero units (10m, not 10m0s).
func defaultText(f *flag.Flag) string {
	switch d := f.DefValue; d {
	case "", "0", "false", "0s":
		return ""
	default:
		if kind, _ := flag.UnquoteUsage(f); kind == "duration" {
			for _, zero := range []string{"m0s", "h0m"} {
				if strings.HasSuffix(d, zero) {
					d = d[:len(d)-2]
				}
			}
		}
		return d
	}
}

// notes explain the flags whose meaning a line cannot hold, for the
// commands that take them: where credentials come from, how the base is
// chosen, and which flags override the config.
func notes(c Command, fs *flag.FlagSet) string {
	var b strings.Builder
	if c.Sends && fs.Lookup("edgerc") != nil {
		b.WriteString(`
Credentials: --edgerc FILE, else $AKAMAI_EDGERC, else ~/.edgerc, in the
section --section NAME, else $AKAMAI_EDGERC_SECTION, else "ccu", then
"default"; without --edgerc or AKAMAI_EDGERC, AKAMAI_CCU_* or AKAMAI_*
variables are read first. Credentials never appear in any output.
`)
	}
	if fs.Lookup("from") != nil {
		b.WriteString(`
Choosing the base, first that applies:
  --from REV        the commit the edge serves now
  --state FILE      the last commit purged on the network, recorded in FILE
                    by the last run that purged everything (also
                    CCU_PURGE_STATE); pull and merge requests skip it
  the CI context    GitHub push/pull_request/merge_group, GitLab, Jenkins
  on_unknown_base   when none names a usable base: fail, cpcode or all
`)
	}
	if fs.Lookup("debug") != nil {
		b.WriteString(`
Verification: flags > the config's verify: section > the defaults. The
Enhanced Debug key is read from $AKAMAI_DEBUG_KEY only (a CI secret), never
a flag, and never printed; with it, --debug auto sends Akamai-Debug tokens.
`)
	}
	if keys := mapper.OverrideKeys(); len(keys) > 0 && fs.Lookup(strings.TrimPrefix(mapper.FlagName(keys[0]), "--")) != nil {
		fmt.Fprintf(&b, "\nConfig settings: flags > CCU_PURGE_* variables > the file, e.g. --network\nstaging or CCU_PURGE_NETWORK=staging.\n")
	}
	return b.String()
}

// ErrOwnHelp means the command prints its own help (the simulator):
// run it with --help.
var ErrOwnHelp = errors.New("the command prints its own help")

// HelpText is what `ccu-purge help [COMMAND]` prints: the overview, or
// the command's help made from the flag set it parses with. An unknown
// command is an error with a suggestion.
func HelpText(args []string, getenv func(string) string) (string, error) {
	if len(args) == 0 {
		return Overview(), nil
	}
	if len(args) > 1 {
		return "", fmt.Errorf("help takes one command, not %d: ccu-purge help %s", len(args), args[0])
	}
	c, err := Find(args[0])
	switch {
	case err != nil:
		return "", err
	case c.Flags == nil:
		return "", ErrOwnHelp
	}
	return Help(FlagSet(c.Name, getenv, &Options{})), nil
}
