package ccusim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// certValidity is long enough for a demo left running, short enough that a leaked CA file
// (it only ever signs one loopback certificate anyway) soon becomes useless.
const certValidity = 7 * 24 * time.Hour

// authority is the simulator's throw-away CA, kept so the edge can issue a leaf for whatever
// site name a client sends as SNI (the one ca.pem, which --ca-cert trusts, covers them all).
type authority struct {
	key  *ecdsa.PrivateKey
	cert *x509.Certificate
	der  []byte
}

// newAuthority creates the CA.
func newAuthority() (*authority, error) {
	key, der, err := newCA()
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse CA certificate: %w", err)
	}
	return &authority{key: key, cert: cert, der: der}, nil
}

// pem is the CA certificate clients must trust.
func (a *authority) pem() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: a.der})
}

// issue signs a leaf for tmpl's names, sent with the CA so a client sees the whole chain.
func (a *authority) issue(tmpl *x509.Certificate) (*tls.Certificate, error) {
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate leaf key: %w", err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, tmpl, a.cert, &leafKey.PublicKey, a.key)
	if err != nil {
		return nil, fmt.Errorf("create leaf certificate: %w", err)
	}
	return &tls.Certificate{Certificate: [][]byte{leafDER, a.der}, PrivateKey: leafKey}, nil
}

// newTLS creates a throw-away CA and a leaf for 127.0.0.1/localhost signed by it. A separate CA
// (rather than one self-signed leaf) mirrors how clients trust real servers, so a client that
// only trusts ca.pem exercises its normal chain verification. Certificates use the wall clock,
// not Options.Now, because clients verify them against the wall clock.
func newTLS() (*tls.Config, *authority, error) {
	ca, err := newAuthority()
	if err != nil {
		return nil, nil, err
	}
	leaf, err := ca.issue(leafTemplate())
	if err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{*leaf}}
	return cfg, ca, nil
}

// newCA returns a self-signed CA that may sign only leaves (MaxPathLen 0).
func newCA() (*ecdsa.PrivateKey, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("generate CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "ccusim local CA", Organization: []string{"ccusim"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(certValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		MaxPathLenZero:        true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create CA certificate: %w", err)
	}
	return key, der, nil
}

// leafTemplate names both 127.0.0.1 and localhost so either form of Host() verifies.
func leafTemplate() *x509.Certificate { return siteTemplate("localhost") }

// siteTemplate is a leaf for name and 127.0.0.1, so a client that dials the loopback address but
// keeps the site's SNI (--connect-to) verifies it like the real edge's certificate.
func siteTemplate(name string) *x509.Certificate {
	now := time.Now()
	return &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"ccusim"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(certValidity),
		DNSNames:     []string{name},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
}

// serial is a random 127-bit serial number, as RFC 5280 asks for unpredictable serials.
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error since Go 1.24
	b[0] &= 0x7f
	return new(big.Int).SetBytes(b)
}
