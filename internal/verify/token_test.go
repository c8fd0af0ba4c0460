package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"
)

func TestDebugToken(t *testing.T) {
	t.Parallel()
	key, _ := hex.DecodeString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	now := time.Unix(1_800_000_000, 0)
	sign := func(msg string) string {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(msg))
		return msg + "~hmac=" + hex.EncodeToString(m.Sum(nil))
	}
	for _, c := range []struct {
		name string
		ttl  time.Duration
		want string
	}{
		{"five minutes", 5 * time.Minute, sign("exp=1800000300~acl=%2f*")},
		{"capped at a day", 72 * time.Hour, sign("exp=1800086400~acl=%2f*")},
		{"no ttl is a minute", 0, sign("exp=1800000060~acl=%2f*")},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := DebugToken(key, now, c.ttl); got != c.want {
				t.Errorf("DebugToken = %q\nwant          %q", got, c.want)
			}
		})
	}
	if DebugToken([]byte("other"), now, time.Minute) == DebugToken(key, now, time.Minute) {
		t.Error("two keys make the same token")
	}
}
