package ccusim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// arlRE recognises Akamai Resource Locators, path-only or full: typecode, serial, CP code,
// object data, then origin host and path, as Akamai documents ARLs.
var arlRE = regexp.MustCompile(`^(?:https?://a\d+\.[a-z]\.akamai(?:tech)?\.net)?/[0-9A-Za-z]/\d+/\d+/[^/]+/[^/]+(?:/.*)?$`)

// hostnameRE is a DNS name (or IPv4 address), the only thing the v3 "hostname" field may hold.
var hostnameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$`)

// badRequest is a 400 problem title and detail; the caller adds API and support ID.
type badRequest struct{ title, detail string }

func (b *badRequest) Error() string { return b.title + ": " + b.detail }

// decodeStrict decodes exactly one JSON value into v, rejecting unknown fields: the v3 schemas
// say additionalProperties false, and for v2 a misspelt "domain" would silently purge production.
func decodeStrict(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &badRequest{"bad request", fmt.Sprintf("Invalid JSON request body: %v", err)}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &badRequest{"bad request", "Invalid JSON request body: unexpected data after the top-level value"}
	}
	return nil
}

// requireObjects rejects a missing, null or empty objects array.
func requireObjects(objects []json.RawMessage) error {
	if len(objects) == 0 {
		return &badRequest{"bad request", `The "objects" array is required and must not be empty.`}
	}
	return nil
}

// urlObjects validates URL/ARL objects; with a hostname they must be server paths instead.
func urlObjects(raw []json.RawMessage, hostname *string) ([]string, error) {
	if hostname != nil {
		if err := checkHostname(*hostname); err != nil {
			return nil, err
		}
	}
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		s, err := stringObject(r, "URL")
		if err == nil {
			err = checkURLObject(s, hostname != nil)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// checkURLObject accepts an absolute http(s) URL with a host, or an ARL, or (pathOnly) a path.
func checkURLObject(s string, pathOnly bool) error {
	if err := checkASCII(s); err != nil {
		return err
	}
	malformed := &badRequest{"bad URL", fmt.Sprintf("Invalid or malformed URL '%s'", s)}
	if pathOnly {
		if !strings.HasPrefix(s, "/") {
			return malformed
		}
		if _, err := url.ParseRequestURI(s); err != nil {
			return malformed
		}
		return nil
	}
	if arlRE.MatchString(s) {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return malformed
	}
	return nil
}

// checkASCII rejects raw non-ASCII (it must be percent-encoded) and ASCII controls or spaces,
// naming the first offending character as Akamai's error does.
func checkASCII(s string) error {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return &badRequest{"bad URL", fmt.Sprintf("Invalid or malformed URL '%s': contains non-ASCII character '%c' (%s)",
				s, c, runeName(c))}
		}
		if c <= ' ' || c == 0x7f {
			return &badRequest{"bad URL", fmt.Sprintf("Invalid or malformed URL '%s': contains whitespace or control character %U", s, c)}
		}
	}
	return nil
}

func runeName(c rune) string {
	if n, ok := runeNames[c]; ok {
		return n
	}
	return fmt.Sprintf("%U", c)
}

// checkHostname validates the v3 {"hostname":…} form: a bare ASCII host name, no scheme or path.
func checkHostname(h string) error {
	if !hostnameRE.MatchString(h) || len(h) > 253 {
		return &badRequest{"bad URL hostname", "Invalid or malformed hostname"}
	}
	return nil
}

// stringObject decodes one object that must be a JSON string.
func stringObject(r json.RawMessage, kind string) (string, error) {
	var s string
	if err := json.Unmarshal(r, &s); err != nil {
		return "", &badRequest{"bad request", fmt.Sprintf("Each object must be a %s string, got %s", kind, truncate(string(r)))}
	}
	return s, nil
}

// cpcodeObjects accepts positive integers as JSON numbers or decimal strings (Akamai's own
// clients send strings and the API accepts them) and returns them as decimal strings.
func cpcodeObjects(raw []json.RawMessage) ([]string, error) {
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		text := string(r)
		var s string
		if json.Unmarshal(r, &s) == nil {
			text = s
		}
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil || n <= 0 || strings.HasPrefix(text, "+") {
			return nil, &badRequest{"bad cpcode", fmt.Sprintf("Invalid CP code %s: must be a positive integer", truncate(string(r)))}
		}
		out = append(out, strconv.FormatInt(n, 10))
	}
	return out, nil
}

// tagObjects accepts non-empty cache tag strings.
func tagObjects(raw []json.RawMessage) ([]string, error) {
	out := make([]string, 0, len(raw))
	for _, r := range raw {
		s, err := stringObject(r, "cache tag")
		if err != nil {
			return nil, err
		}
		if strings.TrimSpace(s) == "" {
			return nil, &badRequest{"bad tag", "Cache tags must not be empty"}
		}
		out = append(out, s)
	}
	return out, nil
}

// truncate keeps error details short when a client sends something huge.
func truncate(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}

// writeBadRequest turns a validation error into the 400 problem.
func writeBadRequest(w http.ResponseWriter, api string, err error, support string) {
	var b *badRequest
	if !errors.As(err, &b) {
		b = &badRequest{"bad request", "Invalid request"}
	}
	writeProblem(w, newProblem(api, http.StatusBadRequest, b.title, b.detail, support))
}
