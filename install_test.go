package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// The install script against a fake release on loopback, laid out the way
// GitHub serves release assets (/download/TAG/ASSET, answered with a
// redirect to the file, as GitHub does). Nothing here leaves the machine.

const testVersion = "1.2.3"

// standIn is a tiny executable that prints a version like the real one:
// building the real binary for every case would cost seconds each.
var standIn = []byte("#!/bin/sh\necho 'ccu-purge " + testVersion + "'\n")

// platforms are the six the releases are built for.
var platforms = []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64", "windows_amd64", "windows_arm64"}

// release is a fake release: the assets on a loopback server that counts
// the requests it gets, and the trusted checksums file beside them.
type release struct {
	srv      *httptest.Server
	root     string // served files: root/TAG/ASSET
	sums     string // the trusted checksums file
	size     int64  // bytes of the last archive packed
	requests atomic.Int64
}

// newRelease packs bin for the six platforms, or only those named.
func newRelease(tb testing.TB, version string, bin []byte, only ...string) *release {
	tb.Helper()
	r := &release{root: tb.TempDir()}
	tagDir := filepath.Join(r.root, "v"+version)
	if err := os.MkdirAll(tagDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	var sums strings.Builder
	if only == nil {
		only = platforms
	}
	for _, p := range only {
		name, data := archive(tb, version, p, bin)
		r.size = int64(len(data))
		if err := os.WriteFile(filepath.Join(tagDir, name), data, 0o644); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&sums, "%x  %s\n", sha256.Sum256(data), name)
		// The plain executable, the same bytes as the archive's binary,
		// as GoReleaser lists it (install.sh checks a tool-cache hit with it).
		goos, goarch, _ := strings.Cut(p, "_")
		exe := map[string]string{"windows": ".exe"}[goos]
		if goos == "darwin" {
			goos = "mac"
		}
		fmt.Fprintf(&sums, "%x  akamai-ccu-purge-%s-%s%s%s\n", sha256.Sum256(bin), version, goos, goarch, exe)
	}
	r.sums = filepath.Join(tb.TempDir(), "checksums.txt")
	if err := os.WriteFile(r.sums, []byte(sums.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	files := http.StripPrefix("/assets/", http.FileServer(http.Dir(r.root)))
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.requests.Add(1)
		if rest, ok := strings.CutPrefix(req.URL.Path, "/download/"); ok {
			http.Redirect(w, req, "/assets/"+rest, http.StatusFound)
			return
		}
		files.ServeHTTP(w, req)
	}))
	tb.Cleanup(r.srv.Close)
	return r
}

// archive packs bin the way the release does: ccu-purge_VERSION_OS_ARCH,
// .tar.gz holding ccu-purge, or .zip holding ccu-purge.exe on windows.
func archive(tb testing.TB, version, platform string, bin []byte) (string, []byte) {
	tb.Helper()
	var buf bytes.Buffer
	readme := []byte("# ccu-purge\n")
	if strings.HasPrefix(platform, "windows_") {
		zw := zip.NewWriter(&buf)
		for name, data := range map[string][]byte{"ccu-purge.exe": bin, "README.md": readme} {
			w, err := zw.Create(name)
			if err == nil {
				_, err = w.Write(data)
			}
			if err != nil {
				tb.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			tb.Fatal(err)
		}
		return "ccu-purge_" + version + "_" + platform + ".zip", buf.Bytes()
	}
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, f := range []struct {
		name string
		mode int64
		data []byte
	}{{"README.md", 0o644, readme}, {"ccu-purge", 0o755, bin}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: f.mode, Size: int64(len(f.data))}); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write(f.data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		tb.Fatal(err)
	}
	return "ccu-purge_" + version + "_" + platform + ".tar.gz", buf.Bytes()
}

// install runs install.sh with shell, the two variables pointing at the
// fake release (url may be changed), and extra variables.
type install struct {
	shell  string
	script string
	url    string
	sums   string
	env    []string
	path   string // PATH, when some tools are hidden
	dir    string // working directory, when not this one
}

func (r *release) install() *install {
	script, _ := filepath.Abs("install.sh")
	return &install{shell: "sh", script: script, url: r.srv.URL, sums: r.sums}
}

func (in *install) run(tb testing.TB, args ...string) (code int, stdout, stderr string) {
	tb.Helper()
	if _, err := exec.LookPath(in.shell); err != nil {
		tb.Skipf("%s is absent: install.sh is a POSIX sh script", in.shell)
	}
	cmd := exec.Command(in.shell, append([]string{in.script}, args...)...)
	cmd.Dir = in.dir
	// The runner's own variables would change the outcome (the tool cache).
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "RUNNER_") && !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "CCU_PURGE_") && (k != "PATH" || in.path == "") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	if in.path != "" {
		cmd.Env = append(cmd.Env, "PATH="+in.path)
	}
	if in.url != "" {
		cmd.Env = append(cmd.Env, "CCU_PURGE_RELEASES_URL="+in.url)
	}
	if in.sums != "" {
		cmd.Env = append(cmd.Env, "CCU_PURGE_CHECKSUMS="+in.sums)
	}
	cmd.Env = append(cmd.Env, in.env...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		tb.Fatal(err)
	}
	return code, o.String(), e.String()
}

// withoutTools is a PATH holding every command of the current PATH but
// the named ones, to take the script's fallbacks (wget, shasum, openssl).
func withoutTools(t *testing.T, hidden ...string) string {
	t.Helper()
	dir := t.TempDir()
	skip := map[string]bool{}
	for _, h := range hidden {
		skip[h] = true
	}
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if skip[e.Name()] {
				continue
			}
			os.Symlink(filepath.Join(d, e.Name()), filepath.Join(dir, e.Name())) // the first of a name wins, as in PATH
		}
	}
	return dir
}

func hostPlatform() (goos, goarch, exe string) {
	if runtime.GOOS == "windows" {
		exe = ".exe"
	}
	return runtime.GOOS, runtime.GOARCH, exe
}

func TestInstall(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the script's Windows path (Git Bash) is exercised by the Action's CI job on windows runners")
	}
	r := newRelease(t, testVersion, standIn)
	for _, tc := range []struct {
		name   string
		shell  string
		hidden []string // commands taken off PATH
		args   []string
		bin    string // the binary's name in BINDIR
		runs   bool   // the installed binary runs here
	}{
		{name: "sh, host platform", shell: "sh", bin: "ccu-purge", runs: true},
		{name: "dash", shell: "dash", bin: "ccu-purge", runs: true},
		{name: "bash", shell: "bash", bin: "ccu-purge", runs: true},
		{name: "wget instead of curl", shell: "sh", hidden: []string{"curl"}, bin: "ccu-purge", runs: true},
		{name: "shasum instead of sha256sum", shell: "sh", hidden: []string{"sha256sum"}, bin: "ccu-purge", runs: true},
		{name: "openssl instead of sha256sum and shasum", shell: "sh", hidden: []string{"sha256sum", "shasum"}, bin: "ccu-purge", runs: true},
		{name: "runner names macOS ARM64", shell: "sh", args: []string{"-o", "macOS", "-a", "ARM64"}, bin: "ccu-purge"},
		{name: "runner names Windows X64: zip", shell: "sh", args: []string{"-o", "Windows", "-a", "X64"}, bin: "ccu-purge.exe"},
		{name: "uname names MINGW64_NT aarch64: zip", shell: "sh", args: []string{"-o", "MINGW64_NT-10.0", "-a", "aarch64"}, bin: "ccu-purge.exe"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := r.install()
			in.shell = tc.shell
			if len(tc.hidden) > 0 {
				in.path = withoutTools(t, tc.hidden...)
				for _, h := range tc.hidden {
					if _, err := exec.LookPath(h); err != nil {
						t.Skipf("%s is not installed here, so hiding it tests nothing", h)
					}
				}
			}
			bindir := filepath.Join(t.TempDir(), "bin")
			code, stdout, stderr := in.run(t, append(append([]string{"-b", bindir}, tc.args...), "v"+testVersion)...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
			}
			bin := filepath.Join(bindir, tc.bin)
			if !strings.Contains(stdout, "installed in "+bin) {
				t.Errorf("stdout does not say where: %q", stdout)
			}
			got, err := os.ReadFile(bin)
			if err != nil || !bytes.Equal(got, standIn) {
				t.Fatalf("%s: %v, content %q", bin, err, got)
			}
			if tc.runs {
				out, err := exec.Command(bin, "version").CombinedOutput()
				if err != nil || strings.TrimSpace(string(out)) != "ccu-purge "+testVersion {
					t.Errorf("%s version: %v %q", bin, err, out)
				}
			}
		})
	}
}

// The refusals: each exits non-zero, installs nothing, and names the file
// and what to do.
func TestInstallRefuses(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	goos, goarch, _ := hostPlatform()
	asset := "ccu-purge_" + testVersion + "_" + goos + "_" + goarch + ".tar.gz"
	for _, tc := range []struct {
		name     string
		tag      string
		setup    func(t *testing.T, r *release, in *install)
		want     []string
		unwanted []string // e.g. a mirror's password
		requests bool     // whether the script may ask the server at all
	}{
		{
			name: "tampered archive",
			tag:  "v" + testVersion,
			setup: func(t *testing.T, r *release, in *install) {
				_, other := archive(t, testVersion, goos+"_"+goarch, []byte("#!/bin/sh\necho pwned\n"))
				if err := os.WriteFile(filepath.Join(r.root, "v"+testVersion, asset), other, 0o644); err != nil {
					t.Fatal(err)
				}
				in.env = append(in.env, "WANT_ACTUAL="+fmt.Sprintf("%x", sha256.Sum256(other)))
			},
			want:     []string{"checksum mismatch for " + asset, "expected ", "actual ", "what to do: do not use this file"},
			requests: true,
		},
		{
			name: "missing checksum entry",
			tag:  "v" + testVersion,
			setup: func(t *testing.T, r *release, in *install) {
				data, _ := os.ReadFile(r.sums)
				var kept []string
				for _, line := range strings.Split(string(data), "\n") {
					if !strings.HasSuffix(line, "  "+asset) {
						kept = append(kept, line)
					}
				}
				in.sums = filepath.Join(t.TempDir(), "partial-checksums.txt")
				os.WriteFile(in.sums, []byte(strings.Join(kept, "\n")), 0o644)
			},
			want: []string{"no checksum for " + asset + " in ", "partial-checksums.txt", "what to do: "},
		},
		{
			name: "404 from a mirror with credentials",
			tag:  "v9.9.9",
			setup: func(t *testing.T, r *release, in *install) {
				// The pinned file vouches for 9.9.9, the server has no such release.
				in.sums = filepath.Join(t.TempDir(), "checksums.txt")
				os.WriteFile(in.sums, []byte(strings.Repeat("ab", 32)+"  ccu-purge_9.9.9_"+goos+"_"+goarch+".tar.gz\n"), 0o644)
				in.url = strings.Replace(r.srv.URL, "http://", "http://mirror-user:s3cret@", 1)
			},
			want:     []string{"HTTP 404 for " + "http://127.0.0.1", "/download/v9.9.9/ccu-purge_9.9.9_" + goos + "_" + goarch + ".tar.gz", "what to do: check that release v9.9.9 exists"},
			unwanted: []string{"s3cret", "mirror-user"},
			requests: true,
		},
		{
			name:  "no trusted checksums file",
			tag:   "v" + testVersion,
			setup: func(t *testing.T, r *release, in *install) { in.sums = filepath.Join(t.TempDir(), "absent.txt") },
			want:  []string{"no trusted checksums file", "absent.txt does not exist", "what to do: "},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t, testVersion, standIn)
			in := r.install()
			tc.setup(t, r, in)
			bindir := filepath.Join(t.TempDir(), "bin")
			code, stdout, stderr := in.run(t, "-b", bindir, tc.tag)
			if code == 0 {
				t.Fatalf("exit 0, want a refusal\nstdout: %s\nstderr: %s", stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			for _, kv := range in.env {
				if v, ok := strings.CutPrefix(kv, "WANT_ACTUAL="); ok && !strings.Contains(stderr, v) {
					t.Errorf("stderr does not show the actual hash %s:\n%s", v, stderr)
				}
			}
			if tc.name == "tampered archive" {
				data, _ := os.ReadFile(r.sums)
				if want := checksumLine(string(data), asset); want == "" || !strings.Contains(stderr, want) {
					t.Errorf("stderr does not show the expected hash %q:\n%s", want, stderr)
				}
			}
			for _, u := range tc.unwanted {
				if strings.Contains(stdout+stderr, u) {
					t.Errorf("output shows %q:\n%s%s", u, stdout, stderr)
				}
			}
			if !tc.requests && r.requests.Load() != 0 {
				t.Errorf("%d requests: a refusal known before downloading must not download", r.requests.Load())
			}
			if entries, _ := os.ReadDir(bindir); len(entries) != 0 {
				t.Errorf("something was installed in %s: %v", bindir, entries)
			}
		})
	}
}

func checksumLine(sums, name string) string {
	for _, line := range strings.Split(sums, "\n") {
		if h, n, ok := strings.Cut(line, "  "); ok && n == name {
			return h
		}
	}
	return ""
}

// In GitHub Actions the binary lands in the tool cache; a second run in the
// job finds it there and sends no request. A directory without its marker
// (a run that was interrupted) is not trusted.
func TestInstallToolCache(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	_, goarch, _ := hostPlatform()
	r := newRelease(t, testVersion, standIn)
	cache := t.TempDir()
	output := filepath.Join(t.TempDir(), "github_output")
	in := r.install()
	in.env = []string{"RUNNER_TOOL_CACHE=" + cache, "GITHUB_OUTPUT=" + output}
	bin := filepath.Join(cache, "ccu-purge", testVersion, goarch, "ccu-purge")
	marker := filepath.Join(cache, "ccu-purge", testVersion, goarch+".complete")

	for i, want := range []struct {
		requests bool
		says     string
	}{{true, "installed in " + bin}, {false, "found in the tool cache, " + bin}} {
		r.requests.Store(0)
		code, stdout, stderr := in.run(t, "v"+testVersion)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s%s", i+1, code, stdout, stderr)
		}
		if got := r.requests.Load(); (got > 0) != want.requests {
			t.Errorf("run %d: %d requests", i+1, got)
		}
		if !strings.Contains(stdout, want.says) {
			t.Errorf("run %d: stdout lacks %q: %s", i+1, want.says, stdout)
		}
		if _, err := os.Stat(marker); err != nil {
			t.Errorf("run %d: no marker: %v", i+1, err)
		}
	}
	if out, _ := os.ReadFile(output); strings.Count(string(out), "bin="+bin+"\n") != 2 {
		t.Errorf("GITHUB_OUTPUT = %q, want bin=%s twice", out, bin)
	}
	os.Remove(marker)
	r.requests.Store(0)
	if code, stdout, stderr := in.run(t, "v"+testVersion); code != 0 || r.requests.Load() == 0 {
		t.Errorf("without the marker: exit %d, %d requests, want a fresh download\n%s%s", code, r.requests.Load(), stdout, stderr)
	}
}

// Without a tag, by hand from a release's files: the version is the one
// pinned-checksums.txt beside the script lists.
func TestInstallPinnedBesideScript(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	r := newRelease(t, testVersion, standIn)
	dir := t.TempDir()
	src, err := os.ReadFile("install.sh")
	if err != nil {
		t.Fatal(err)
	}
	sums, _ := os.ReadFile(r.sums)
	os.WriteFile(filepath.Join(dir, "install.sh"), src, 0o644)
	os.WriteFile(filepath.Join(dir, "pinned-checksums.txt"), sums, 0o644)
	in := r.install()
	in.script, in.sums = filepath.Join(dir, "install.sh"), ""
	bindir := filepath.Join(t.TempDir(), "bin")
	code, stdout, stderr := in.run(t, "-b", bindir)
	if code != 0 || !strings.Contains(stdout, "ccu-purge "+testVersion+" (") || !strings.Contains(stdout, "pinned-checksums.txt") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
}

// The real binary, stamped like a release, packed, installed, and run.
func TestInstallRealBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: links the real binary (about 15 s on 2 cores)")
	}
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	r := newRelease(t, testVersion, realBinary(t))
	bindir := filepath.Join(t.TempDir(), "bin")
	code, stdout, stderr := r.install().run(t, "-b", bindir, "v"+testVersion)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	out, err := exec.Command(filepath.Join(bindir, "ccu-purge"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "ccu-purge "+testVersion) {
		t.Errorf("installed binary: version: %v %q", err, out)
	}
}

var real struct {
	once sync.Once
	dir  string
	bin  []byte
	err  error
}

// realBinary builds ccu-purge once per test process, stamped with
// testVersion (only the link step differs from the other tests' builds,
// so the build cache serves the rest).
func realBinary(tb testing.TB) []byte {
	tb.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		tb.Skip("the go tool is absent: this test builds the real binary")
	}
	real.once.Do(func() {
		if real.dir, real.err = os.MkdirTemp("", "ccu-purge-install-test-"); real.err != nil {
			return
		}
		bin := filepath.Join(real.dir, "ccu-purge")
		cmd := exec.Command(goTool, "build", "-ldflags", "-X github.com/ccu-purge/ccu-purge/internal/cli.Version="+testVersion, "-o", bin, ".")
		if out, err := cmd.CombinedOutput(); err != nil {
			real.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		real.bin, real.err = os.ReadFile(bin)
	})
	if real.err != nil {
		tb.Fatal(real.err)
	}
	return real.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if real.dir != "" {
		os.RemoveAll(real.dir)
	}
	os.Exit(code)
}

// Cold: a fresh BINDIR each time, so every run downloads, checks and
// unpacks the real binary's archive (goal: at most 2 s).
func BenchmarkInstallCold(b *testing.B) {
	goos, goarch, _ := hostPlatform()
	r := newRelease(b, testVersion, realBinary(b), goos+"_"+goarch)
	in := r.install()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bindir := filepath.Join(b.TempDir(), "bin")
		if code, stdout, stderr := in.run(b, "-b", bindir, "v"+testVersion); code != 0 {
			b.Fatalf("exit %d\n%s%s", code, stdout, stderr)
		}
	}
	b.ReportMetric(float64(r.requests.Load())/float64(b.N), "requests/op")
	b.ReportMetric(float64(r.size)/(1<<20), "archive-MiB")
}

// Cached: the second use in a job, from the tool cache (goal: at most
// 0.2 s, no request).
func BenchmarkInstallCached(b *testing.B) {
	goos, goarch, _ := hostPlatform()
	r := newRelease(b, testVersion, realBinary(b), goos+"_"+goarch)
	// Self-hosted, the hit hashes the cached binary against the pinned
	// executable (the cache outlives the job); GitHub-hosted, it does not.
	for _, runner := range []string{"self-hosted", "github-hosted"} {
		b.Run(runner, func(b *testing.B) {
			in := r.install()
			in.env = []string{"RUNNER_TOOL_CACHE=" + b.TempDir(), "RUNNER_ENVIRONMENT=" + runner}
			if code, stdout, stderr := in.run(b, "v"+testVersion); code != 0 {
				b.Fatalf("exit %d\n%s%s", code, stdout, stderr)
			}
			r.requests.Store(0)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if code, stdout, stderr := in.run(b, "v"+testVersion); code != 0 {
					b.Fatalf("exit %d\n%s%s", code, stdout, stderr)
				}
			}
			b.ReportMetric(float64(r.requests.Load())/float64(b.N), "requests/op")
		})
	}
}

// install.sh parses under every POSIX shell at hand, and shellcheck (when
// installed) finds nothing in it as sh.
func TestInstallScriptLint(t *testing.T) {
	ran := 0
	for _, shell := range []string{"sh", "dash", "bash", "busybox"} {
		if _, err := exec.LookPath(shell); err != nil {
			continue
		}
		args := []string{"-n", "install.sh"}
		if shell == "busybox" {
			args = append([]string{"sh"}, args...)
		}
		if out, err := exec.Command(shell, args...).CombinedOutput(); err != nil {
			t.Errorf("%s -n install.sh: %v\n%s", shell, err, out)
		}
		ran++
	}
	if data, _ := os.ReadFile("install.sh"); bytes.Contains(data, []byte("\r\n")) {
		t.Error("install.sh has CRLF line ends: sh cannot run it")
	}
	if ran == 0 {
		t.Skip("no POSIX shell here")
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck is not installed: only the shells' own syntax check ran")
		return
	}
	if out, err := exec.Command("shellcheck", "-s", "sh", "install.sh").CombinedOutput(); err != nil {
		t.Errorf("shellcheck -s sh install.sh: %v\n%s", err, out)
	}
}

// Odd but honest inputs install; hostile ones are refused before any
// download and run nothing.
func TestInstallOddInputs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	goos, goarch, _ := hostPlatform()
	asset := "ccu-purge_" + testVersion + "_" + goos + "_" + goarch + ".tar.gz"
	rewrite := func(t *testing.T, in *install, f func(string) string) {
		data, err := os.ReadFile(in.sums)
		if err != nil {
			t.Fatal(err)
		}
		in.sums = filepath.Join(t.TempDir(), "checksums.txt")
		os.WriteFile(in.sums, []byte(f(string(data))), 0o644)
	}
	for _, tc := range []struct {
		name     string
		setup    func(t *testing.T, r *release, in *install) (args []string)
		bindir   string // under a temporary folder
		want     string // in stdout on success, stderr on a refusal
		refused  bool
		requests bool
	}{
		{
			name: "checksums with CRLF line ends (a Windows checkout, an editor)",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") })
				return []string{"v" + testVersion}
			},
			want: "installed in ", requests: true,
		},
		{
			name: "checksums with CRLF line ends, no tag",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") })
				return nil
			},
			want: "ccu-purge " + testVersion + " (", requests: true,
		},
		{
			name: "checksums with extra blanks, tabs and an upper-case hash",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string {
					h := checksumLine(s, asset)
					return strings.Replace(s, h+"  "+asset, "  "+strings.ToUpper(h)+" \t  "+asset+"  ", 1)
				})
				return []string{"v" + testVersion}
			},
			want: "installed in ", requests: true,
		},
		{
			name: "a longer name first, of which the asset is a prefix",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string { return strings.Repeat("ab", 32) + "  " + asset + ".sbom.json\n" + s })
				return []string{"v" + testVersion}
			},
			want: "installed in ", requests: true,
		},
		{
			name: "the asset listed twice with different hashes",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string { return s + strings.Repeat("ab", 32) + "  " + asset + "\n" })
				return []string{"v" + testVersion}
			},
			refused: true, want: "lists " + asset + " twice, with different checksums",
		},
		{
			name: "the asset listed twice with one hash",
			setup: func(t *testing.T, r *release, in *install) []string {
				rewrite(t, in, func(s string) string { return s + checksumLine(s, asset) + "  " + asset + "\n" })
				return []string{"v" + testVersion}
			},
			want: "installed in ", requests: true,
		},
		{
			name:   "BINDIR with spaces and quotes",
			bindir: "my \"tools\" $HOME 'x'/bin",
			setup:  func(t *testing.T, r *release, in *install) []string { return []string{"v" + testVersion} },
			want:   "installed in ", requests: true,
		},
		{
			name: "a tag with shell metacharacters",
			setup: func(t *testing.T, r *release, in *install) []string {
				return []string{"v1.2.3$(touch pwned);touch pwned`touch pwned`"}
			},
			refused: true, want: "is not a release tag",
		},
		{
			name: "a tag with a path in it",
			setup: func(t *testing.T, r *release, in *install) []string {
				return []string{"v1.2.3/../../../etc"}
			},
			refused: true, want: "is not a release tag",
		},
		{
			name: "CDPATH set, the script named by a relative path",
			setup: func(t *testing.T, r *release, in *install) []string {
				// pinned-checksums.txt beside the script, a decoy folder of
				// the same name on CDPATH.
				top, decoy := t.TempDir(), t.TempDir()
				src, _ := os.ReadFile("install.sh")
				sums, _ := os.ReadFile(r.sums)
				os.MkdirAll(filepath.Join(top, "rel"), 0o755)
				os.MkdirAll(filepath.Join(decoy, "rel"), 0o755)
				os.WriteFile(filepath.Join(top, "rel", "install.sh"), src, 0o644)
				os.WriteFile(filepath.Join(top, "rel", "pinned-checksums.txt"), sums, 0o644)
				in.dir, in.script, in.sums = top, "rel/install.sh", ""
				in.env = append(in.env, "CDPATH="+decoy)
				return nil
			},
			want: "ccu-purge " + testVersion + " (", requests: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t, testVersion, standIn)
			in := r.install()
			args := tc.setup(t, r, in)
			work := t.TempDir()
			if in.dir == "" {
				in.dir = work
			}
			bindir := filepath.Join(t.TempDir(), "bin")
			if tc.bindir != "" {
				bindir = filepath.Join(t.TempDir(), tc.bindir)
			}
			code, stdout, stderr := in.run(t, append([]string{"-b", bindir}, args...)...)
			if (code != 0) != tc.refused {
				t.Fatalf("exit %d, want refused %v\nstdout: %s\nstderr: %s", code, tc.refused, stdout, stderr)
			}
			if out := map[bool]string{false: stdout, true: stderr}[tc.refused]; !strings.Contains(out, tc.want) {
				t.Errorf("output lacks %q\nstdout: %s\nstderr: %s", tc.want, stdout, stderr)
			}
			if got := r.requests.Load(); (got > 0) != tc.requests {
				t.Errorf("%d requests, want some: %v", got, tc.requests)
			}
			if _, err := os.Stat(filepath.Join(in.dir, "pwned")); err == nil {
				t.Errorf("the tag ran a command")
			}
			got, err := os.ReadFile(filepath.Join(bindir, "ccu-purge"))
			if tc.refused {
				if err == nil {
					t.Errorf("installed despite the refusal")
				}
			} else if !bytes.Equal(got, standIn) {
				t.Errorf("%s: %v, content %q", bindir, err, got)
			}
		})
	}
}

// A tool cache that outlives the job (a self-hosted runner) may hold a
// binary another job put there: it is used only when it is the pinned
// executable, else the release is installed again.
func TestInstallToolCacheChecked(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("see TestInstall")
	}
	goos, goarch, _ := hostPlatform()
	akos := map[string]string{"darwin": "mac"}[goos]
	if akos == "" {
		akos = goos
	}
	r := newRelease(t, testVersion, standIn)
	data, _ := os.ReadFile(r.sums)
	sums := filepath.Join(t.TempDir(), "checksums.txt")
	os.WriteFile(sums, append(data, fmt.Sprintf("%x  akamai-ccu-purge-%s-%s%s\n", sha256.Sum256(standIn), testVersion, akos, goarch)...), 0o644)
	cache := t.TempDir()
	in := r.install()
	in.sums = sums
	in.env = []string{"RUNNER_TOOL_CACHE=" + cache}
	bin := filepath.Join(cache, "ccu-purge", testVersion, goarch, "ccu-purge")
	for i, step := range []struct {
		poison   bool
		requests bool
		says     string
	}{
		{false, true, "installed in " + bin},
		{false, false, "found in the tool cache, " + bin},
		{true, true, "installed in " + bin},
		{false, false, "found in the tool cache, " + bin},
	} {
		if step.poison {
			os.WriteFile(bin, []byte("#!/bin/sh\necho pwned\n"), 0o755)
		}
		r.requests.Store(0)
		code, stdout, stderr := in.run(t, "v"+testVersion)
		if code != 0 {
			t.Fatalf("run %d: exit %d\n%s%s", i+1, code, stdout, stderr)
		}
		if got := r.requests.Load(); (got > 0) != step.requests {
			t.Errorf("run %d: %d requests, want some: %v", i+1, got, step.requests)
		}
		if !strings.Contains(stdout, step.says) {
			t.Errorf("run %d: stdout lacks %q\nstdout: %s\nstderr: %s", i+1, step.says, stdout, stderr)
		}
		if step.poison && !strings.Contains(stderr, "is not the binary") {
			t.Errorf("run %d: stderr does not say why it installs again: %s", i+1, stderr)
		}
		if got, _ := os.ReadFile(bin); !bytes.Equal(got, standIn) {
			t.Errorf("run %d: the tool cache holds %q", i+1, got)
		}
	}
	// A GitHub-hosted runner's tool cache is the job's own, fresh VM: the
	// hit costs no hash there (the cached-run budget is 0.2 s).
	os.WriteFile(bin, []byte("#!/bin/sh\necho own\n"), 0o755)
	in.env = append(in.env, "RUNNER_ENVIRONMENT=github-hosted")
	r.requests.Store(0)
	if code, stdout, stderr := in.run(t, "v"+testVersion); code != 0 || r.requests.Load() != 0 || !strings.Contains(stdout, "found in the tool cache") {
		t.Errorf("github-hosted: exit %d, %d requests\nstdout: %s\nstderr: %s", code, r.requests.Load(), stdout, stderr)
	}
}
