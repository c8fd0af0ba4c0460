// Package redact removes credentials from text before it leaves the
// process: a server may echo the Authorization header or a token in an
// error body, an HTML page, a 201 body or an id, and that text is printed,
// written to reports and handed to CI. Every output of ccu-purge passes
// through one Redactor built from the credentials it loaded.
package redact

import (
	"encoding/base64"
	"encoding/hex"
	"io"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// MinLen is the shortest value redacted: a shorter one is not a credential
// (EdgeGrid's tokens and secrets are 30+ characters) and would turn common
// words of every message into asterisks.
const MinLen = 8

// Mask replaces each redacted value.
const Mask = "***"

// header matches an EdgeGrid Authorization header value up to its end: the
// scheme, its fields (key=value;key=value…, which hold no spaces), and
// more key=value fields after spaces, for an echo that reformatted them.
// Quotes, markup and backslashes end it: they end a JSON string or an
// HTML text around the echo. The scheme's name alone, in prose ("missing
// EG1-HMAC-SHA256 header"), holds nothing secret and is kept.
var header = regexp.MustCompile(`(?i)EG1-HMAC-SHA256[\s;]+[a-z_]+=[^\s"'<>\\]*(?:[\s;]+[a-z_]+=[^\s;"'<>\\]*)*`)

// Redactor removes a fixed set of secrets, in every form a server or a log
// may show them.
type Redactor struct {
	r *strings.Replacer
}

// New returns a Redactor for secrets; values shorter than MinLen are
// ignored. A nil *Redactor still removes Authorization headers.
func New(secrets ...string) *Redactor {
	var forms []string
	seen := map[string]bool{}
	for _, s := range secrets {
		if len(s) < MinLen {
			continue
		}
		for _, f := range Forms(s) {
			if !seen[f] {
				seen[f] = true
				forms = append(forms, f)
			}
		}
	}
	// Longest first: strings.Replacer prefers earlier pairs at a position,
	// so a value is masked whole even when one of its forms is a prefix of
	// another's.
	sort.Slice(forms, func(i, j int) bool { return len(forms[i]) > len(forms[j]) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, Mask)
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// Forms are the ways s can appear in text: raw; standard and URL base64,
// padded and not; query and path escaped; hex in lower and upper case.
func Forms(s string) []string {
	b := []byte(s)
	return []string{s,
		base64.StdEncoding.EncodeToString(b), base64.RawStdEncoding.EncodeToString(b),
		base64.URLEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		url.QueryEscape(s), url.PathEscape(s),
		hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
	}
}

// String returns s without the secrets and without any EdgeGrid
// Authorization header.
func (r *Redactor) String(s string) string {
	s = header.ReplaceAllString(s, "[Authorization header removed]")
	if r == nil || r.r == nil {
		return s
	}
	return r.r.Replace(s)
}

// Writer returns w with every Write redacted. Each Write is redacted on
// its own: callers write whole messages (one fmt.Fprintf each), so a
// secret is never split across two writes.
func (r *Redactor) Writer(w io.Writer) io.Writer { return &writer{r: r, w: w} }

type writer struct {
	r *Redactor
	w io.Writer
}

// Write reports len(p) on success, as io.Writer requires, whatever the
// length of the redacted text.
func (w *writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, w.r.String(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Unwrap returns the writer being redacted, so a caller can still ask
// whether it is a terminal.
func (w *writer) Unwrap() io.Writer { return w.w }
