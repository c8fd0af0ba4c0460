package ccu

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
)

// DefaultSection is the .edgerc section read when none is named, as
// Akamai's own purge CLI does; "default" is tried after it.
const DefaultSection = "ccu"

// ErrNoCredentials is wrapped when no credentials could be loaded.
var ErrNoCredentials = errors.New("no Akamai API credentials")

// Source says where credentials may come from.
type Source struct {
	Edgerc  string // the .edgerc file
	Section string
	// FileOnly is set when --edgerc was given: the named file then wins
	// over AKAMAI_* variables (flags > environment > file), which also keeps
	// a developer's real credentials out of runs aimed at the simulator.
	FileOnly bool
	// SectionSet is set when --section was given: no fallback to "default".
	SectionSet bool
}

// LoadCredentials reads EdgeGrid credentials with edgegrid-golang:
// AKAMAI_{SECTION}_* variables first (AKAMAI_* for "default") unless
// FileOnly, then the section of the .edgerc file. When the section was not
// named and "ccu" is found nowhere, "default" is used.
func LoadCredentials(src Source) (*edgegrid.Config, error) {
	edgerc, section := src.Edgerc, src.Section
	load := func(section string) (*edgegrid.Config, error) {
		return edgegrid.New(edgegrid.WithEnv(!src.FileOnly), edgegrid.WithFile(edgerc), edgegrid.WithSection(section))
	}
	cfg, err := load(section)
	if err != nil && !src.SectionSet && section == DefaultSection && missingSection(err) {
		if cfg, err2 := load("default"); err2 == nil {
			return validate(cfg, edgerc, "default")
		}
	}
	if err != nil {
		return nil, explain(err, edgerc, section)
	}
	return validate(cfg, edgerc, section)
}

func validate(cfg *edgegrid.Config, edgerc, section string) (*edgegrid.Config, error) {
	if err := cfg.Validate(); err != nil || strings.Contains(cfg.Host, "/") || cfg.Host == "" {
		return nil, fmt.Errorf("%w: section [%s] of %s: host must be a bare host name such as akab-xxxx.purge.akamaiapis.net, without https:// or a trailing /", ErrNoCredentials, section, edgerc)
	}
	return cfg, nil
}

func missingSection(err error) bool {
	return errors.Is(err, edgegrid.ErrSectionDoesNotExist) || errors.Is(err, edgegrid.ErrLoadingFile)
}

// explain turns edgegrid-golang's errors into one that says what to do. It
// never includes values read from the file, only names.
func explain(err error, edgerc, section string) error {
	env := "AKAMAI_" + upper(section) + "_*"
	if section == "default" {
		env = "AKAMAI_*"
	}
	switch {
	case errors.Is(err, edgegrid.ErrLoadingFile) && !exists(edgerc):
		return fmt.Errorf("%w: %s does not exist and %s variables are not set (create the file from an Akamai API client with CCU access, pass --edgerc FILE, or set %s)", ErrNoCredentials, edgerc, env, env)
	case errors.Is(err, edgegrid.ErrLoadingFile):
		// ini's own message quotes the offending line, which may hold a secret.
		return fmt.Errorf("%w: cannot parse %s: check its INI syntax ([section] headers, one key = value per line)", ErrNoCredentials, edgerc)
	case errors.Is(err, edgegrid.ErrSectionDoesNotExist):
		return fmt.Errorf("%w: %s has no [%s] section (add one, or choose another with --section NAME)", ErrNoCredentials, edgerc, section)
	case errors.Is(err, edgegrid.ErrRequiredOptionEdgerc):
		return fmt.Errorf("%w: section [%s] of %s lacks a field: %v (it needs host, client_token, client_secret and access_token)", ErrNoCredentials, section, edgerc, errors.Unwrap(err))
	}
	return fmt.Errorf("%w: %v", ErrNoCredentials, err)
}

func exists(path string) bool {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return false
		}
		path = home + "/" + rest
	}
	_, err := os.Stat(path)
	return err == nil
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
