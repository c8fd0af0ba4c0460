package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The composite action's own steps, run with bash the way the runner runs
// them, against a fake release on loopback (see install_test.go).

type actionStep struct {
	ID   string
	If   string
	Uses string
	With map[string]string
	Env  map[string]string
	Run  string
}

func actionSteps(t *testing.T) map[string]actionStep {
	t.Helper()
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Runs struct {
			Using string
			Steps []actionStep
		}
	}
	if err := yaml.Unmarshal(data, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", spec.Runs.Using)
	}
	steps := map[string]actionStep{}
	for _, s := range spec.Runs.Steps {
		if s.Uses != "" {
			steps[s.Uses] = s
		} else {
			steps[s.ID] = s
		}
	}
	return steps
}

// Every action it uses is pinned by full commit SHA, and Go is set up (with
// its cache) only when the tool is built from source.
func TestActionYAMLComposite(t *testing.T) {
	data, _ := os.ReadFile("action.yml")
	uses := regexp.MustCompile(`(?m)^\s*(?:-\s*)?uses:\s*(\S+)(.*)$`).FindAllStringSubmatch(string(data), -1)
	if len(uses) == 0 {
		t.Fatal("action.yml uses no action: where is actions/setup-go?")
	}
	for _, u := range uses {
		if !regexp.MustCompile(`^[\w.-]+/[\w.-]+@[0-9a-f]{40}$`).MatchString(u[1]) || !regexp.MustCompile(`^\s*# v\d`).MatchString(u[2]) {
			t.Errorf("uses: %s%s: pin by full commit SHA with the version in a comment", u[1], u[2])
		}
	}
	if strings.Contains(string(data), "Dockerfile") && strings.Contains(string(data), "image:") {
		t.Error("action.yml still builds an image")
	}
	var setupGo, cache *actionStep
	steps := actionSteps(t)
	for name, s := range steps {
		switch {
		case strings.HasPrefix(name, "actions/setup-go@"):
			setupGo = &s
		case strings.HasPrefix(name, "actions/cache@"):
			cache = &s
		}
	}
	if setupGo == nil || cache == nil {
		t.Fatal("no actions/setup-go or actions/cache step")
	}
	const onBuild = "steps.resolve.outputs.build == 'true'"
	if setupGo.If != onBuild || !strings.Contains(setupGo.With["go-version-file"], "github.action_path") {
		t.Errorf("setup-go step %+v: want it only for a source build, with the action's own go.mod", *setupGo)
	}
	// setup-go's own cache ignores a go.sum outside the workspace (the
	// action's, but with uses: ./): the action caches the Go caches itself.
	build := steps["build"]
	if cache.If != onBuild || cache.With["path"] != "${{ runner.temp }}/ccu-purge-go" ||
		!strings.HasSuffix(cache.With["key"], "-${{ steps.resolve.outputs.go-sum }}") ||
		!strings.HasPrefix(build.Env["GOCACHE"], cache.With["path"]+"/") || !strings.HasPrefix(build.Env["GOMODCACHE"], cache.With["path"]+"/") {
		t.Errorf("cache step %+v, build env %v: want the build's GOCACHE and GOMODCACHE cached, keyed on go.sum", *cache, build.Env)
	}
}

// runStep runs one step's script with bash and the runner's variables.
func runStep(t *testing.T, script string, env ...string) (code int, out string) {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is absent: the action's steps run with shell: bash")
	}
	cmd := exec.Command("bash", "-e", "-c", script)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "RUNNER_") && !strings.HasPrefix(k, "GITHUB_") && !strings.HasPrefix(k, "CCU_PURGE_") && !strings.HasPrefix(k, "INPUT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	b, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, string(b)
}

func readOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	data, _ := os.ReadFile(path)
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// The resolve step: a release ref installs the pinned release, anything
// else builds from source and says so; a refusal stays a failure.
func TestActionResolve(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in binaries these tests run are #!/bin/sh scripts, which Windows cannot run")
	}
	const releaseSHA = "0123456789abcdef0123456789abcdef01234567"
	const otherSHA = "fedcba9876543210fedcba9876543210fedcba98"
	standIn := []byte("#!/bin/sh\necho 'ccu-purge " + testVersion + " (commit " + releaseSHA + ", built 2026-12-01T00:00:00Z)'\n")
	resolve := actionSteps(t)["resolve"]
	if resolve.Run == "" || resolve.Env["ACTION_REF"] != "${{ github.action_ref }}" {
		t.Fatalf("no resolve step reading github.action_ref: %+v", resolve)
	}
	_, goarch, _ := hostPlatform()
	for _, tc := range []struct {
		name    string
		ref     string
		pinned  bool // pinned-checksums.txt beside install.sh
		tamper  bool
		build   bool   // want a source build
		says    string // in the log
		failure bool
		tagAt   string // the release tag's commit, in the action's repository
	}{
		{name: "release tag", ref: "v" + testVersion, pinned: true, says: "installed in "},
		{name: "major tag", ref: "v1", pinned: true, says: "installed in "},
		{name: "release tag without pinned checksums (a fork)", ref: "v" + testVersion, build: true, says: "'v" + testVersion + "' is not a release: building ccu-purge from the action's source"},
		{name: "pre-release tag not pinned", ref: "v" + testVersion + "-rc.1", pinned: true, failure: true, says: "no checksum for ccu-purge_" + testVersion + "-rc.1_"},
		{name: "the release commit's SHA", ref: releaseSHA, pinned: true, says: "installed in "},
		{name: "a SHA between releases", ref: otherSHA, pinned: true, build: true, says: "is not the commit of the pinned release"},
		// The tag is on the commit that records pinned-checksums.txt, a child
		// of the source commit the binary names (docs/releasing.md).
		{name: "the release tag's SHA", ref: otherSHA, pinned: true, tagAt: otherSHA, says: "installed in "},
		{name: "a SHA between releases, the tag elsewhere", ref: otherSHA, pinned: true, tagAt: strings.Repeat("5", 40), build: true, says: "is not the commit of the pinned release"},
		{name: "a SHA before any release", ref: otherSHA, build: true, says: "'" + otherSHA + "' is not a release: building ccu-purge from the action's source"},
		{name: "branch", ref: "main", pinned: true, build: true, says: "'main' is not a release: building ccu-purge from the action's source"},
		{name: "uses: ./", ref: "", pinned: true, build: true, says: "'./' is not a release"},
		{name: "tampered release asset", ref: "v" + testVersion, pinned: true, tamper: true, failure: true, says: "checksum mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRelease(t, testVersion, standIn)
			if tc.tamper {
				name, other := archive(t, testVersion, runtime.GOOS+"_"+goarch, []byte("#!/bin/sh\necho pwned\n"))
				os.WriteFile(filepath.Join(r.root, "v"+testVersion, name), other, 0o644)
			}
			actionPath := t.TempDir()
			script, _ := os.ReadFile("install.sh")
			os.WriteFile(filepath.Join(actionPath, "install.sh"), script, 0o644)
			goSum := []byte("example.com/m v1.0.0 h1:x=\n")
			os.WriteFile(filepath.Join(actionPath, "go.sum"), goSum, 0o644)
			if tc.pinned {
				sums, _ := os.ReadFile(r.sums)
				os.WriteFile(filepath.Join(actionPath, "pinned-checksums.txt"), sums, 0o644)
			}
			output := filepath.Join(t.TempDir(), "output")
			cache := t.TempDir()
			var remote []string
			if tc.tagAt != "" {
				// The action's repository as git ls-remote sees it, on disk:
				// an annotated tag v1.2.3 on tc.tagAt, a lightweight v1.2.30.
				server := t.TempDir()
				repo := filepath.Join(server, "ccu-purge", "ccu-purge")
				os.MkdirAll(filepath.Join(repo, "refs", "tags"), 0o755)
				os.WriteFile(filepath.Join(repo, "HEAD"), []byte("ref: refs/heads/main\n"), 0o644)
				os.WriteFile(filepath.Join(repo, "packed-refs"), []byte("# pack-refs with: peeled fully-peeled sorted\n"+
					strings.Repeat("e", 40)+" refs/tags/v"+testVersion+"\n^"+tc.tagAt+"\n"+
					releaseSHA+" refs/tags/v"+testVersion+"0\n"), 0o644)
				os.MkdirAll(filepath.Join(repo, "objects"), 0o755)
				remote = []string{"SERVER_URL=" + server, "ACTION_REPOSITORY=ccu-purge/ccu-purge"}
			}
			code, out := runStep(t, resolve.Run, append(remote, "ACTION_REF="+tc.ref, "GITHUB_ACTION_PATH="+actionPath, "GITHUB_OUTPUT="+output,
				"RUNNER_OS="+map[string]string{"linux": "Linux", "darwin": "macOS"}[runtime.GOOS], "RUNNER_ARCH="+map[string]string{"amd64": "X64", "arm64": "ARM64"}[goarch],
				"RUNNER_TOOL_CACHE="+cache, "CCU_PURGE_RELEASES_URL="+r.srv.URL)...)
			if (code != 0) != tc.failure || !strings.Contains(out, tc.says) {
				t.Fatalf("exit %d (want failure %v), log lacks %q:\n%s", code, tc.failure, tc.says, out)
			}
			got := readOutputs(t, output)
			if tc.failure {
				if len(got) != 0 {
					t.Errorf("a refused install set outputs %v: the action must fail, not build", got)
				}
				return
			}
			if (got["build"] == "true") != tc.build {
				t.Errorf("outputs %v, want build %v", got, tc.build)
			}
			if want := fmt.Sprintf("%x", sha256.Sum256(goSum)); tc.build && got["go-sum"] != want {
				t.Errorf("go-sum = %q, want the SHA-256 of the action's go.sum (the Go cache's key)", got["go-sum"])
			}
			if !tc.build {
				if want := filepath.Join(cache, "ccu-purge", testVersion, goarch, "ccu-purge"); got["bin"] != want {
					t.Errorf("bin = %q, want %q", got["bin"], want)
				}
			} else if got["bin"] != "" {
				t.Errorf("bin = %q for a source build", got["bin"])
			}
			if !tc.pinned && r.requests.Load() != 0 {
				t.Errorf("%d requests for a ref that is not a release", r.requests.Load())
			}
		})
	}
}

// The build step builds the action's own source (here with a go that only
// records its arguments) and hands the binary to the run step.
func TestActionBuildStep(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in binaries are #!/bin/sh scripts, which Windows cannot run")
	}
	build := actionSteps(t)["build"]
	if build.If != "steps.resolve.outputs.build == 'true'" {
		t.Errorf("build step if: %q", build.If)
	}
	fake := t.TempDir()
	args := filepath.Join(t.TempDir(), "args")
	os.WriteFile(filepath.Join(fake, "go"), []byte("#!/bin/sh\npwd >"+args+"\nprintf '%s\\n' \"$@\" >>"+args+"\n"), 0o755)
	actionPath, tmp, output := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "output")
	code, out := runStep(t, build.Run, "PATH="+fake+string(os.PathListSeparator)+os.Getenv("PATH"), "ACTION_REF=main",
		"GITHUB_ACTION_PATH="+actionPath, "GITHUB_OUTPUT="+output, "RUNNER_OS=Linux", "RUNNER_TEMP="+tmp)
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	got, _ := os.ReadFile(args)
	want := filepath.Join(tmp, "ccu-purge-source", "ccu-purge")
	for _, w := range []string{actionPath + "\n", "build\n", "-trimpath\n", "cli.Version=source-main", want + "\n", ".\n"} {
		if !strings.Contains(string(got), w) {
			t.Errorf("go was not run with %q (in the action's directory): %s", w, got)
		}
	}
	if o := readOutputs(t, output); o["bin"] != want {
		t.Errorf("outputs %v, want bin=%s", o, want)
	}
}

// The run step hands every input to the tool, dashes and all (bash keeps
// variables such as INPUT_CLIENT-TOKEN in the environment it passes on,
// where dash would drop them; the tool itself is a Go binary).
func TestActionRunStepPassesInputs(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in binaries are #!/bin/sh scripts, which Windows cannot run")
	}
	run := actionSteps(t)["run"]
	dump := filepath.Join(t.TempDir(), "ccu-purge")
	envFile := filepath.Join(t.TempDir(), "env")
	// bash, not sh: dash would drop the dashed names on its own way to env.
	os.WriteFile(dump, []byte("#!/usr/bin/env bash\necho \"args: $*\" >"+envFile+"\nenv >>"+envFile+"\n"), 0o755)
	env := []string{"CCU_PURGE_BIN=" + dump}
	var want []string
	for k, v := range run.Env {
		if strings.HasPrefix(k, "INPUT_") {
			m := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`).FindStringSubmatch(v)
			if m == nil {
				t.Fatalf("%s: %q is not ${{ inputs.NAME }}", k, v)
			}
			env = append(env, k+"=value of "+m[1])
			want = append(want, k+"=value of "+m[1])
		}
	}
	if len(want) < 10 {
		t.Fatalf("only %d inputs passed", len(want))
	}
	if code, out := runStep(t, run.Run, env...); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	got, _ := os.ReadFile(envFile)
	if !strings.HasPrefix(string(got), "args: action\n") {
		t.Errorf("the tool was not run as \"ccu-purge action\": %q", strings.SplitN(string(got), "\n", 2)[0])
	}
	for _, w := range want {
		if !strings.Contains(string(got), "\n"+w+"\n") {
			t.Errorf("the tool did not get %s", w)
		}
	}
}

// The release commit pins one version in two places: pinned-checksums.txt
// (what the composite action installs) and docker/action.yml's image tag.
// Between releases, without a pinned file, the image tag is the 0.0.0
// placeholder. The release workflow compares this version with the tag.
func TestReleasePinsAgree(t *testing.T) {
	data, err := os.ReadFile("docker/action.yml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^  image: docker://ghcr\.io/ccu-purge/ccu-purge:(\S+)$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("docker/action.yml has no image: docker://ghcr.io/ccu-purge/ccu-purge:VERSION")
	}
	image := string(m[1])
	sums, err := os.ReadFile("pinned-checksums.txt")
	if errors.Is(err, os.ErrNotExist) {
		if image != "0.0.0" {
			t.Errorf("docker/action.yml pins %s, but there is no pinned-checksums.txt: between releases it is 0.0.0", image)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]bool{}
	for _, v := range regexp.MustCompile(`(?m)^[0-9a-f]{64}  ccu-purge_([^_\s]+)_[a-z]+_[a-z0-9]+\.(?:tar\.gz|zip)$`).FindAllSubmatch(sums, -1) {
		versions[string(v[1])] = true
	}
	if len(versions) != 1 || !versions[image] {
		t.Errorf("pinned-checksums.txt lists archives of %v, docker/action.yml pins %s: one release, the same in both", versions, image)
	}
}
