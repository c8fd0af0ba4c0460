package ccu

import (
	"errors"
	"fmt"

	"github.com/akamai/AkamaiOPEN-edgegrid-golang/v13/pkg/edgegrid"
)

// DefaultSection is the .edgerc section read when none is named, as
// Akamai's own purge CLI does; "default" is tried after it.
const DefaultSection = "ccu"

// ErrNoCredentials is wrapped when no credentials could be loaded.
var ErrNoCredentials = errors.New("no Akamai API credentials")

// LoadCredentials reads EdgeGrid credentials with edgegrid-golang:
// AKAMAI_{SECTION}_* variables first (AKAMAI_* for "default"), then the
// section of the .edgerc file. When the section was not named explicitly
// (explicit false) and "ccu" is found nowhere, "default" is used.
func LoadCredentials(edgerc, section string, explicit bool) (*edgegrid.Config, error) {
	cfg, err := edgegrid.New(edgegrid.WithEnv(true), edgegrid.WithFile(edgerc), edgegrid.WithSection(section))
	if err != nil && !explicit && section == DefaultSection && missingSection(err) {
		if cfg, err2 := edgegrid.New(edgegrid.WithEnv(true), edgegrid.WithFile(edgerc), edgegrid.WithSection("default")); err2 == nil {
			return validate(cfg, edgerc, "default")
		}
	}
	if err != nil {
		return nil, explain(err, edgerc, section)
	}
	return validate(cfg, edgerc, section)
}

func validate(cfg *edgegrid.Config, edgerc, section string) (*edgegrid.Config, error) {
	if err := cfg.Validate(); err != nil {
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
	case errors.Is(err, edgegrid.ErrLoadingFile):
		return fmt.Errorf("%w: cannot read %s and %s variables are not set (create the file from an Akamai API client with CCU access, pass --edgerc FILE, or set %s)", ErrNoCredentials, edgerc, env, env)
	case errors.Is(err, edgegrid.ErrSectionDoesNotExist):
		return fmt.Errorf("%w: %s has no [%s] section (add one, or choose another with --section NAME)", ErrNoCredentials, edgerc, section)
	case errors.Is(err, edgegrid.ErrRequiredOptionEdgerc):
		return fmt.Errorf("%w: section [%s] of %s lacks a field: %v (it needs host, client_token, client_secret and access_token)", ErrNoCredentials, section, edgerc, errors.Unwrap(err))
	}
	return fmt.Errorf("%w: %v", ErrNoCredentials, err)
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
