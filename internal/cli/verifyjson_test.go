package cli

import (
	"encoding/json"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// verify --output json prints one JSON document on stdout, which a
// script pipes to jq; the lines a person reads go to stderr.
func TestVerifyOutputJSONIsOnlyJSON(t *testing.T) {
	t.Parallel()
	edge := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Host != "www.example.com" || r.URL.Path != "/" {
			t.Errorf("edge: unexpected request %s %s%s", r.Method, r.Host, r.URL.Path)
		}
		w.Header().Set("X-Cache", "TCP_MISS from a1.deploy.akamaitechnologies.com")
		_, _ = w.Write([]byte("home"))
	}))
	defer edge.Close()
	ca := filepath.Join(t.TempDir(), "edge.pem")
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: edge.Certificate().Raw})
	if err := os.WriteFile(ca, cert, 0o600); err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(edge.Listener.Addr().String())
	r := run(t, "verify", "--url", "https://www.example.com/", "--connect-to", "www.example.com:127.0.0.1:"+port,
		"--ca-cert", ca, "--output", "json", "--repo", t.TempDir())
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var v struct {
		Summary struct{ Fresh int } `json:"summary"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil || v.Summary.Fresh != 1 {
		t.Fatalf("stdout is not one JSON verification with 1 fresh URL (%v):\n%s", err, r.stdout)
	}
	if !strings.Contains(r.stderr, "Verified 1 of 1 URL(s)") {
		t.Errorf("stderr lacks the summary line a person reads:\n%s", r.stderr)
	}
}
