package release

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// platforms GoReleaser builds (.goreleaser.yaml builds.goos × goarch).
var platforms = []struct{ os, arch string }{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// distDir is the snapshot's folder: $CCU_RELEASE_DIST, else the
// repository's dist/.
func distDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CCU_RELEASE_DIST")
	if dir == "" {
		dir = filepath.Join("..", "..", "dist")
	}
	if _, err := os.Stat(filepath.Join(dir, "metadata.json")); err != nil {
		t.Skipf("no release snapshot in %s (run make release-snapshot first): %v", dir, err)
	}
	return dir
}

// snapshotVersion is the version GoReleaser stamped, from dist/metadata.json.
func snapshotVersion(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Version == "" {
		t.Fatalf("dist/metadata.json: version %q, %v", m.Version, err)
	}
	return m.Version
}

// assets are the file names the release must hold for version v: the
// archives and the Akamai CLI's plain executables.
func assets(v string) (archives, executables []string) {
	for _, p := range platforms {
		ext, exe := ".tar.gz", ""
		if p.os == "windows" {
			ext, exe = ".zip", ".exe"
		}
		akamaiOS := p.os
		if akamaiOS == "darwin" {
			akamaiOS = "mac"
		}
		archives = append(archives, "ccu-purge_"+v+"_"+p.os+"_"+p.arch+ext)
		executables = append(executables, "akamai-ccu-purge-"+v+"-"+akamaiOS+p.arch+exe)
	}
	return archives, executables
}

// assetPaths maps each artefact's name to its file, from dist/artifacts.json:
// GoReleaser uploads a plain executable (archives formats: [binary]) under
// its release name, but leaves it at its build path.
func assetPaths(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "artifacts.json"))
	if err != nil {
		t.Fatal(err)
	}
	var list []struct {
		Name, Path, Type string
	}
	if err := json.Unmarshal(data, &list); err != nil {
		t.Fatalf("dist/artifacts.json: %v", err)
	}
	paths := map[string]string{}
	for _, a := range list {
		if a.Type == "Archive" || a.Type == "Binary" || a.Type == "SBOM" {
			// Paths are relative to the project root ("dist/..."): taken
			// relative to dir, so a snapshot copied elsewhere
			// (CCU_RELEASE_DIST) is read where it is.
			paths[a.Name] = filepath.Join(dir, strings.TrimPrefix(filepath.ToSlash(a.Path), "dist/"))
		}
	}
	return paths
}

// readChecksums parses checksums.txt: "<64 hex>  <name>" lines.
func readChecksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || name == "" {
			t.Errorf("checksums.txt:%d: %q is not \"<sha256>  <name>\"", n, sc.Text())
			continue
		}
		if _, dup := sums[name]; dup {
			t.Errorf("checksums.txt:%d: %s listed twice", n, name)
		}
		sums[name] = sum
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return sums
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestSnapshotAssets: every archive and executable is there, checksums.txt
// lists exactly them with their SHA-256, and each archive has its SBOM
// when SBOMs were built.
func TestSnapshotAssets(t *testing.T) {
	dir := distDir(t)
	v := snapshotVersion(t, dir)
	archives, executables := assets(v)
	want := append(append([]string{}, archives...), executables...)
	sums := readChecksums(t, filepath.Join(dir, "checksums.txt"))
	paths := assetPaths(t, dir)
	for _, name := range want {
		path, ok := paths[name]
		if !ok {
			delete(sums, name)
			t.Errorf("dist/artifacts.json has no %s", name)
			continue
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("missing %s: %v", name, err)
			delete(sums, name)
			continue
		}
		switch got, ok := sums[name]; {
		case !ok:
			t.Errorf("checksums.txt does not list %s", name)
		case got != sha256File(t, path):
			t.Errorf("checksums.txt: %s has SHA-256 %s, the file %s", name, got, sha256File(t, path))
		}
		delete(sums, name)
	}
	for name := range sums {
		t.Errorf("checksums.txt lists %s, which is not a release archive or executable", name)
	}
	sboms, _ := filepath.Glob(filepath.Join(dir, "*.sbom.json"))
	if len(sboms) == 0 {
		t.Logf("no SBOMs in %s (built without syft)", dir)
		return
	}
	for _, a := range archives {
		data, err := os.ReadFile(filepath.Join(dir, a+".sbom.json"))
		if err != nil {
			t.Errorf("no SBOM for %s: %v", a, err)
			continue
		}
		var doc struct {
			SPDXVersion string `json:"spdxVersion"`
		}
		if err := json.Unmarshal(data, &doc); err != nil || !strings.HasPrefix(doc.SPDXVersion, "SPDX-") {
			t.Errorf("%s.sbom.json is not an SPDX JSON document (spdxVersion %q, %v)", a, doc.SPDXVersion, err)
		}
	}
	if len(sboms) != len(archives) {
		t.Errorf("%d SBOMs, want one per archive (%d): %q", len(sboms), len(archives), sboms)
	}
}

// TestSnapshotHostBinary: the host's archive holds ccu-purge and
// README.md, and the binary in it reports the snapshot's version.
func TestSnapshotHostBinary(t *testing.T) {
	dir := distDir(t)
	v := snapshotVersion(t, dir)
	ext, exe := ".tar.gz", "ccu-purge"
	if runtime.GOOS == "windows" {
		ext, exe = ".zip", "ccu-purge.exe"
	}
	archive := filepath.Join(dir, "ccu-purge_"+v+"_"+runtime.GOOS+"_"+runtime.GOARCH+ext)
	bin := filepath.Join(t.TempDir(), exe)
	names := extract(t, archive, exe, bin)
	for _, want := range []string{exe, "README.md"} {
		if !names[want] {
			t.Errorf("%s does not hold %s (has %v)", filepath.Base(archive), want, names)
		}
	}
	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", exe, err, out)
	}
	if !strings.HasPrefix(string(out), "ccu-purge "+v+" (commit ") || strings.Contains(string(out), "unknown") {
		t.Errorf("%s version printed %q, want \"ccu-purge %s (commit <sha>, built <date>)\"", exe, out, v)
	}
}

// extract writes the archive's member called name to dst and returns the
// names of all members.
func extract(t *testing.T, archive, name, dst string) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	save := func(r io.Reader) {
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
		if err != nil {
			t.Fatal(err)
		}
		defer out.Close()
		if _, err := io.Copy(out, r); err != nil {
			t.Fatal(err)
		}
	}
	if strings.HasSuffix(archive, ".zip") {
		zr, err := zip.OpenReader(archive)
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		for _, f := range zr.File {
			names[f.Name] = true
			if f.Name == name {
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				save(rc)
				rc.Close()
			}
		}
		return names
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		names[h.Name] = true
		if h.Name == name {
			save(tr)
		}
	}
}

// TestSnapshotBinariesAgree: each archive's binary is byte for byte the
// plain executable of its platform. install.sh relies on it: a tool-cache
// hit is checked against the plain executable's line in checksums.txt
// (the archive's line hashes the archive, not the binary in it).
func TestSnapshotBinariesAgree(t *testing.T) {
	dir := distDir(t)
	v := snapshotVersion(t, dir)
	archives, executables := assets(v)
	paths := assetPaths(t, dir)
	for i, a := range archives {
		exe := "ccu-purge"
		if strings.HasSuffix(a, ".zip") {
			exe += ".exe"
		}
		bin := filepath.Join(t.TempDir(), exe)
		extract(t, filepath.Join(dir, a), exe, bin)
		plain, ok := paths[executables[i]]
		if !ok {
			t.Errorf("dist/artifacts.json has no %s", executables[i])
			continue
		}
		if got, want := sha256File(t, bin), sha256File(t, plain); got != want {
			t.Errorf("%s's %s has SHA-256 %s, %s has %s: install.sh could never use its tool cache", a, exe, got, executables[i], want)
		}
	}
}
