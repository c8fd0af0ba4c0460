package verify

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
)

// ParseSample reads --sample and verify.sample: "all", a count ("20") or
// a share ("10%").
func ParseSample(s string) (Sample, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "all") {
		return Sample{All: true}, nil
	}
	if p, ok := strings.CutSuffix(s, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 || f > 100 {
			return Sample{}, fmt.Errorf("sample %q: a share is more than 0%% and at most 100%%, like 10%%", s)
		}
		return Sample{Percent: f}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return Sample{}, fmt.Errorf("sample %q: give all, a count of URLs (20) or a share (10%%)", s)
	}
	return Sample{Count: n}, nil
}

// String is the sample as ParseSample reads it.
func (s Sample) String() string {
	switch {
	case s.All:
		return "all"
	case s.Percent > 0:
		return strconv.FormatFloat(s.Percent, 'f', -1, 64) + "%"
	case s.Count > 0:
		return strconv.Itoa(s.Count)
	}
	return ""
}

// ParseConnectTo reads one --connect-to HOST:EDGE[:PORT]. An IPv6 edge
// is written in brackets: www.example.com:[2001:db8::1]:443.
func ParseConnectTo(s string) (ConnectTo, error) {
	bad := func(why string) error {
		return fmt.Errorf("--connect-to %q: %s; write HOST:EDGE[:PORT], like www.example.com:www.example.com.edgekey-staging.net", s, why)
	}
	if f := strings.Split(s, ":"); len(f) == 4 && !strings.Contains(s, "[") && isPort(f[1]) {
		return ConnectTo{}, bad(fmt.Sprintf("this is curl's HOST:PORT:EDGE:PORT form; here write %s:%s:%s", f[0], f[2], f[3]))
	}
	host, rest, ok := strings.Cut(s, ":")
	if !ok || host == "" || rest == "" {
		return ConnectTo{}, bad("it needs the site's host and the edge to connect to")
	}
	c := ConnectTo{Host: strings.ToLower(host)}
	if strings.HasPrefix(rest, "[") {
		end := strings.Index(rest, "]")
		if end < 0 {
			return ConnectTo{}, bad("an IPv6 address in brackets has no closing ]")
		}
		c.Edge, rest = rest[1:end], strings.TrimPrefix(rest[end+1:], ":")
		if net.ParseIP(c.Edge) == nil {
			return ConnectTo{}, bad(fmt.Sprintf("%q is not an IPv6 address", c.Edge))
		}
		c.Port = rest
	} else {
		c.Edge, c.Port, _ = strings.Cut(rest, ":")
	}
	if c.Edge == "" {
		return ConnectTo{}, bad("the edge host is empty")
	}
	if c.Port != "" {
		if n, err := strconv.Atoi(c.Port); err != nil || n < 1 || n > 65535 {
			return ConnectTo{}, bad(fmt.Sprintf("port %q is not a number from 1 to 65535", c.Port))
		}
	}
	return c, nil
}

// isPort says whether s is empty or all digits: curl's first port,
// which curl lets be empty.
func isPort(s string) bool { return strings.Trim(s, "0123456789") == "" }

// String is the rule as ParseConnectTo reads it.
func (c ConnectTo) String() string {
	edge := c.Edge
	if strings.Contains(edge, ":") {
		edge = "[" + edge + "]"
	}
	if c.Port == "" {
		return c.Host + ":" + edge
	}
	return c.Host + ":" + edge + ":" + c.Port
}

// ErrNoDebugKey is returned by ParseDebugKey for an empty key.
var ErrNoDebugKey = errors.New("the Enhanced Debug key is empty")

// ParseDebugKey decodes the property's Enhanced Debug key, hex as
// Property Manager shows it. The error never quotes the key.
func ParseDebugKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ErrNoDebugKey
	}
	key, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("the Enhanced Debug key is not hex (%d characters; Property Manager shows it as 64 hex digits)", len(s))
	}
	return key, nil
}

// ParseDebugMode reads --debug and verify.debug.
func ParseDebugMode(s string) (DebugMode, error) {
	switch m := DebugMode(strings.ToLower(s)); m {
	case "auto", DebugAuto:
		return DebugAuto, nil
	case DebugPragma, DebugEnhanced, DebugOff:
		return m, nil
	}
	return "", fmt.Errorf("debug %q: use auto, pragma, enhanced or off", s)
}
