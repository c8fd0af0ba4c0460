package verify

import (
	"strings"
	"testing"
)

func TestParseSample(t *testing.T) {
	good := map[string]Sample{"all": {All: true}, "ALL": {All: true}, "20": {Count: 20}, "10%": {Percent: 10}, "0.5%": {Percent: 0.5}, "100%": {Percent: 100}}
	for in, want := range good {
		got, err := ParseSample(in)
		if err != nil || got != want {
			t.Errorf("ParseSample(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, _ := ParseSample(got.String()); back != want {
			t.Errorf("ParseSample(%q).String() = %q does not read back", in, got.String())
		}
	}
	for _, in := range []string{"", "0", "-3", "0%", "101%", "ten", "5 %x"} {
		if _, err := ParseSample(in); err == nil || !strings.Contains(err.Error(), "sample") {
			t.Errorf("ParseSample(%q) = %v; want an error naming the sample", in, err)
		}
	}
}

func TestParseConnectTo(t *testing.T) {
	good := map[string]ConnectTo{
		"www.example.com:www.example.com.edgekey-staging.net": {"www.example.com", "www.example.com.edgekey-staging.net", ""},
		"WWW.Example.com:127.0.0.1:8443":                      {"www.example.com", "127.0.0.1", "8443"},
		"www.example.com:[2001:db8::1]:443":                   {"www.example.com", "2001:db8::1", "443"},
		"www.example.com:[::1]":                               {"www.example.com", "::1", ""},
	}
	for in, want := range good {
		got, err := ParseConnectTo(in)
		if err != nil || got != want {
			t.Errorf("ParseConnectTo(%q) = %+v, %v; want %+v", in, got, err, want)
		}
		if back, err := ParseConnectTo(got.String()); err != nil || back != want {
			t.Errorf("%q.String() = %q does not read back: %+v, %v", in, got.String(), back, err)
		}
	}
	for _, in := range []string{"", "www.example.com", ":edge", "www.example.com:", "h:e:0", "h:e:70000", "h:e:x", "h:[::1", "h:[nope]:1"} {
		if _, err := ParseConnectTo(in); err == nil || !strings.Contains(err.Error(), "HOST:EDGE[:PORT]") {
			t.Errorf("ParseConnectTo(%q) = %v; want an error with the form", in, err)
		}
	}
}

func TestParseDebugKeyNeverQuotesTheKey(t *testing.T) {
	key, err := ParseDebugKey(" 00ff10 ")
	if err != nil || string(key) != "\x00\xff\x10" {
		t.Fatalf("ParseDebugKey = %x, %v", key, err)
	}
	secret := "not-hex-secret-value"
	_, err = ParseDebugKey(secret)
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("ParseDebugKey(bad) = %v; want an error without the value", err)
	}
	if _, err := ParseDebugKey(""); err != ErrNoDebugKey {
		t.Fatalf("ParseDebugKey(\"\") = %v; want ErrNoDebugKey", err)
	}
}

func TestParseDebugMode(t *testing.T) {
	for in, want := range map[string]DebugMode{"": DebugAuto, "auto": DebugAuto, "Pragma": DebugPragma, "enhanced": DebugEnhanced, "off": DebugOff} {
		if got, err := ParseDebugMode(in); err != nil || got != want {
			t.Errorf("ParseDebugMode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := ParseDebugMode("x-cache"); err == nil {
		t.Error("ParseDebugMode(x-cache) = nil error")
	}
}
