// Package version names the build: the version, commit and date the
// release stamps into the binary, else what `go install` recorded, so a
// bug report names the exact binary.
package version

import (
	"cmp"
	"fmt"
	"runtime/debug"
)

// Name is the stamped version, else the module version `go install`
// recorded, else "dev".
func Name(stamped string) string {
	if stamped != "" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Line is what `ccu-purge version` prints: the version, the commit and
// the build date, as stamped or else from the build's VCS settings.
func Line(stamped, commit, date string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && commit == "":
				commit = s.Value
			case s.Key == "vcs.time" && date == "":
				date = s.Value
			}
		}
	}
	return fmt.Sprintf("ccu-purge %s (commit %s, built %s)", Name(stamped), cmp.Or(commit, "unknown"), cmp.Or(date, "unknown"))
}
