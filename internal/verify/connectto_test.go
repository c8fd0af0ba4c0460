package verify

import (
	"strings"
	"testing"
)

// curl's own form, HOST:PORT:EDGE:PORT (which the simulator prints for
// curl next to ours), is named as such with the rule to write instead,
// not reported as a bad port "127.0.0.1:8443".
func TestConnectToCurlForm(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ rule, want string }{
		{"www.example.com:443:127.0.0.1:8443", "this is curl's HOST:PORT:EDGE:PORT form; here write www.example.com:127.0.0.1:8443"},
		{"www.example.com::127.0.0.1:8443", "here write www.example.com:127.0.0.1:8443"},
	} {
		if _, err := ParseConnectTo(tc.rule); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one with %q", tc.rule, err, tc.want)
		}
	}
	// Ours, with an IPv6 edge and a port, still reads.
	if c, err := ParseConnectTo("www.example.com:[::1]:8443"); err != nil || c.Edge != "::1" || c.Port != "8443" {
		t.Errorf("www.example.com:[::1]:8443 = %+v, %v", c, err)
	}
}
