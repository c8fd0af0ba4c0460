package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// dockerInstr is one instruction of a parsed Dockerfile.
type dockerInstr struct {
	cmd   string   // lower case: from, run, copy, …
	words []string // its arguments
	json  bool     // exec (JSON) form
}

// parseDockerfile parses a Dockerfile with BuildKit's own parser.
func parseDockerfile(t *testing.T, name string) []dockerInstr {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("BuildKit cannot parse %s: %v", name, err)
	}
	var out []dockerInstr
	for _, n := range res.AST.Children {
		in := dockerInstr{cmd: strings.ToLower(n.Value), json: n.Attributes["json"]}
		for x := n.Next; x != nil; x = x.Next {
			in.words = append(in.words, x.Value)
		}
		out = append(out, in)
	}
	return out
}

// There is no Docker engine in CI, so the Dockerfile is kept correct by
// parsing it with BuildKit's parser and checking what the image must be:
// the prebuilt binary copied onto a digest-pinned Alpine, nothing compiled.
func TestDockerfile(t *testing.T) {
	var froms, runs, copies, entrypoint, user []string
	labels := map[string]bool{}
	for _, in := range parseDockerfile(t, "Dockerfile") {
		switch in.cmd {
		case "from":
			froms = append(froms, strings.Join(in.words, " "))
		case "run":
			runs = append(runs, strings.Join(in.words, " "))
		case "copy":
			copies = append(copies, strings.Join(in.words, " "))
		case "label":
			for i := 0; i+1 < len(in.words); i += 3 { // key, value, separator
				labels[in.words[i]] = true
			}
		case "entrypoint":
			if !in.json {
				t.Errorf("ENTRYPOINT is in shell form: use exec form so signals reach ccu-purge")
			}
			entrypoint = in.words
		case "user":
			user = in.words
		}
	}
	// One stage, FROM a digest: a rebuilt tag cannot change a release.
	// Alpine brings /bin/sh (GitLab runs job scripts through it) and cat
	// (Jenkins' inside() keeps the container alive with it).
	if len(froms) != 1 || !regexp.MustCompile(`^alpine:\d+\.\d+@sha256:[0-9a-f]{64}$`).MatchString(froms[0]) {
		t.Errorf("FROM %q: want one stage, alpine:X.Y@sha256:<digest>", froms)
	}
	for _, r := range runs {
		if regexp.MustCompile(`\bgo (build|install|mod)\b`).MatchString(r) {
			t.Errorf("RUN %q compiles in Docker: the image copies the prebuilt binary", r)
		}
	}
	if !strings.Contains(strings.Join(runs, "\n"), "ca-certificates") {
		t.Errorf("the image does not install CA certificates: TLS to Akamai would fail")
	}
	// dockers_v2 and `make image` put each platform's binary at
	// <os>/<arch>/ccu-purge, which is what TARGETPLATFORM names.
	if len(copies) != 1 || copies[0] != "${TARGETPLATFORM}/ccu-purge /usr/local/bin/ccu-purge" {
		t.Errorf("COPY %q: want the prebuilt ${TARGETPLATFORM}/ccu-purge only", copies)
	}
	for _, l := range []string{"org.opencontainers.image.source", "org.opencontainers.image.revision", "org.opencontainers.image.version"} {
		if !labels[l] {
			t.Errorf("no LABEL %s (have %v)", l, labels)
		}
	}
	if len(entrypoint) != 1 || entrypoint[0] != "/usr/local/bin/ccu-purge" {
		t.Errorf("ENTRYPOINT = %q", entrypoint)
	}
	src, _ := os.ReadFile("Dockerfile")
	if len(user) != 1 || user[0] != "root" || !strings.Contains(string(src), "GitHub runs Docker actions as root") {
		t.Errorf("USER = %q: GitHub needs root for Docker actions, with a comment saying why", user)
	}
}

// Build contexts leave out history, builds and generated repositories.
func TestDockerignore(t *testing.T) {
	data, err := os.ReadFile(".dockerignore")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		have[strings.TrimSpace(l)] = true
	}
	for _, want := range []string{".git", "bin/", "dist/", "testdata/repos/*.git"} {
		if !have[want] {
			t.Errorf(".dockerignore lacks %q", want)
		}
	}
}
