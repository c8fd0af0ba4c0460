package options

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/suggest"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// Verify are the flags of a verification (the verify command, purge
// --verify). A zero field is unset: the config's verify: section, else
// the default, decides (see VerifySettings), which is why no flag here
// has a default of its own.
type Verify struct {
	Enabled     bool          // purge --verify
	Sample      string        // --sample N|P%|all
	Seed        int64         // --seed
	SeedSet     bool          // --seed was given (0 is a seed too)
	SiteDir     string        // --site-dir DIR
	ConnectTo   []string      // --connect-to HOST:EDGE[:PORT], repeatable
	Timeout     time.Duration // --verify-timeout
	Concurrency int           // --verify-concurrency
	Origin      string        // --origin URL
	Debug       string        // --debug auto|pragma|enhanced|off
	OnStale     string        // --on-stale fail|warn
}

// The verification's defaults, when neither a flag nor the config sets
// them: Fast Purge completes in about 5 s, so a minute covers slow
// propagation and a few retries; 8 in flight per host stays polite.
const (
	DefaultVerifyTimeout     = 60 * time.Second
	DefaultVerifyConcurrency = 8
	MaxVerifyConcurrency     = 64
	DefaultOnStale           = "warn"
)

// OnStalePolicies are the values of --on-stale and verify.on_stale.
var OnStalePolicies = []string{"fail", "warn"}

// DebugKeyEnv is the variable the Enhanced Debug key is read from. There
// is no flag for it: a flag's value shows in `ps` and in CI logs.
const DebugKeyEnv = "AKAMAI_DEBUG_KEY"

// VerifyFlags adds the flags of a verification's knobs.
func VerifyFlags(fs *flag.FlagSet, o *Options) {
	v := &o.Verify
	fs.StringVar(&v.Sample, "sample", "", "check N URLs, P% of them or all (at least one per request, and every HTML page)")
	fs.Func("seed", "seed of the sample: the same seed picks the same URLs", func(s string) error {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return errors.New("give a whole number")
		}
		v.Seed, v.SeedSet = n, true
		return nil
	})
	fs.StringVar(&v.SiteDir, "site-dir", "", "the build output the site is served from: plan and purge compare its files with the last purged build's manifest, verify the edge's bodies with them")
	fs.Func("connect-to", "send a host's requests to EDGE (and PORT), SNI and Host kept, like curl's (repeatable)", appendTo(&v.ConnectTo))
	fs.DurationVar(&v.Timeout, "verify-timeout", 0, "time budget of the verification, retries included (default 60s)")
	fs.IntVar(&v.Concurrency, "verify-concurrency", 0, "requests in flight per host, 1 to 64 (default 8)")
	fs.StringVar(&v.Origin, "origin", "", "the origin's base URL, asked for the same paths with the site's Host header")
	fs.StringVar(&v.Debug, "debug", "", "Akamai debug headers: auto, pragma, enhanced (key in $AKAMAI_DEBUG_KEY) or off (default auto)")
	fs.StringVar(&v.OnStale, "on-stale", "", "exit 1 (fail) or 0 (warn) when a URL stays stale (default warn)")
}

// checkVerify checks the verification flags fs has, with the flag that
// set each value in the error, before anything is sent.
func checkVerify(fs *flag.FlagSet, o *Options) error {
	if fs.Lookup("sample") == nil {
		return nil
	}
	v := o.Verify
	if v.Enabled && o.DryRun {
		return fmt.Errorf("--verify and --dry-run: a dry run purges nothing, so there is nothing to verify; drop one (ccu-purge verify --url URL checks the edge any time)")
	}
	if err := checkVerifyLimits(fs, v); err != nil {
		return err
	}
	for _, check := range []func(Verify) error{checkSample, checkDebug, checkOnStale, checkOrigin, checkConnectTo} {
		if err := check(v); err != nil {
			return err
		}
	}
	return checkSources(fs, o)
}

// checkVerifyLimits checks the budget and the concurrency. Their zero
// means "unset" in Verify, so a zero given on the command line is caught
// here, where fs knows which flags were set.
func checkVerifyLimits(fs *flag.FlagSet, v Verify) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	switch {
	case v.Timeout < 0:
		return fmt.Errorf("--verify-timeout %v is negative: give a duration such as 60s", v.Timeout)
	case v.Timeout == 0 && given["verify-timeout"]:
		return fmt.Errorf("--verify-timeout %v: give a time budget above zero, such as 60s", v.Timeout)
	case v.Concurrency < 0 || v.Concurrency > MaxVerifyConcurrency || (v.Concurrency == 0 && given["verify-concurrency"]):
		return fmt.Errorf("--verify-concurrency %d is out of range: give 1 to %d requests in flight per host", v.Concurrency, MaxVerifyConcurrency)
	}
	return nil
}

func checkSample(v Verify) error {
	if v.Sample == "" {
		return nil
	}
	_, err := verify.ParseSample(v.Sample)
	if err != nil {
		return fmt.Errorf("--%w", err)
	}
	return nil
}

func checkDebug(v Verify) error {
	if _, err := verify.ParseDebugMode(v.Debug); err != nil {
		return fmt.Errorf("--%w", err)
	}
	return nil
}

func checkOnStale(v Verify) error {
	if _, err := onStale(v.OnStale); err != nil {
		return fmt.Errorf("--on-stale %w", err)
	}
	return nil
}

// onStale is the policy s names, "" for unset.
func onStale(s string) (string, error) {
	s = strings.ToLower(s)
	if s == "" || s == "fail" || s == "warn" {
		return s, nil
	}
	return "", fmt.Errorf("%q: use fail (exit 1) or warn (exit 0);%s", s, suggest.Hint(s, OnStalePolicies))
}

func checkOrigin(v Verify) error {
	if _, err := originURL(v.Origin); err != nil {
		return fmt.Errorf("--%w", err)
	}
	return nil
}

// originURL is the origin's base URL without a trailing slash, "" for
// unset. Only the scheme and host are used: the edge URL's path is asked
// there, so a path, query or fragment here would be silently dropped.
func originURL(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	bad := err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil
	if bad {
		return "", fmt.Errorf("origin %q: give the origin's scheme and host only, like https://origin.example.com", s)
	}
	return u.Scheme + "://" + u.Host, nil
}

func checkConnectTo(v Verify) error {
	_, err := connectTo(v.ConnectTo)
	return err
}

// connectTo parses the --connect-to rules, naming a bad one by its
// position: a job's log shows the flags, not which rule a value came from.
func connectTo(rules []string) ([]verify.ConnectTo, error) {
	var out []verify.ConnectTo
	for i, r := range rules {
		c, err := verify.ParseConnectTo(strings.TrimSpace(r))
		if err != nil {
			return nil, &ruleError{i + 1, err}
		}
		out = append(out, c)
	}
	return out, nil
}

// ruleError is a --connect-to rule's error with the rule's position.
type ruleError struct {
	n   int
	err error
}

func (e *ruleError) Error() string {
	return fmt.Sprintf("--connect-to #%d: %s", e.n, strings.TrimPrefix(e.err.Error(), "--connect-to "))
}

func (e *ruleError) Unwrap() error { return e.err }

// checkSources makes the verify command name exactly one list of URLs:
// which of two to check would be a guess. CCU_PURGE_STATE alone is not a
// flag given, as for an ad-hoc purge.
func checkSources(fs *flag.FlagSet, o *Options) error {
	if fs.Name() != "verify" {
		return nil
	}
	var given []string
	if o.Report != "" {
		given = append(given, "--report")
	}
	if len(o.URLs) > 0 {
		given = append(given, "--url")
	}
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "from" || f.Name == "to" || f.Name == "state" {
			given = append(given, "--"+f.Name)
		}
	})
	if err := checkVerifyURLs(o.URLs); err != nil {
		return err
	}
	switch {
	case len(given) == 0:
		return fmt.Errorf("verify needs the URLs to check: give --report FILE (a purge's report), --url URL, or a plan's range (--from REV, --state FILE)")
	case len(given) > 1 && (given[0] == "--report" || given[0] == "--url"):
		// Plan flags come last: two of them (--from and --to) are one range.
		return fmt.Errorf("%s and %s both name the URLs to check: give one of --report, --url or a plan's range (--from, --to, --state)", given[0], given[1])
	}
	return nil
}

// checkVerifyURLs refuses a --url that verify cannot GET (an ARL, a path,
// another scheme): it would only come back unknown after the budget.
func checkVerifyURLs(urls []string) error {
	for _, raw := range urls {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("--url %q: verify GETs absolute http(s) URLs; write it like https://www.example.com/a.html", raw)
		}
	}
	return nil
}
