package options

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// Command is one of the tool's commands: what its help says and how its
// flags are built. cli dispatches through Commands, and its test checks
// that every command it runs has a row here, so no command exists
// without help.
type Command struct {
	Name    string
	Aliases []string // other spellings that run it (--help, --version)
	Args    string   // what follows the name in the synopsis
	Summary string   // one line, for the overview
	About   string   // what it does, in a paragraph or two
	// Examples are command lines, each shown after "  $ ".
	Examples []string
	// Sends is true for the commands that call Akamai's API, whose help
	// says where the credentials come from.
	Sends bool
	// Flags builds the command's flag set, the one it parses with, so its
	// help lists every flag it takes, with the defaults it uses. nil for
	// the simulator, whose flags and help are ccusim's.
	Flags func(getenv func(string) string, o *Options) *flag.FlagSet
	// Exits is what the command's exit codes mean, when they mean more
	// than the overview's; "" = exitCodes.
	Exits string
}

// Commands are every command, in the overview's order.
var Commands = []Command{
	{
		Name: "plan", Args: "--from REV|--state FILE [--to REV] [--output text|json]",
		Summary: "show what would be purged",
		About: "Diffs the two commits, maps every changed file to URLs, CP codes or cache\n" +
			"tags with the config's rules, and prints the requests a purge would send.\n" +
			"Sends nothing and needs no credentials.",
		Examples: []string{"ccu-purge plan --from v1.4.0", "ccu-purge plan --from main~1 --output json"},
		Flags:    Plan,
	},
	{
		Name: "purge", Exits: purgeExits, Args: "--from REV|--state FILE|--url URL... [--to REV] [--dry-run] [--report FILE] [--verify]",
		Summary: "purge what changed between two commits, or the objects named",
		About: "Plans as plan does, then sends the requests, signed with the .edgerc\n" +
			"credentials, within Akamai's rate limits, retrying what may be retried.\n" +
			"Exits 1 when anything was not purged; --report lists what was and was not.\n" +
			"--dry-run prints each request instead and needs no credentials. --wait\n" +
			"polls CCU v2 until done, or waits out Fast Purge's estimatedSeconds.\n" +
			"--timeout bounds retries, pacing, queue waits and --wait. Fast Purge\n" +
			"takes at most 300 CP codes a request, whatever --batch-size says.\n" +
			"With --url, --cpcode, --tag or --objects-from it purges those objects\n" +
			"instead, with no repository (the config is optional).",
		Examples: []string{
			"ccu-purge purge --from \"$LAST_DEPLOYED\" --to HEAD --report purge-report.json",
			"ccu-purge purge --state .ccu-purge-state.json   # after a first run with --from",
			"ccu-purge purge --from v1 --dry-run",
			"ccu-purge purge --url https://www.example.com/ --objects-from urls.txt",
		},
		Sends: true,
		Flags: Purge,
	},
	{
		Name: "verify", Exits: verifyExits, Args: "--report FILE|--url URL...|--from REV [--to REV] [--sample N|P%|all] [--site-dir DIR] [--connect-to HOST:EDGE[:PORT]]",
		Summary: "check that the edge serves what was deployed",
		About: "GETs a sample of the purged URLs through the edge and judges each fresh,\n" +
			"stale or unknown, with the evidence: the body against the deployed file\n" +
			"(--site-dir, or the blob at --to), the validators against the origin's\n" +
			"(--origin), and the edge's own debug headers and Age. A stale URL is asked\n" +
			"again with backoff until --verify-timeout. The URLs come from one of a\n" +
			"purge's --report (the results are written back into it), --url, or a\n" +
			"plan's range. The sample keeps at least one URL per request and every\n" +
			"HTML page, the same for the same --seed. --connect-to sends a host's\n" +
			"requests to another edge (Akamai's staging network) with the site's SNI\n" +
			"and Host. A stale URL exits 1 only with --on-stale fail: the purge itself\n" +
			"succeeded. purge --verify runs this after the purges took effect.",
		Examples: []string{
			"ccu-purge verify --report purge-report.json --site-dir public",
			"ccu-purge verify --url https://www.example.com/ --origin https://origin.example.com --on-stale fail",
			"ccu-purge verify --from v1 --network staging --connect-to www.example.com:www.example.com.edgekey-staging.net",
			"AKAMAI_DEBUG_KEY=\"$DEBUG_KEY\" ccu-purge verify --report purge-report.json --debug enhanced",
			"ccu-purge purge --from \"$LAST_DEPLOYED\" --verify --sample 10% --site-dir public",
		},
		Flags: VerifyCommand,
	},
	{
		Name: "validate", Args: "[--config FILE] [--to REV]",
		Summary: "check the config, list every problem",
		About: "Loads the config (.ccu-purge.yml at the repository root, or --config) and\n" +
			"prints every problem with its file:line:col, or one line saying it is ok.\n" +
			"With a repository (the worktree's config, or --to REV) it also warns of\n" +
			"rules that match no file at that commit, or only files an earlier rule\n" +
			"takes. In a bare repository --to REV validates the config committed there.",
		Examples: []string{"ccu-purge validate", "ccu-purge validate --config site/.ccu-purge.yml --to HEAD", "ccu-purge validate --repo site.git --to main"},
		Flags:    Validate,
	},
	{
		Name: "explain", Args: "PATH... [--output text|json]",
		Summary: "which rule a path meets, and what it purges",
		About: "Says for each path (relative to the repository root) which rule took it,\n" +
			"where that rule is in the config, and what it purges, or why nothing.\n" +
			"The paths need not exist, so a rule can be tried before a deploy.",
		Examples: []string{"ccu-purge explain public/index.html public/css/site.css", "ccu-purge explain public/blog/index.html --output json"},
		Flags:    Explain,
	},
	{
		Name: "status", Args: "ID|progressUri [--timeout 1m]",
		Summary: "a CCU v2 purge's status",
		About:   "Asks CCU v2 how far a purge has got. Fast Purge has no status call.",
		Examples: []string{
			"ccu-purge status /ccu/v2/purges/57799d8b-10e4-11e4-9088-62ece60caaf0",
		},
		Sends: true,
		Flags: queryFlags,
	},
	{
		Name: "queue", Args: "[default|emergency] [--timeout 1m]",
		Summary:  "a CCU v2 queue's length",
		About:    "Asks CCU v2 how many objects wait in the queue (default unless named).",
		Examples: []string{"ccu-purge queue", "ccu-purge queue emergency --section staging"},
		Sends:    true,
		Flags:    queryFlags,
	},
	{
		Name: "limits", Args: "[url|cpcode|tag] [--timeout 1m]",
		Summary: "the Fast Purge rate limits left on the account",
		About: "Asks Fast Purge (rate-limit-status) how much of each rate bucket is\n" +
			"left: requests and objects per purge type, their sizes and refill rates.\n" +
			"A purge reads the same figures before a large Fast Purge plan (or with\n" +
			"--limits) to pace from them.",
		Examples: []string{"ccu-purge limits", "ccu-purge limits url --section ccu"},
		Sends:    true,
		Flags:    queryFlags,
	},
	{
		Name: "simulator", Args: "[--dir DIR] [--script LIST]",
		Summary: "run the local CCU simulator (simulator --help)",
	},
	{
		Name: "demo", Args: "[--repo DIR]",
		Summary: "plan and purge the bundled example (built in DIR if missing)",
		About: "Builds the example site's repository (in --repo DIR when given and\n" +
			"missing), starts the simulator in-process, then plans and purges v1..v2\n" +
			"through the same code as a real run. Needs no credentials.",
		Examples: []string{"ccu-purge demo", "ccu-purge demo --repo /tmp/demo-site --verbose"},
		Flags:    commonFlags,
	},
	{
		Name:    "action",
		Summary: "run as the GitHub Action (action.yml runs it)",
		About: "Reads purge's flags from the Action's INPUT_* variables (input dry-run\n" +
			"sets --dry-run) and its credentials from its inputs, masks every\n" +
			"credential in the runner's log, then runs purge. Takes no arguments.",
		Examples: []string{"INPUT_FROM=v1 INPUT_DRY-RUN=true ccu-purge action"},
		Sends:    true,
		Flags:    Purge,
	},
	{
		Name: "version", Aliases: []string{"--version", "-version"},
		Summary: "print the version",
		About:   "Prints the version, the commit and the build date.",
		Flags:   bare("version"),
	},
	{
		Name: "help", Aliases: []string{"-h", "--help", "-help"}, Args: "[COMMAND]",
		Summary:  "this overview, or a command's flags and examples",
		About:    "Lists the commands, or prints a command's flags, defaults and examples.",
		Examples: []string{"ccu-purge help plan"},
		Flags:    bare("help"),
	},
}

// Plan is plan's flag set: the common flags, the range and settings, and
// --output.
func Plan(getenv func(string) string, o *Options) *flag.FlagSet {
	fs := Common("plan", getenv, o)
	Range(fs, getenv, o)
	Output(fs, o)
	fs.StringVar(&o.Verify.SiteDir, "site-dir", "", "build-output mode: compare the files of this build output with the last purged build's manifest")
	fs.StringVar(&o.Manifest, "manifest", "", "build-output mode: the last purged build's manifest")
	fs.StringVar(&o.ExplainOutput, "explain-output", "", "build-output mode: show how this output file differs from the last manifest")
	fs.StringVar(&o.PreviousDir, "previous-dir", "", "with --explain-output: the previous build's folder, for a full comparison")
	return fs
}

// Explain is explain's flag set: the repository, the config and --output.
func Explain(getenv func(string) string, o *Options) *flag.FlagSet {
	fs := Local("explain", o)
	Output(fs, o)
	return fs
}

// commonFlags are the flags of validate and demo: the common ones,
// named by the caller (FlagSet).
func commonFlags(getenv func(string) string, o *Options) *flag.FlagSet {
	return Common("", getenv, o)
}

// queryFlags are status's and queue's flags; both share them, so the
// flag set is named by the caller (FlagSet).
func queryFlags(getenv func(string) string, o *Options) *flag.FlagSet {
	fs := Common("", getenv, o)
	Query(fs, o)
	return fs
}

// bare is the flag set of a command without flags, which still answers
// --help.
func bare(name string) func(func(string) string, *Options) *flag.FlagSet {
	return func(getenv func(string) string, o *Options) *flag.FlagSet {
		fs := flag.NewFlagSet(name, flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		fs.Usage = func() {}
		return fs
	}
}

// FlagSet is the flag set of the named command, as its row builds it,
// named after the command: the common flags for a command without a row.
func FlagSet(name string, getenv func(string) string, o *Options) *flag.FlagSet {
	c, ok := Lookup(name)
	if !ok || c.Flags == nil {
		return Common(name, getenv, o)
	}
	fs := c.Flags(getenv, o)
	fs.Init(name, flag.ContinueOnError)
	return fs
}

// Lookup finds a command by its name or an alias.
func Lookup(name string) (Command, bool) {
	i := slices.IndexFunc(Commands, func(c Command) bool { return c.Name == name || slices.Contains(c.Aliases, name) })
	if i < 0 {
		return Command{}, false
	}
	return Commands[i], true
}

// Find is Lookup with an error for an unknown name that suggests the
// nearest command.
func Find(name string) (Command, error) {
	if c, ok := Lookup(name); ok {
		return c, nil
	}
	var names []string
	for _, c := range Commands {
		names = append(names, c.Name)
	}
	hint := ""
	if s, ok := suggest.Nearest(name, names); ok {
		hint = fmt.Sprintf(" did you mean %q?", s)
	}
	return Command{}, fmt.Errorf("unknown command %q;%s valid commands are %s (see 'ccu-purge help')", name, hint, strings.Join(names, ", "))
}
