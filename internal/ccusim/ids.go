package ccusim

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

const (
	base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	lower  = "0123456789abcdefghijklmnopqrstuvwxyz"
	digits = "0123456789"
)

// randString returns n characters drawn uniformly from alphabet (len ≤ 256).
func randString(n int, alphabet string) string {
	out := make([]byte, n)
	buf := make([]byte, 1)
	limit := 256 - 256%len(alphabet) // reject the tail so every character is equally likely
	for i := 0; i < n; {
		_, _ = rand.Read(buf) // crypto/rand.Read never returns an error since Go 1.24
		if int(buf[0]) >= limit {
			continue
		}
		out[i] = alphabet[int(buf[0])%len(alphabet)]
		i++
	}
	return string(out)
}

// v3ID is a Fast Purge purge/support ID; the prefix says the purge type, as Akamai's newer IDs do.
func v3ID(purgeType string) string {
	prefix := map[string]string{"url": "edup-", "cpcode": "edcp-", "tag": "edtp-"}[purgeType]
	if prefix == "" {
		prefix = "edrq-"
	}
	return prefix + randString(22, base62)
}

// supportID imitates the classic CCU support ID, e.g. "17PY1405953363409286-284546144".
func supportID() string {
	return "17PY" + randString(16, digits) + "-" + randString(9, digits)
}

// uuid4 is a random (version 4) UUID, the form v2 purge IDs take.
func uuid4() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// newCredential generates an .edgerc-shaped credential; the secret is 32 random bytes in base64
// like Akamai's, so it ends in "=" and exercises "split on the first = only" parsers.
func newCredential() Credential {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return Credential{
		ClientToken:  "akab-" + randString(16, lower) + "-" + randString(16, lower),
		AccessToken:  "akab-" + randString(16, lower) + "-" + randString(16, lower),
		ClientSecret: base64.StdEncoding.EncodeToString(secret),
	}
}
