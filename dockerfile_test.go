package main

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// There is no Docker engine in CI, so the Dockerfile is kept correct by
// parsing it with BuildKit's own parser and checking what the image must be.
func TestDockerfile(t *testing.T) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		t.Fatalf("BuildKit cannot parse the Dockerfile: %v", err)
	}
	var stages []string
	var runs, entrypoint, user []string
	for _, n := range res.AST.Children {
		words := []string{}
		for x := n.Next; x != nil; x = x.Next {
			words = append(words, x.Value)
		}
		switch strings.ToLower(n.Value) {
		case "from":
			stages = append(stages, strings.Join(words, " "))
			runs, entrypoint, user = nil, nil, nil // only the final stage's count
		case "run":
			runs = append(runs, strings.Join(words, " "))
		case "entrypoint":
			if n.Attributes["json"] {
				entrypoint = words
			} else {
				t.Errorf("ENTRYPOINT is in shell form: use exec form so signals reach ccu-purge")
			}
		case "user":
			user = words
		}
	}
	if len(stages) < 2 {
		t.Fatalf("want a multi-stage build, got stages %q", stages)
	}
	src, _ := os.ReadFile("Dockerfile")
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "-s -w", "cli.Version="} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the build stage lacks %q: the binary must be static, reproducible and stamped", want)
		}
	}
	final := stages[len(stages)-1]
	// Alpine brings /bin/sh (GitLab runs job scripts through it) and cat
	// (Jenkins' inside() keeps the container alive with it).
	if !regexp.MustCompile(`^alpine:\d`).MatchString(final) {
		t.Errorf("final stage FROM %q: want a pinned alpine, which has sh and cat", final)
	}
	if !strings.Contains(strings.Join(runs, "\n"), "ca-certificates") {
		t.Errorf("the final stage does not install CA certificates: TLS to Akamai would fail")
	}
	if len(entrypoint) != 1 || entrypoint[0] != "/usr/local/bin/ccu-purge" {
		t.Errorf("ENTRYPOINT = %q", entrypoint)
	}
	if len(user) != 1 || user[0] != "root" || !strings.Contains(string(src), "GitHub runs Docker actions as root") {
		t.Errorf("USER = %q: GitHub needs root for Docker actions, with a comment saying why", user)
	}
}
