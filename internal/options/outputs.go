package options

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/outfile"
)

// CheckOutputs refuses a --report, --dotenv or --junit that is a file the
// run reads: the state file, the config file, the credentials or the CA
// certificate. The run would overwrite what it reads: a state file holding
// a report fails to load on every later run, and an .edgerc holding one
// loses the API client's secret for good. Two outputs naming one file are
// refused too.
func CheckOutputs(o *Options, getenv func(string) string) error {
	inputs := []struct{ name, path string }{
		{"the state file (--state)", o.State},
		{"the config file", configPath(o)},
		{"the credentials file (--edgerc)", homePath(o.Edgerc, getenv)},
		{"the CA certificate (--ca-cert)", o.CACert},
	}
	outs := Outputs(o)
	for i, out := range outs {
		for _, in := range inputs {
			if samePath(out.Path, in.path) {
				return fmt.Errorf("%s %s is %s %s: writing it would destroy that file; give %s another path", out.Flag, out.Path, in.name, in.path, out.Flag)
			}
		}
		// Two outputs in one file: the last written would replace the
		// other (a device such as /dev/stdout takes both).
		for _, other := range outs[:i] {
			if samePath(out.Path, other.Path) && !isDevice(out.Path) {
				return fmt.Errorf("%s and %s name one file, %s: give each its own path", other.Flag, out.Flag, out.Path)
			}
		}
	}
	return nil
}

// homePath is path with a leading "~/" read as the home folder, as the
// credentials loader reads --edgerc: the folder os.UserHomeDir would
// name (HOME, USERPROFILE on Windows), from the run's getenv.
func homePath(path string, getenv func(string) string) string {
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok && home != "" {
		return filepath.Join(home, rest)
	}
	return path
}

// OutputFile is a file the run writes, by the flag that names it.
type OutputFile struct{ Flag, Path string }

// Outputs are the files a purge writes at its end, each checked before
// anything is sent (Path "" when not asked for).
func Outputs(o *Options) []OutputFile {
	return []OutputFile{{"--report", o.Report}, {"--dotenv", o.Dotenv}, {"--junit", o.JUnit}}
}

// configPath is the config file the run will read: --config, else
// .ccu-purge.yml at the root of the worktree holding --repo ("" when none
// is found, as in a bare repository, whose config is committed).
func configPath(o *Options) string {
	if o.Config != "" {
		return o.Config
	}
	for dir := outfile.RealPath(o.Repo); ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return filepath.Join(dir, mapper.FileName)
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
}

// samePath reports whether a and b name one file: the same file when both
// exist (through links and other spellings), else the same path.
func samePath(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	// A link to a file not written yet leads to that file (see target).
	return outfile.RealPath(outfile.Target(a)) == outfile.RealPath(outfile.Target(b))
}

// isDevice reports whether path is an existing file that is not a regular
// one (/dev/stdout, a pipe): outfile writes those in place.
func isDevice(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.Mode().IsRegular()
}
