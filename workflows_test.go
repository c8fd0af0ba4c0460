package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// pinnedUses is a third-party action pinned by full commit SHA, with the
// release it is named in a comment: owner/repo[/path]@<40 hex> # vX.Y.Z.
var (
	pinnedUses = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$`)
	versionTag = regexp.MustCompile(`^#\s*v\d+\.\d+\.\d+\b`)
)

// usesNodes returns every `uses:` value node of a parsed YAML document.
func usesNodes(n *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "uses" && n.Content[i+1].Kind == yaml.ScalarNode {
				out = append(out, n.Content[i+1])
			}
		}
	}
	for _, c := range n.Content {
		out = append(out, usesNodes(c)...)
	}
	return out
}

// checkPins lists the `uses:` of a workflow or action file that reference
// a third-party action by tag or branch: a tag can be moved to other code,
// a commit SHA cannot (GitHub's hardening guide).
func checkPins(name string, data []byte) []string {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return []string{name + ": " + err.Error()}
	}
	var bad []string
	for _, u := range usesNodes(&doc) {
		v := u.Value
		switch {
		case strings.HasPrefix(v, "./"), strings.HasPrefix(v, "docker://"):
			// the repository's own actions; images are pinned in their own files
		case !pinnedUses.MatchString(v):
			bad = append(bad, fmt.Sprintf("%s:%d: %s is not pinned by full commit SHA (owner/repo@<40 hex> # vX.Y.Z)", name, u.Line, v))
		case !versionTag.MatchString(u.LineComment):
			bad = append(bad, fmt.Sprintf("%s:%d: %s lacks a '# vX.Y.Z' comment naming its release", name, u.Line, v))
		}
	}
	return bad
}

// Every workflow and action file pins third-party actions by SHA
// (`make lint` runs this test beside actionlint).
func TestActionPins(t *testing.T) {
	files, _ := filepath.Glob(".github/workflows/*.yml")
	if len(files) == 0 {
		t.Fatal("no workflows in .github/workflows")
	}
	for _, f := range []string{"action.yml", "docker/action.yml"} {
		if _, err := os.Stat(f); err == nil {
			files = append(files, f)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range checkPins(f, data) {
			t.Error(msg)
		}
	}
}

// The check itself: a tag, a branch, a short SHA and a missing comment are
// refused; a pinned action, a local action and an image are not.
func TestCheckPins(t *testing.T) {
	for _, tc := range []struct {
		name, uses string
		bad        bool
	}{
		{"pinned", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1", false},
		{"pinned path", "anchore/sbom-action/download-syft@e22c389904149dbc22b58101806040fa8d37a610 # v0.24.0", false},
		{"local", "./", false},
		{"local dir", "./docker", false},
		{"image", "docker://alpine:3.21", false},
		{"tag", "actions/checkout@v4", true},
		{"branch", "actions/checkout@main", true},
		{"short sha", "actions/checkout@3d3c42e # v7.0.1", true},
		{"no comment", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1", true},
		{"not a version comment", "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # latest", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := "jobs:\n  a:\n    steps:\n      - uses: " + tc.uses + "\n"
			if bad := checkPins("w.yml", []byte(doc)); (len(bad) > 0) != tc.bad {
				t.Errorf("checkPins(%q) = %q, want refused=%v", tc.uses, bad, tc.bad)
			}
		})
	}
}
