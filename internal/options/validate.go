package options

import "flag"

// Validate is validate's flag set: the repository, the config and --to, the
// revision whose files the rules are checked against (HEAD of the
// repository when the config is the worktree's and --to is not given).
func Validate(_ func(string) string, o *Options) *flag.FlagSet {
	fs := Local("validate", o)
	fs.StringVar(&o.To, "to", "", "check the rules against the files of this revision")
	return fs
}
