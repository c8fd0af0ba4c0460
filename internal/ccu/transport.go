package ccu

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
)

// Connection failures that no retry will cure, told apart from those that
// may pass (a reset, a timeout, a dropped answer), so that a host that is
// not an HTTPS API fails at once with the fix instead of being retried for
// the whole budget (10 minutes by default).
//
// Go gives most of them no type of their own: a TLS alert from the server
// is an unexported type inside a *net.OpError whose Op is "remote error",
// and net/http's "server gave HTTP response to HTTPS client" and crypto/tls's
// "server selected unsupported protocol version" are plain errors. Those
// are matched on that fixed text; Go does not promise it, so the tests pin
// it with real servers, and a change in Go fails a test, not a user.
// Certificate errors were already never retried (transient); here they
// gain what to check.

// errRefused marks a refused connection: retried a few times, then given
// up (see refusedTries).
var errRefused = errors.New("the host refused the connection")

// refusedTries is how many refused connections a request takes before it
// gives up. Nothing was sent, so a retry is always safe, and a proxy or
// load balancer that restarts refuses for a moment; but Akamai's API never
// refuses, so a refusal that persists past a few seconds of backoff is a
// wrong host or port in .edgerc, not worth the rest of the budget.
const refusedTries = 3

// permanentTransport says why err, a failed connection, will not pass on
// a retry, with what to check; "" when it may pass.
func permanentTransport(err error) string {
	var rec tls.RecordHeaderError
	var op *net.OpError
	var unknown x509.UnknownAuthorityError
	var host x509.HostnameError
	msg := err.Error()
	switch {
	case errors.As(err, &host):
		return "the server's certificate is for another host: check host in .edgerc"
	case errors.As(err, &unknown):
		return "the server's certificate is not signed by a trusted CA: check host in .edgerc (for a private CA, such as the simulator's, pass --ca-cert FILE or set SSL_CERT_FILE)"
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return "the host speaks plain HTTP, not HTTPS: check host in .edgerc (Akamai's API is HTTPS only, on port 443)"
	case errors.As(err, &rec):
		return "the host does not speak TLS (its answer is not a TLS handshake): check host and its port in .edgerc"
	case strings.Contains(msg, "protocol version"):
		return "TLS handshake failed: the server offers only TLS 1.0/1.1 (or another version this client refuses), and the client needs TLS 1.2 or later: check host in .edgerc"
	case errors.As(err, &op) && op.Op == "remote error":
		return "TLS handshake failed: the server ended it with a TLS alert, so it is not Akamai's API as this client expects: check host in .edgerc"
	}
	return ""
}

// refused reports a connection the host refused: nothing listens there.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// nextRun counts refused attempts in a row: run+1 when err is a refusal,
// else 0.
func nextRun(run int, err error) int {
	if errors.Is(err, errRefused) {
		return run + 1
	}
	return 0
}

// refusedTooOften is the error once refusedTries attempts in a row, the
// last of them the n-th, were refused.
func refusedTooOften(n int, err error) error {
	return fmt.Errorf("gave up after %d attempt(s), refused %d times in a row: nothing listens at that host and port: check host (and its :port) in .edgerc: %w", n, refusedTries, err)
}
