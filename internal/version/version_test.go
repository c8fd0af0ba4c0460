package version

import "testing"

// A stamp wins over what the build recorded; a test binary records no
// module version or VCS settings, so the fallbacks show.
func TestLine(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ stamped, commit, date, want string }{
		{"1.2.3", "abc", "2026-12-01T00:00:00Z", "ccu-purge 1.2.3 (commit abc, built 2026-12-01T00:00:00Z)"},
		{"", "abc", "d", "ccu-purge dev (commit abc, built d)"},
		{"", "", "", "ccu-purge dev (commit unknown, built unknown)"},
	} {
		if got := Line(tc.stamped, tc.commit, tc.date); got != tc.want {
			t.Errorf("Line(%q, %q, %q) = %q, want %q", tc.stamped, tc.commit, tc.date, got, tc.want)
		}
	}
	if got := Name("v9"); got != "v9" {
		t.Errorf("Name(v9) = %q", got)
	}
}
