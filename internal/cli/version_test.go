package cli

import (
	"bytes"
	"context"
	"testing"
)

// The release binaries are stamped with -X …/cli.Version, .Commit and
// .Date (.goreleaser.yaml); `ccu-purge version` must print all three, and
// the unstamped build must still say something.
func TestVersionLine(t *testing.T) {
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		want                  string
	}{
		{"stamped", "1.2.3", "0123456789abcdef0123456789abcdef01234567", "2026-12-01T23:00:00Z",
			"ccu-purge 1.2.3 (commit 0123456789abcdef0123456789abcdef01234567, built 2026-12-01T23:00:00Z)\n"},
		// A test binary has no VCS settings and a "(devel)" main module.
		{"unstamped", "", "", "", "ccu-purge dev (commit unknown, built unknown)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saved := [3]string{Version, Commit, Date}
			t.Cleanup(func() { Version, Commit, Date = saved[0], saved[1], saved[2] })
			Version, Commit, Date = tc.version, tc.commit, tc.date
			for _, arg := range []string{"version", "--version"} {
				var out, errb bytes.Buffer
				code := Run(context.Background(), []string{arg}, func(string) string { return "" }, &out, &errb)
				if code != ExitOK || out.String() != tc.want || errb.Len() != 0 {
					t.Errorf("%s: exit %d, stdout %q, stderr %q; want 0, %q", arg, code, out.String(), errb.String(), tc.want)
				}
			}
		})
	}
}
