//go:build unix

package cli

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// A --report (or --dotenv) in a sticky folder (as /tmp) that another
// user's run left there, writable by all: opening it and creating a file
// beside it work, so the up-front check passed, but the rename that
// replaces it at the end is refused, after everything was sent. The check
// must refuse it first, as it refuses such a state file. Run as nobody on
// files root owns.
func TestOutputInStickyFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root, to give the report to one user and run as another")
	}
	top, err := os.MkdirTemp("", "sticky-report-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(top) })
	repo := filepath.Join(top, "repo")
	if _, err := gitfixture.Build(repo, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": siteConfig, "public/one.html": "1"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{"public/two.html": "2"}},
	}); err != nil {
		t.Fatal(err)
	}
	shared := filepath.Join(top, "shared")
	if err := os.Mkdir(shared, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o777|os.ModeSticky); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == shared {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(path, mode)
	}); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(top, "cli.test")
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err == nil {
		_, err = io.Copy(dst, src)
		err = errorsJoin(err, dst.Close())
	}
	src.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, flag := range []string{"--report", "--dotenv"} {
		t.Run(flag, func(t *testing.T) {
			out := filepath.Join(shared, "out"+flag)
			if err := os.WriteFile(out, []byte("another run's\n"), 0o666); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(out, 0o666); err != nil { // past the umask
				t.Fatal(err)
			}
			cmd := exec.Command(bin, "purge", "--dry-run", "--repo", repo, "--from", "v1", flag, out)
			cmd.Env = append(os.Environ(), "CCU_PURGE_RUN_MAIN=1", "HOME="+top)
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
			output, err := cmd.CombinedOutput()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			want := flag + " " + out + " cannot be replaced: its folder " + shared + " is sticky (+t) and the file belongs to user 0, so user 65534 cannot replace it (choose another path"
			if code != ExitUsage || !strings.Contains(string(output), want) || strings.Contains(string(output), "Batches") || strings.Contains(string(output), "--state") {
				t.Errorf("exit %d, want %d before planning, saying %q:\n%s", code, ExitUsage, want, output)
			}
		})
	}
}

func errorsJoin(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
