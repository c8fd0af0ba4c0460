package action

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestDefang(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"plain line\n", "plain line\n"},
		{"##[error]forged\n", "# #[error]forged\n"},
		{"a ###[x] b ##[", "a ## #[x] b # #["},
		{"::warning::kept\n", "::warning::kept\n"},
	} {
		var b bytes.Buffer
		n, err := Defang(&b).Write([]byte(tc.in))
		if err != nil || n != len(tc.in) || b.String() != tc.want {
			t.Errorf("Defang(%q) wrote %q (n=%d, err=%v), want %q", tc.in, b.String(), n, err, tc.want)
		}
	}
	var under bytes.Buffer
	if u, ok := Defang(&under).(interface{ Unwrap() io.Writer }); !ok || u.Unwrap() != &under {
		t.Errorf("Defang does not unwrap to its writer (a terminal check needs it)")
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("closed pipe") }

// A log that can no longer be written does not fail the writer
// go-githubactions panics on.
func TestLogDropsWriteErrors(t *testing.T) {
	t.Parallel()
	if n, err := Log(failing{}).Write([]byte("::notice::x\n")); n != 12 || err != nil {
		t.Errorf("Log.Write = %d, %v; want 12, nil", n, err)
	}
}
