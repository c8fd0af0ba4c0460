package ccu

import (
	"context"
	"crypto/tls"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Hosts that are not an HTTPS API fail at once, saying which and what to
// check, instead of being retried until the budget ends (10 minutes by
// default); a refused port is retried refusedTries times, then given up.
// Real loopback servers: an old TLS stack, plain HTTP, a port nobody
// listens on, a service that is not TLS at all.
func TestSubmitPermanentConnectionFailures(t *testing.T) {
	tls11 := httptest.NewUnstartedServer(accept201(nil))
	tls11.TLS = &tls.Config{MaxVersion: tls.VersionTLS11}
	tls11.Config.ErrorLog = quietLog()
	tls11.StartTLS()
	defer tls11.Close()
	plain := httptest.NewServer(accept201(nil))
	defer plain.Close()
	notTLS := banner(t, "SSH-2.0-OpenSSH_9.6\r\n")
	other := httptest.NewUnstartedServer(accept201(nil))
	other.Config.ErrorLog = quietLog()
	other.StartTLS()
	defer other.Close()
	_, port, _ := net.SplitHostPort(hostOf(other))
	for _, tc := range []struct {
		name, host string
		srv        *httptest.Server
		tries      int
		want       []string
	}{
		{"TLS 1.1 only", hostOf(tls11), tls11, 1, []string{"TLS handshake failed: the server offers only TLS 1.0/1.1", "check host in .edgerc", "protocol version not supported"}},
		{"plain HTTP", hostOf(plain), nil, 1, []string{"the host speaks plain HTTP, not HTTPS: check host in .edgerc", "server gave HTTP response to HTTPS client"}},
		{"not TLS at all", notTLS, nil, 1, []string{"the host does not speak TLS", "check host and its port in .edgerc"}},
		{"untrusted certificate", hostOf(other), nil, 1, []string{"the server's certificate is not signed by a trusted CA: check host in .edgerc (for a private CA", "x509: certificate signed by unknown authority"}},
		{"certificate for another host", "localhost:" + port, other, 1, []string{"the server's certificate is for another host: check host in .edgerc", "x509: certificate is valid for"}},
		{"refused port", closedPort(t), nil, refusedTries, []string{"refused 3 times in a row: nothing listens at that host and port: check host (and its :port) in .edgerc", "connection refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := stubClient(t, tc.host, tc.srv)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			o := SubmitOptions{MinBackoff: 10 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
			began := time.Now()
			sent := c.Submit(ctx, []purge.Batch{urlBatch(2, "p")}, o)
			if len(sent) != 1 || sent[0].Err == nil {
				t.Fatalf("sent = %+v", sent)
			}
			s := sent[0]
			for _, w := range tc.want {
				if !strings.Contains(s.Err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, s.Err)
				}
			}
			if s.Attempts != tc.tries || time.Since(began) > 5*time.Second || ctx.Err() != nil {
				t.Errorf("%d attempt(s) in %v, want %d and no wait for the budget", s.Attempts, time.Since(began), tc.tries)
			}
		})
	}
}

// CCU v2's queue check, which runs before any purge, gives up on a
// refused port too instead of polling it for the whole budget.
func TestWaitQueueRefused(t *testing.T) {
	c := stubClient(t, closedPort(t), nil)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err := c.WaitQueue(ctx, "default", 10, time.Millisecond, nil)
	if err == nil || !strings.Contains(err.Error(), "gave up after 3 attempt(s), refused 3 times in a row") || ctx.Err() != nil {
		t.Errorf("err = %v (budget %v)", err, ctx.Err())
	}
}

// A dropped or reset connection is still retried: only the kinds above
// are permanent.
func TestPermanentTransportKinds(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err       error
		permanent bool
	}{
		{&net.OpError{Op: "read", Err: errString("connection reset by peer")}, false},
		{errString("EOF"), false},
		{errString("net/http: TLS handshake timeout"), false},
		{errString("http: server gave HTTP response to HTTPS client"), true},
		{errString("tls: server selected unsupported protocol version 302"), true},
		{tls.RecordHeaderError{Msg: "tls: first record does not look like a TLS handshake"}, true},
		{&net.OpError{Op: "remote error", Err: errString("tls: handshake failure")}, true},
	} {
		if got := permanentTransport(tc.err) != ""; got != tc.permanent {
			t.Errorf("%v: permanent %v, want %v", tc.err, got, tc.permanent)
		}
	}
}

type errString string

func (e errString) Error() string { return string(e) }

// closedPort is a loopback address where nothing listens.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// banner serves a service that is not TLS: it writes line and hangs up.
func banner(t *testing.T, line string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte(line))
			c.Close()
		}
	}()
	return ln.Addr().String()
}
