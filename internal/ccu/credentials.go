package ccu

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
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
	// Getenv reads the run's environment: the AKAMAI_* variables and HOME
	// (for a leading "~/" in Edgerc). nil reads the process environment.
	Getenv func(string) string
}

// Host is the credentials' API host (the Akamai account) when wanted, for
// a state file's key; "" when not wanted, or when no credentials load, as
// for a plan without them.
func Host(src Source, wanted bool) string {
	if !wanted {
		return ""
	}
	cfg, err := LoadCredentials(src)
	if err != nil {
		return ""
	}
	return cfg.Host
}

// LoadCredentials reads EdgeGrid credentials: AKAMAI_{SECTION}_* variables
// first (AKAMAI_* for "default") unless FileOnly, then the section of the
// .edgerc file, read with edgegrid-golang. When the section was not named
// and "ccu" is found nowhere, "default" is used.
func LoadCredentials(src Source) (*edgegrid.Config, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	edgerc, section := src.Edgerc, src.Section
	file := expandHome(edgerc, getenv)
	load := func(section string) (*edgegrid.Config, error) {
		if !src.FileOnly {
			if cfg, err := fromEnv(getenv, section); cfg != nil || err != nil {
				return cfg, err
			}
		}
		return edgegrid.New(edgegrid.WithEnv(false), edgegrid.WithFile(file), edgegrid.WithSection(section))
	}
	cfg, err := load(section)
	if errors.Is(err, errPartialEnv) {
		return nil, err
	}
	if err != nil && !src.SectionSet && section == DefaultSection && missingSection(err) {
		cfg, err2 := load("default")
		switch {
		case err2 == nil:
			return validate(cfg, edgerc, "default")
		case errors.Is(err2, errPartialEnv):
			return nil, err2
		}
	}
	if err != nil {
		return nil, explain(err, edgerc, section, exists(file))
	}
	return validate(cfg, edgerc, section)
}

// errPartialEnv is wrapped when some of a section's variables are set and
// others are not.
var errPartialEnv = fmt.Errorf("%w: only some of the AKAMAI_* variables are set", ErrNoCredentials)

// envFields are the variables a section's credentials need, in order.
var envFields = []string{"HOST", "CLIENT_TOKEN", "CLIENT_SECRET", "ACCESS_TOKEN"}

// fromEnv reads the section's credentials from AKAMAI_{SECTION}_HOST,
// _CLIENT_TOKEN, _CLIENT_SECRET and _ACCESS_TOKEN (AKAMAI_HOST… for
// "default"), all four required, and the optional _MAX_BODY and
// _ACCOUNT_KEY, as edgegrid-golang's Config.FromEnv does. It is ours
// because FromEnv reads only the process environment (os.LookupEnv), and
// the run's environment is getenv, so tests can run side by side. It
// returns nil, nil when none of the four is set, for the .edgerc to be
// read. getenv cannot tell a variable set to "" from an unset one, and a
// CI secret that is missing expands to "", so some set and others empty
// is an error: falling back to the file would purge with whatever
// account the file holds.
func fromEnv(getenv func(string) string, section string) (*edgegrid.Config, error) {
	prefix := "AKAMAI_" + strings.ToUpper(section) + "_"
	if section == edgegrid.DefaultSection {
		prefix = "AKAMAI_"
	}
	var values, empty []string
	for _, f := range envFields {
		v := getenv(prefix + f)
		values = append(values, v)
		if v == "" {
			empty = append(empty, prefix+f)
		}
	}
	switch len(empty) {
	case len(envFields):
		return nil, nil
	case 0:
	default:
		return nil, fmt.Errorf("%w: %s empty or unset while the other %s variables are set: set all four (%s_HOST, _CLIENT_TOKEN, _CLIENT_SECRET, _ACCESS_TOKEN), or none to read the .edgerc", errPartialEnv, strings.Join(empty, ", "), strings.TrimSuffix(prefix, "_"), strings.TrimSuffix(prefix, "_"))
	}
	cfg := &edgegrid.Config{Host: values[0], ClientToken: values[1], ClientSecret: values[2], AccessToken: values[3]}
	cfg.MaxBody, _ = strconv.Atoi(getenv(prefix + "MAX_BODY"))
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = edgegrid.MaxBodySize
	}
	cfg.AccountKey = getenv(prefix + "ACCOUNT_KEY")
	return cfg, nil
}

// expandHome reads a leading "~/" in path as the HOME getenv gives. Without
// HOME (Windows has USERPROFILE), path is left for edgegrid-golang and
// exists to expand from the process, as they always have.
func expandHome(path string, getenv func(string) string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok && getenv("HOME") != "" {
		return filepath.Join(getenv("HOME"), rest)
	}
	return path
}

func validate(cfg *edgegrid.Config, edgerc, section string) (*edgegrid.Config, error) {
	if err := cfg.Validate(); err != nil || !bareHost(cfg.Host) {
		return nil, fmt.Errorf("%w: section [%s] of %s: host must be a bare host name such as akab-xxxx.purge.akamaiapis.net, without https:// or a trailing /", ErrNoCredentials, section, edgerc)
	}
	if err := hostPort(cfg.Host); err != nil {
		return nil, fmt.Errorf("%w: section [%s] of %s: host: %w", ErrNoCredentials, section, edgerc, err)
	}
	if tokenLike(cfg.Host) {
		// Never quoted: with the lines swapped, it is a token.
		return nil, fmt.Errorf("%w: section [%s] of %s: host is not a host name (it has no dot): check that host holds the API host, such as akab-xxxx.purge.akamaiapis.net, and was not swapped with client_token or access_token", ErrNoCredentials, section, edgerc)
	}
	return cfg, nil
}

// hostPort checks what bareHost lets through: an IPv6 address must be in
// brackets (the client writes "https://"+host, and Go reads an
// unbracketed "::1:8443" as no host at all, failing every batch), and a
// port must be a number from 1 to 65535.
func hostPort(h string) error {
	if strings.Count(h, ":") > 1 && !strings.HasPrefix(h, "[") {
		return fmt.Errorf("write an IPv6 host in brackets: %s", bracketed(h))
	}
	name, port, err := net.SplitHostPort(h)
	if err != nil {
		if strings.ContainsAny(h, "[]") && !(strings.HasPrefix(h, "[") && strings.HasSuffix(h, "]") && net.ParseIP(h[1:len(h)-1]) != nil) {
			return errors.New("brackets are only for an IPv6 address, as in [::1]:8443")
		}
		return nil // no port: a plain name, or "[v6]"
	}
	if strings.HasPrefix(h, "[") && net.ParseIP(name) == nil {
		return errors.New("brackets are only for an IPv6 address, as in [::1]:8443")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return errors.New("the port after the last ':' must be a number from 1 to 65535")
	}
	return nil
}

// bracketed suggests the bracketed form of an unbracketed IPv6 host:
// "::1:8443" reads as address ::1 and port 8443 when that split gives an
// address, which is how people write a local test server. Only an
// address is echoed; anything else (a secret in the wrong line, say) gets
// the form, not the value.
func bracketed(h string) string {
	i := strings.LastIndexByte(h, ':')
	if _, err := strconv.Atoi(h[i+1:]); err == nil && i > 0 && net.ParseIP(h[:i]) != nil {
		return "[" + h[:i] + "]:" + h[i+1:]
	}
	if net.ParseIP(h) != nil {
		return "[" + h + "]"
	}
	return "[ADDRESS]:PORT"
}

// tokenLike reports a host that cannot be Akamai's: every API host has a
// dot (akab-….purge.akamaiapis.net), a token or secret has none. Such a
// host would otherwise go to DNS, whose error quotes it. localhost and a
// bracketed IPv6 address pass: the simulator listens there.
func tokenLike(h string) bool {
	name := h
	if i := strings.LastIndexByte(h, ':'); i >= 0 && !strings.HasPrefix(h, "[") {
		name = h[:i]
	}
	return !strings.Contains(name, ".") && !strings.EqualFold(name, "localhost") && !strings.HasPrefix(h, "[")
}

// Secrets are the values of cfg that must never be shown: its tokens and
// its secret. The host is not one: messages name it.
func Secrets(cfg *edgegrid.Config) []string {
	return []string{cfg.ClientToken, cfg.ClientSecret, cfg.AccessToken}
}

// bareHost reports a host name with an optional port and nothing else:
// the client puts it between "https://" and the path, so a scheme, a
// slash, a user, a space or a control character there would send the
// signed request somewhere else or nowhere.
func bareHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']') {
			return false
		}
	}
	return true
}

func missingSection(err error) bool {
	return errors.Is(err, edgegrid.ErrSectionDoesNotExist) || errors.Is(err, edgegrid.ErrLoadingFile)
}

// explain turns edgegrid-golang's errors into one that says what to do. It
// never includes values read from the file, only names.
func explain(err error, edgerc, section string, found bool) error {
	env := "AKAMAI_" + strings.ToUpper(section) + "_*"
	if section == "default" {
		env = "AKAMAI_*"
	}
	switch {
	case errors.Is(err, edgegrid.ErrLoadingFile) && !found:
		return fmt.Errorf("%w: %s does not exist and %s variables are not set (create the file from an Akamai API client with CCU access, pass --edgerc FILE, or set %s)", ErrNoCredentials, edgerc, env, env)
	case errors.Is(err, edgegrid.ErrLoadingFile):
		// ini's own message quotes the offending line, which may hold a secret.
		return fmt.Errorf("%w: cannot parse %s: check its INI syntax ([section] headers, one key = value per line)", ErrNoCredentials, edgerc)
	case errors.Is(err, edgegrid.ErrSectionDoesNotExist):
		return fmt.Errorf("%w: %s has no [%s] section (add one, or choose another with --section NAME)", ErrNoCredentials, edgerc, section)
	case errors.Is(err, edgegrid.ErrRequiredOptionEdgerc):
		return fmt.Errorf("%w: section [%s] of %s lacks a field: %v (it needs host, client_token, client_secret and access_token)", ErrNoCredentials, section, edgerc, errors.Unwrap(err))
	}
	// Other failures (a value of the wrong type for max_body, say) come
	// with ini's text, which quotes values: say what kind of failure it
	// is, never the text.
	return fmt.Errorf("%w: cannot read section [%s] of %s: check that max_body and request_limit are whole numbers and debug is true or false", ErrNoCredentials, section, edgerc)
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

// PermissionWarning returns a one-line warning when the .edgerc file at
// path ("~/" read with getenv's HOME, as LoadCredentials reads it) can be
// read or written by other users than its owner, as
// ssh does for private keys: the file holds an API client's secret. It
// returns "" when the mode is fine, the file does not exist, or the
// system has no Unix permissions (Windows).
func PermissionWarning(path string, getenv func(string) string) string {
	if runtime.GOOS == "windows" {
		return ""
	}
	full := expandHome(path, getenv) // the file LoadCredentials read
	if rest, ok := strings.CutPrefix(full, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		full = filepath.Join(home, rest)
	}
	fi, err := os.Stat(full)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	return fmt.Sprintf("warning: %s holds API credentials but other users can access it (mode %04o): run chmod 600 %s", path, fi.Mode().Perm(), shellQuote(path))
}

// shellQuote quotes p for a POSIX shell when it needs it, so the advice
// can be pasted as it is.
func shellQuote(p string) string {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("/._-+~", c) >= 0) {
			return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
		}
	}
	return p
}
