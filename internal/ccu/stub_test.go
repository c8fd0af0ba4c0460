package ccu

import (
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Stub servers for answers the simulator does not give: absurd rate-limit
// headers, and hosts that are not an HTTPS API at all. They check no
// signature; the client under test is the real one, over real sockets.

// stubClient is a Client for host with throwaway credentials, trusting
// the certificate of srv when srv is given.
func stubClient(t *testing.T, host string, srv *httptest.Server) *Client {
	t.Helper()
	dir := t.TempDir()
	edgerc := filepath.Join(dir, "edgerc")
	if err := os.WriteFile(edgerc, []byte("[ccu]\nhost = "+host+"\nclient_token = ct\nclient_secret = cs\naccess_token = at\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	creds, err := LoadCredentials(Source{Edgerc: edgerc, Section: "ccu", SectionSet: true, FileOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var opts Options
	if srv != nil && srv.Certificate() != nil {
		opts.CAFile = filepath.Join(dir, "ca.pem")
		block := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
		if err := os.WriteFile(opts.CAFile, block, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c, err := New(creds, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// hostOf is srv's host:port, as an .edgerc names it.
func hostOf(srv *httptest.Server) string {
	return strings.TrimPrefix(strings.TrimPrefix(srv.URL, "https://"), "http://")
}

// accept201 answers every request with a Fast Purge 201 and the headers h.
func accept201(h http.Header) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range h {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(`{"httpStatus":201,"purgeId":"edup-stub","supportId":"edup-stub","estimatedSeconds":5,"detail":"Request accepted"}`))
	}
}

// quietLog drops a stub server's own log lines (TLS handshake errors
// the test provokes on purpose).
func quietLog() *log.Logger { return log.New(io.Discard, "", 0) }
