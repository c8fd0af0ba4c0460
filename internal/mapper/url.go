package mapper

import (
	"regexp"
	"strings"
)

// EscapePath percent-encodes a slash-separated path the way browsers do
// when they request it, because the URL is the cache key: the WHATWG path
// percent-encode set (controls, space, ", #, <, >, ?, `, {, }) plus % itself
// and every non-ASCII byte as UTF-8, which Fast Purge rejects raw. Every
// other byte, including + & ' ( ) ! * , ; = : @ $ ~, is kept as it is.
func EscapePath(p string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		c := p[i]
		if needsEscape(c) {
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func needsEscape(c byte) bool {
	if c <= 0x20 || c >= 0x7f {
		return true
	}
	switch c {
	case '"', '#', '%', '<', '>', '?', '`', '{', '}':
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
