package mapper

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/suggest"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// VerifyConfig is the verify: section: how `ccu-purge verify` and
// `purge --verify` check that the edge serves what was deployed. It is
// plain data, validated at load; a zero field means unset, so the caller
// layers its flags over it and its defaults under it.
type VerifyConfig struct {
	Sample  string // all, N or P%, as written (verify.ParseSample accepts it)
	Seed    int64
	SeedSet bool // seed: 0 is a seed too
	Timeout time.Duration
	// Concurrency is the most requests in flight per host, 1–64.
	Concurrency int
	OnStale     string // "", warn or fail
	// SiteDir is the build output the site is served from, relative to
	// the repository root, slash-separated and cleaned.
	SiteDir string
	// BasePath is the site's path under its host ("/docs"), with no
	// trailing slash but for "/" itself.
	BasePath string
	// Origin is the origin's root URL, scheme and host lower case,
	// punycode, no trailing slash.
	Origin string
	// Debug is auto, pragma, enhanced or off, lower case.
	Debug string
	// StagingEdge is the edge host name requests go to on network:
	// staging (the caller turns it into a ConnectTo per host).
	StagingEdge string
	ConnectTo   []verify.ConnectTo
	// Hosts are the hosts redirects may go to, lower case, punycode.
	Hosts     []string
	Normalize []verify.Normalizer
	// Set says the section was present, even empty.
	Set bool
}

// MaxNormalizePatterns bounds the strip patterns of verify.normalize:
// each runs over every checked body, twice (the edge's and the deployed
// one), so thousands would make a verification of 1,000 URLs crawl.
const MaxNormalizePatterns = 256

// maxVerifyTimeout bounds verify.timeout: a purge completes in seconds,
// and a CI job waiting hours for a stale URL is a stuck deploy.
const maxVerifyTimeout = time.Hour

// secretHint is the refusal of a key under verify: that looks like a
// secret. The value is never quoted: the error goes to CI logs.
const secretHint = "the Enhanced Debug key is a secret: never commit it; set AKAMAI_DEBUG_KEY (a CI secret) or the Action's debug-key input"

// joinHint is how to stay under MaxNormalizePatterns.
const joinHint = "each pattern runs over every checked body; join them with | in fewer regexes"

var validOnStale = []string{"warn", "fail"}

func (p *parser) verify(n *yaml.Node, c *Config) {
	v := &c.Verify
	v.Set = true
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // "verify:" alone: verification with the defaults
	}
	p.fields(p.noSecrets(n, "verify"), "verify", map[string]func(*yaml.Node){
		"sample":       func(e *yaml.Node) { v.Sample = p.verifySample(e) },
		"seed":         func(e *yaml.Node) { v.Seed, v.SeedSet = p.seed(e) },
		"timeout":      func(e *yaml.Node) { v.Timeout = p.verifyTimeout(e) },
		"concurrency":  func(e *yaml.Node) { v.Concurrency = p.concurrency(e) },
		"on_stale":     func(e *yaml.Node) { v.OnStale = p.onStale(e) },
		"site_dir":     func(e *yaml.Node) { v.SiteDir = p.siteDir(e, "verify.site_dir") },
		"base_path":    func(e *yaml.Node) { v.BasePath = p.basePath(e) },
		"origin":       func(e *yaml.Node) { v.Origin = p.verifyOrigin(e) },
		"debug":        func(e *yaml.Node) { v.Debug = p.debugMode(e) },
		"staging_edge": func(e *yaml.Node) { v.StagingEdge = p.stagingEdge(e, c) },
		"connect_to":   func(e *yaml.Node) { v.ConnectTo = p.connectTo(e) },
		"hosts":        func(e *yaml.Node) { v.Hosts = p.verifyHosts(e) },
		"normalize":    func(e *yaml.Node) { v.Normalize = p.normalizers(e) },
	})
}

// noSecrets refuses the keys of mapping n that look like a credential
// (debug_key, token, secret) and returns n without them, so they are
// reported once and never as unknown keys, whose hint would echo them.
func (p *parser) noSecrets(n *yaml.Node, what string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return n
	}
	out := *n
	out.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if secretKey(k.Value) {
			p.errorf(k, "%s.%s: %s", what, k.Value, secretHint)
			continue
		}
		out.Content = append(out.Content, k, n.Content[i+1])
	}
	return &out
}

func secretKey(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "key") || strings.Contains(k, "secret") || strings.Contains(k, "token")
}

func (p *parser) verifySample(e *yaml.Node) string {
	s, ok := p.scalar(e, "verify.sample")
	if !ok {
		return ""
	}
	if _, err := verify.ParseSample(s); err != nil {
		p.errorf(e, "verify.%v", err)
		return ""
	}
	return strings.TrimSpace(s)
}

func (p *parser) seed(e *yaml.Node) (int64, bool) {
	s, ok := p.scalar(e, "verify.seed")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		p.errorf(e, "verify.seed must be a whole number (the same seed picks the same URLs), not %q", s)
		return 0, false
	}
	return n, true
}

func (p *parser) verifyTimeout(e *yaml.Node) time.Duration {
	s, ok := p.scalar(e, "verify.timeout")
	if !ok {
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 || d > maxVerifyTimeout {
		p.errorf(e, "verify.timeout must be a duration above 0 and at most 1h, with its unit (60s, 2m), not %q", s)
		return 0
	}
	return d
}

func (p *parser) concurrency(e *yaml.Node) int {
	s, ok := p.scalar(e, "verify.concurrency")
	if !ok {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 64 {
		p.errorf(e, "verify.concurrency must be a whole number from 1 to 64 (requests in flight per host), not %q", s)
		return 0
	}
	return n
}

func (p *parser) onStale(e *yaml.Node) string {
	s, ok := p.scalar(e, "verify.on_stale")
	if !ok {
		return ""
	}
	if !slices.Contains(validOnStale, s) {
		p.errorf(e, "unknown verify.on_stale %q;%s valid values are %q", s, suggest.Hint(s, validOnStale), validOnStale)
		return ""
	}
	return s
}

func (p *parser) debugMode(e *yaml.Node) string {
	s, ok := p.scalar(e, "verify.debug")
	if !ok {
		return ""
	}
	if _, err := verify.ParseDebugMode(s); err != nil || s == "" {
		p.errorf(e, "verify.debug %q: use auto, pragma, enhanced or off", s)
		return ""
	}
	return strings.ToLower(s)
}

// siteDir reads the build output folder (verify.site_dir, output.dir).
// It is relative to the repository root so the committed config means
// the same folder on every machine; an absolute folder belongs in
// --site-dir.
func (p *parser) siteDir(e *yaml.Node, what string) string {
	s, ok := p.scalar(e, what)
	if !ok {
		return ""
	}
	d := path.Clean(strings.ReplaceAll(s, `\`, "/"))
	switch {
	case strings.TrimSpace(s) == "":
		p.errorf(e, "%s is empty: name the folder the site is built to, such as public", what)
	case path.IsAbs(d) || driveLetter(d):
		p.errorf(e, "%s %q must be relative to the repository root, such as public (give an absolute folder with --site-dir)", what, s)
	case d == ".." || strings.HasPrefix(d, "../"):
		p.errorf(e, "%s %q leads out of the repository: name a folder inside it, such as public", what, s)
	default:
		return d
	}
	return ""
}

// driveLetter reports a Windows path such as C:/site, absolute or
// relative to a drive's current folder: either way not the repository's.
func driveLetter(d string) bool {
	return len(d) >= 2 && d[1] == ':' && ('a' <= d[0]|0x20 && d[0]|0x20 <= 'z')
}

// basePath reads the path the site is served under; URLs outside it
// have no deployed file to compare with.
func (p *parser) basePath(e *yaml.Node) string {
	s, ok := p.scalar(e, "verify.base_path")
	if !ok {
		return ""
	}
	switch {
	case !strings.HasPrefix(s, "/"):
		p.errorf(e, "verify.base_path %q must start with /, such as /docs (/ for a site at the host's root)", s)
	case strings.ContainsAny(s, "?#") || strings.ContainsFunc(s, unicode.IsSpace):
		p.errorf(e, "verify.base_path %q must be a path only: drop the query, fragment or spaces", s)
	case hasDotSegment(s):
		p.errorf(e, "verify.base_path %q has a \".\" or \"..\" segment: write the folder it means", s)
	default:
		if t := strings.TrimRight(s, "/"); t != "" {
			return t
		}
		return "/"
	}
	return ""
}

// verifyOrigin reads the origin's root URL: the same path is asked
// there, so it holds no path, query or credentials of its own.
func (p *parser) verifyOrigin(e *yaml.Node) string {
	s, ok := p.scalar(e, "verify.origin")
	if !ok {
		return ""
	}
	o, err := originURL(s)
	if err != nil {
		p.errorf(e, "verify.origin %q: %v", s, err)
		return ""
	}
	return o
}

func originURL(s string) (string, error) {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "":
		return "", errors.New("not an absolute http(s) URL: write it as https://origin.example.com")
	case u.User != nil:
		return "", errors.New("credentials are never sent to the origin: drop the user@")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return "", errors.New("give only a scheme and a host: drop the query or fragment")
	case u.Path != "" && u.Path != "/":
		return "", fmt.Errorf("drop the path %q: the URL's own path is asked at the origin, so give only https://HOST[:PORT]", u.Path)
	}
	if err := checkHost(u.Host); err != nil {
		return "", err
	}
	host, err := asciiHost(u.Hostname())
	if err != nil {
		return "", err
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

// hostName checks one host name of what (verify.hosts,
// verify.staging_edge) and returns it as caches key it.
func hostName(what, h string) (string, error) {
	if strings.ContainsAny(h, "/:@?#") || strings.ContainsFunc(h, unicode.IsSpace) || h == "" {
		return "", fmt.Errorf("%s %q must be a host name such as www.example.com, without a scheme, port or path", what, h)
	}
	if err := checkHost(h); err != nil {
		return "", fmt.Errorf("%s %q: %v", what, h, err)
	}
	a, err := asciiHost(h)
	if err != nil {
		return "", fmt.Errorf("%s %q: %v", what, h, err)
	}
	return a, nil
}

func (p *parser) stagingEdge(e *yaml.Node, c *Config) string {
	s, ok := p.scalar(e, "verify.staging_edge")
	if !ok {
		return ""
	}
	h, err := hostName("verify.staging_edge", s)
	if err != nil {
		p.errorf(e, "%v (the edge hostname, such as www.example.com.edgekey-staging.net)", err)
		return ""
	}
	p.at(c, "verify.staging_edge", e)
	return h
}

func (p *parser) verifyHosts(e *yaml.Node) []string {
	var out []string
	for _, h := range p.list(e, "verify.hosts") {
		a, err := hostName("verify.hosts entry", h.Value)
		if err != nil {
			p.errorf(h, "%v", err)
			continue
		}
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func (p *parser) connectTo(e *yaml.Node) []verify.ConnectTo {
	var out []verify.ConnectTo
	for _, r := range p.list(e, "verify.connect_to") {
		ct, err := verify.ParseConnectTo(r.Value)
		if err != nil {
			p.errorf(r, "verify.connect_to %s", strings.TrimPrefix(err.Error(), "--connect-to "))
			continue
		}
		out = append(out, ct)
	}
	return out
}

// verifyNormalize is what verify.normalize's messages say.
var verifyNormalize = normalizeKind{what: "verify.normalize", paths: "URL paths", every: "URL", when: "comparing", hint: joinHint}

// normalizers reads verify.normalize, with strip patterns kept as
// written: verify compiles them itself.
func (p *parser) normalizers(e *yaml.Node) []verify.Normalizer {
	var out []verify.Normalizer
	for _, nz := range p.normalizeList(e, verifyNormalize) {
		v := verify.Normalizer{Glob: nz.glob}
		for _, re := range nz.strip {
			v.Strip = append(v.Strip, re.String())
		}
		out = append(out, v)
	}
	return out
}

// verifyWarnings are Lint's findings about the verify: section:
// settings that load but do nothing on the config's network.
func (c *Config) verifyWarnings() Warnings {
	if c.Verify.StagingEdge == "" || c.Network == purge.Staging {
		return nil
	}
	o := c.origin["verify.staging_edge"]
	return Warnings{{At: c.pos(o.line, o.col), Msg: fmt.Sprintf("verify.staging_edge is used only with network: staging; on %s the URLs' own hosts are asked (use verify.connect_to to pick an edge)", c.Network)}}
}
