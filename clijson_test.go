package main

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"text/template"

	"gopkg.in/yaml.v3"
)

// akamaiPackage is the part of cli.json the Akamai CLI reads
// (akamai/cli pkg/commands: subcommands and command).
type akamaiPackage struct {
	Requirements struct {
		Go string `json:"go"`
	} `json:"requirements"`
	Commands []struct {
		Name         string `json:"name"`
		Version      string `json:"version"`
		Description  string `json:"description"`
		Bin          string `json:"bin"`
		AutoComplete bool   `json:"auto-complete"`
	} `json:"commands"`
}

// akamaiBinData is what the Akamai CLI fills cli.json's bin template with
// (downloadBin: runtime.GOOS with darwin renamed mac, runtime.GOARCH, .exe
// on Windows, and the command's name and version).
type akamaiBinData struct {
	Name, Version, OS, Arch, BinSuffix string
}

// goreleaserConfig is the part of .goreleaser.yaml that names the plain
// executables and where the release is published.
type goreleaserConfig struct {
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID     string   `yaml:"id"`
		Goos   []string `yaml:"goos"`
		Goarch []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		ID           string   `yaml:"id"`
		NameTemplate string   `yaml:"name_template"`
		Formats      []string `yaml:"formats"`
	} `yaml:"archives"`
	Release struct {
		GitHub struct {
			Owner string `yaml:"owner"`
			Name  string `yaml:"name"`
		} `yaml:"github"`
	} `yaml:"release"`
}

// goreleaserData holds the template fields GoReleaser gives an archive's
// name_template for one binary (internal/tmpl: .ProjectName, .Version
// without the tag's v, .Os, .Arch).
type goreleaserData struct {
	ProjectName, Version, Os, Arch string
}

func readCLIJSON(t *testing.T) akamaiPackage {
	t.Helper()
	data, err := os.ReadFile("cli.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p akamaiPackage
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("cli.json: %v", err)
	}
	return p
}

func readGoreleaser(t *testing.T) goreleaserConfig {
	t.Helper()
	data, err := os.ReadFile(".goreleaser.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c goreleaserConfig
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return c
}

func fill(t *testing.T, name, text string, data any) string {
	t.Helper()
	tmpl, err := template.New(name).Option("missingkey=error").Parse(text)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, data); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return b.String()
}

// `akamai install ccu-purge/ccu-purge` downloads the URL cli.json's bin
// template gives for the user's platform: for each of the six platforms
// GoReleaser builds, that URL must name the plain executable the release
// uploads, under the release of tag v<version>.
func TestCLIJSONMatchesReleaseAssets(t *testing.T) {
	pkg := readCLIJSON(t)
	rel := readGoreleaser(t)
	if len(pkg.Commands) != 1 {
		t.Fatalf("cli.json has %d commands, want 1", len(pkg.Commands))
	}
	cmd := pkg.Commands[0]
	if cmd.Name != "ccu-purge" || cmd.Description == "" {
		t.Errorf("command name %q, description %q: want ccu-purge and a description", cmd.Name, cmd.Description)
	}
	// The release workflow refuses a tag whose version differs from this.
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(cmd.Version) {
		t.Errorf("cli.json version %q: want X.Y.Z, the release's tag without its v", cmd.Version)
	}
	gomod, _ := os.ReadFile("go.mod")
	if m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(gomod); m == nil || string(m[1]) != pkg.Requirements.Go {
		t.Errorf("cli.json requirements.go %q: want go.mod's go version %q (the Akamai CLI builds from source with it when the download fails)", pkg.Requirements.Go, m)
	}

	var akamai string
	for _, a := range rel.Archives {
		if len(a.Formats) == 1 && a.Formats[0] == "binary" {
			akamai = a.NameTemplate
		}
	}
	if akamai == "" {
		t.Fatal(".goreleaser.yaml has no archive with formats: [binary] (the Akamai CLI's plain executables)")
	}
	if len(rel.Builds) != 1 {
		t.Fatalf(".goreleaser.yaml has %d builds, want 1", len(rel.Builds))
	}
	prefix := "https://github.com/" + rel.Release.GitHub.Owner + "/" + rel.Release.GitHub.Name + "/releases/download/v" + cmd.Version + "/"
	platforms := 0
	for _, goos := range rel.Builds[0].Goos {
		for _, goarch := range rel.Builds[0].Goarch {
			platforms++
			// GoReleaser: the name template, then the binary's extension.
			asset := fill(t, "goreleaser", akamai, goreleaserData{rel.ProjectName, cmd.Version, goos, goarch})
			if goos == "windows" {
				asset += ".exe"
			}
			// The Akamai CLI.
			d := akamaiBinData{Name: strings.ToLower(cmd.Name), Version: cmd.Version, OS: goos, Arch: goarch}
			if d.OS == "darwin" {
				d.OS = "mac"
			}
			if d.OS == "windows" {
				d.BinSuffix = ".exe"
			}
			url := fill(t, "cli.json bin", cmd.Bin, d)
			if url != prefix+asset {
				t.Errorf("%s/%s: the Akamai CLI downloads\n  %s\nbut the release holds\n  %s", goos, goarch, url, prefix+asset)
			}
			want := "akamai-ccu-purge-" + cmd.Version + "-" + d.OS + goarch + d.BinSuffix
			if asset != want {
				t.Errorf("%s/%s: GoReleaser names the executable %q, want %q", goos, goarch, asset, want)
			}
		}
	}
	if platforms != 6 {
		t.Errorf("GoReleaser builds %d platforms, want linux, darwin, windows × amd64, arm64", platforms)
	}
}
