package mapper

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// EscapePath percent-encodes a slash-separated path the way browsers do
// when they request it, because the URL is the cache key: the WHATWG path
// percent-encode set (controls, space, ", #, <, >, ?, `, {, }) plus % itself
// and every non-ASCII byte as UTF-8, which Fast Purge rejects raw. Every
// other byte, including + & ' ( ) ! * , ; = : @ $ ~, is kept as it is.
func EscapePath(p string) string {
	return string(appendEscaped(make([]byte, 0, len(p)), p))
}

func appendEscaped(dst []byte, p string) []byte {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(p); i++ {
		c := p[i]
		if needsEscape(c) {
			dst = append(dst, '%', hex[c>>4], hex[c&15])
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

func needsEscape(c byte) bool {
	if c <= 0x20 || c >= 0x7f {
		return true
	}
	switch c {
	case '"', '#', '%', '<', '>', '?', '`', '{', '}':
		return true
	case '\\':
		// Not in the WHATWG set, but browsers read a raw backslash in an
		// http(s) path as "/": a file name holding one is requested as %5C.
		return true
	}
	return false
}

// arlPattern recognises an Akamai Resource Locator: a one-character type
// code, numeric serial and CP code, object data, then host and path; the
// http://aN.g.akamai.net prefix is optional.
var arlPattern = regexp.MustCompile(`^(?:https?://a\d+\.[a-z]\.akamai(?:tech)?\.net)?/[0-9A-Za-z]/\d+/\d+/[^/]+/[^/]+(?:/.*)?$`)

// IsARL reports whether s is an ARL rather than a URL.
func IsARL(s string) bool { return arlPattern.MatchString(s) }

// normalizeBase checks a base_url and returns it as caches key it: scheme
// and host lower case, an internationalised host in punycode (Fast Purge
// rejects raw non-ASCII), no trailing slash so "{base}/x" joins cleanly.
func normalizeBase(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("base_url %q is not an absolute http(s) URL%s: write it as https://www.example.com", raw, parseReason(err))
	}
	if u.User != nil {
		return "", fmt.Errorf("base_url %q has %s", raw, userInfo(u))
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("base_url %q may hold only a scheme, a host and a path: drop the query or fragment", raw)
	}
	if err := checkHost(u.Host); err != nil {
		return "", fmt.Errorf("base_url %q: %v", raw, err)
	}
	host, err := asciiHost(u.Hostname())
	if err != nil {
		return "", fmt.Errorf("base_url %q: %v", raw, err)
	}
	if port := u.Port(); port != "" {
		host += ":" + port
	}
	p := strings.TrimRight(u.EscapedPath(), "/")
	if hasDotSegment(p) {
		return "", fmt.Errorf("base_url %q has a \".\" or \"..\" segment: write the folder it means", raw)
	}
	return strings.ToLower(u.Scheme) + "://" + host + p, nil
}

// asciiHost lower-cases a host and converts an IDN to punycode.
func asciiHost(h string) (string, error) {
	a, err := idna.Lookup.ToASCII(h)
	if err != nil {
		return "", fmt.Errorf("host %q is not a valid host name: %v", h, err)
	}
	return a, nil
}

// hasDotSegment reports a "." or ".." segment in a slash-separated path,
// which a server resolves to another file than the one named (and ".."
// above the site root), so a URL holding one would purge the wrong object.
func hasDotSegment(p string) bool {
	for p != "" {
		var seg string
		seg, p, _ = strings.Cut(p, "/")
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// tagChars are the bytes Akamai allows in a cache tag besides letters and
// digits (techdocs: "Purge content by cache tag").
const tagChars = "!#$%&'+-./^_`|~"

// checkTag enforces Akamai's cache tag rules: 1 to 128 characters from
// letters, digits and tagChars.
func checkTag(t string) error {
	if t == "" || len(t) > 128 {
		return fmt.Errorf("cache tag %q must be 1 to 128 characters long", t)
	}
	if c, bad := badTagRune(t); bad {
		return fmt.Errorf("cache tag %q has %q; tags hold letters, digits and %s%s", t, c, tagChars, tagHint)
	}
	return nil
}

// badTagRune is the first character of s a tag cannot hold: a whole
// character, so an error names "ü", not the first byte of its UTF-8.
func badTagRune(s string) (rune, bool) {
	for _, r := range s {
		if r >= utf8.RuneSelf || !isTagByte(byte(r)) {
			return r, true
		}
	}
	return 0, false
}

// tagHint ends checkTag's message about a tag written in the config.
const tagHint = " (placeholders are not expanded in tags)"

func isTagByte(c byte) bool {
	alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	return alnum || strings.IndexByte(tagChars, c) >= 0
}

// errDotSegment is what finish reports for an expansion that would leave
// the site root or name another file.
var errDotSegment = errors.New(`the URL would have a "." or ".." segment`)

// finish turns an expanded template into the object value: doubled
// slashes from joining removed from the path (not the query), an empty
// path made "/", and dot segments refused.
func finish(s string) (string, error) {
	start := 0
	if i := strings.Index(s, "://"); i > 0 && s[0] != '/' {
		start = i + 3
		if j := strings.IndexByte(s[start:], '/'); j >= 0 {
			start += j
		} else if k := strings.IndexByte(s[start:], '?'); k >= 0 {
			s, start = s[:start+k]+"/"+s[start+k:], start+k
		} else {
			return s + "/", nil
		}
	}
	end := len(s)
	if q := strings.IndexByte(s[start:], '?'); q >= 0 {
		end = start + q
	}
	p := s[start:end]
	if strings.Contains(p, "//") {
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		s = s[:start] + p + s[end:]
	}
	if hasDotSegment(p) {
		return "", errDotSegment
	}
	return s, nil
}

// parseReason is what url.Parse found wrong ("invalid port"), for a
// message that says more than "not a URL".
func parseReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ": " + ue.Err.Error()
	}
	return ""
}

// userInfo names the user info of u: everything before "@" in its
// authority is a login, not the host, so "https://www.a.com@evil.example/"
// purges evil.example while a reviewer reads www.a.com.
func userInfo(u *url.URL) string {
	return fmt.Sprintf("user info %q before \"@\", so the host it names is %q: purge URLs carry no login; write https://HOST/ with only the host to purge", u.User.String(), u.Host)
}

// checkHost refuses a host[:port] no site is served from, which
// url.Parse and idna accept: an empty label ("www..a.com", ".a.com",
// "a.com."; a trailing root dot is a different cache key from the name
// without it, so it is refused too), a label over 63 bytes, and a port
// that is empty, not a number or outside 1–65535. A bracketed IPv6
// literal has no labels to check.
func checkHost(hostport string) error {
	host, port, hasPort := splitPort(hostport)
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '+' {
			return fmt.Errorf("host %q has the port %q: a port is a number from 1 to 65535; drop it for the scheme's default (443 for https, 80 for http)", hostport, port)
		}
	}
	if strings.HasPrefix(host, "[") {
		return nil
	}
	for i, label := range strings.Split(host, ".") {
		switch {
		case label == "":
			return fmt.Errorf("host %q has %s: write the host name as browsers request it, such as www.example.com", host, emptyLabel(host, i))
		case len(label) > 63:
			return fmt.Errorf("host %q has a label of %d characters, over DNS's 63: check the host name", host, len(label))
		}
	}
	return nil
}

// splitPort splits "host:port" and "[v6]:port"; hasPort is true for a
// colon with nothing after it too.
func splitPort(hostport string) (host, port string, hasPort bool) {
	if strings.HasPrefix(hostport, "[") {
		if i := strings.IndexByte(hostport, ']'); i > 0 {
			host, rest := hostport[:i+1], hostport[i+1:]
			port, hasPort = strings.CutPrefix(rest, ":")
			return host, port, hasPort
		}
	}
	return strings.Cut(hostport, ":")
}

func emptyLabel(host string, i int) string {
	switch {
	case i == 0:
		return "a leading dot"
	case i == strings.Count(host, "."):
		return "a trailing dot"
	}
	return "two dots in a row (an empty label)"
}

// checkObject requires an absolute http(s) URL with a lower-case ASCII host,
// or an ARL, so a typo fails at load and not at the API.
func checkObject(out string) error {
	if IsARL(out) {
		return checkARLHost(out)
	}
	u, err := url.Parse(out)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("does not make an absolute http(s) URL or an ARL (it gives %q%s); start it with https://HOST/ or {base}/", out, parseReason(err))
	}
	if u.User != nil {
		return fmt.Errorf("has %s", userInfo(u))
	}
	if err := checkHost(u.Host); err != nil {
		return fmt.Errorf("is refused: %v", err)
	}
	if u.Fragment != "" || strings.Contains(out, "#") {
		return fmt.Errorf("has a fragment (#…) in %q; browsers never send it, so the cache key lacks it: drop it", out)
	}
	host := u.Hostname()
	if a, err := asciiHost(host); err != nil || a != host {
		return fmt.Errorf("has the host %q; write hosts in lower case and punycode (xn--…), as caches key them, or put the host in base_url, which converts it", host)
	}
	return nil
}

// checkARLHost applies checkHost to an ARL's host field (the one after
// the type, serial, CP code and TTL), and refuses user info there as in
// a URL.
func checkARLHost(arl string) error {
	rest := arl
	if i := strings.Index(arl, ".net/"); arl[0] != '/' && i > 0 {
		rest = arl[i+4:]
	}
	f := strings.SplitN(rest, "/", 7)
	if len(f) < 6 {
		return nil // IsARL guarantees the fields; kept safe for callers
	}
	host := f[5]
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		return fmt.Errorf("has user info %q before \"@\" in the ARL's host %q: write only the host to purge", host[:i], host)
	}
	if err := checkHost(host); err != nil {
		return fmt.Errorf("is refused: %v", err)
	}
	return nil
}
