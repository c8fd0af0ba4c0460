package options

import (
	"flag"
	"fmt"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
)

// flagError rewrites the flag package's error in the tool's own spelling
// (--from, not Go's -from) and points at the command's help; an unknown
// flag gets the nearest of the command's flags as a suggestion. The flag
// package's errors carry no sentinel to wrap, only their text.
func flagError(fs *flag.FlagSet, err error) error {
	see := fmt.Sprintf("(see 'ccu-purge help %s')", fs.Name())
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		name = strings.TrimLeft(name, "-")
		if s, ok := suggest.Nearest(name, flagNames(fs)); ok {
			return fmt.Errorf("unknown flag --%s for %s; did you mean --%s? %s", name, fs.Name(), s, see)
		}
		return fmt.Errorf("unknown flag --%s for %s %s", name, fs.Name(), see)
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return fmt.Errorf("--%s needs a value %s", strings.TrimLeft(name, "-"), see)
	}
	// invalid value "x" for flag -batch-size: parse error; invalid
	// boolean value "x" for -dry-run: parse error
	msg = strings.Replace(msg, " for flag -", " for --", 1)
	if !strings.Contains(msg, " for --") {
		msg = strings.Replace(msg, " for -", " for --", 1)
	}
	if head, ok := strings.CutSuffix(msg, ": parse error"); ok {
		_, name, _ := strings.Cut(head, " for --")
		if want := valueKind(fs.Lookup(name)); want != "" {
			msg = head + ": " + want
		}
	}
	return fmt.Errorf("%s: %s %s", fs.Name(), msg, see)
}

// valueKind says what a flag takes, in words, for the flag package's
// bare "parse error" (its value types are unexported: %T names them).
func valueKind(f *flag.Flag) string {
	if f == nil {
		return ""
	}
	switch fmt.Sprintf("%T", f.Value) {
	case "*flag.durationValue":
		return "give a duration such as 30s, 2m or 1h (a unit is needed)"
	case "*flag.intValue":
		return "give a whole number"
	case "*flag.boolValue":
		return "give true or false"
	}
	return ""
}

// flagNames are the names of fs's flags, in name order.
func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}
