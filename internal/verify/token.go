package verify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// maxTokenTTL caps a debug token's life: a leaked token stops working
// within a day.
const maxTokenTTL = 24 * time.Hour

// debugACL is the token's access list, "/*" URL-encoded as EdgeAuth
// writes it: every path of the property.
const debugACL = "%2f*"

// DebugToken makes the Akamai-Debug token that Enhanced Debug takes:
// "exp=<unix time>~acl=%2f*~hmac=<hex HMAC-SHA256 of the rest>", valid
// for ttl (at most 24 h; a ttl of 0 or less is one minute). It is sent as
// "Akamai-Debug: <token> cache".
//
// It is written here rather than taken from Akamai's EdgeAuth-Token-Golang
// module because that module is not available to this build, and the
// token is one HMAC over two fields.
func DebugToken(key []byte, now time.Time, ttl time.Duration) string {
	if ttl <= 0 {
		ttl = time.Minute
	}
	ttl = min(ttl, maxTokenTTL)
	fields := "exp=" + strconv.FormatInt(now.Add(ttl).Unix(), 10) + "~acl=" + debugACL
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(fields))
	return fields + "~hmac=" + hex.EncodeToString(mac.Sum(nil))
}
