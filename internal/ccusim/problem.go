package ccusim

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
)

// Content types of the two error families. Auth failures come from Akamai's API gateway in
// RFC 7807 form; CCU's own errors use the older api-problem form with httpStatus/supportId.
const (
	gatewayProblemType = "application/problem+json"
	ccuProblemType     = "application/api-problem+json"
	jsonType           = "application/json"
)

const (
	v3DescribedBy = "https://techdocs.akamai.com/purge-cache/reference/api-errors"
	v2ErrorsBase  = "https://api.ccu.akamai.com/ccu/v2/errors/"
)

// gatewayProblem is the body of an authentication failure, as recorded from the real gateway.
type gatewayProblem struct {
	Type        string `json:"type"`
	Title       string `json:"title"`
	Status      int    `json:"status"`
	Detail      string `json:"detail"`
	Instance    string `json:"instance"`
	Method      string `json:"method"`
	ServerIP    string `json:"serverIp"`
	ClientIP    string `json:"clientIp"`
	RequestID   string `json:"requestId"`
	RequestTime string `json:"requestTime"`
}

// problem is a CCU error body (v2 and v3 share it). Extra carries the 429-only rate fields.
type problem struct {
	HTTPStatus  int    `json:"httpStatus"`
	Title       string `json:"title"`
	Detail      string `json:"detail"`
	SupportID   string `json:"supportId"`
	DescribedBy string `json:"describedBy"`

	RateLimit          *int `json:"rateLimit,omitempty"`
	RateLimitRemaining *int `json:"rateLimitRemaining,omitempty"`
	RateLimitSize      *int `json:"rateLimitCurrentRequestSize,omitempty"`
}

// writeJSON sends v with the given status; encoding our own structs cannot fail.
func writeJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeAuthError answers like the gateway. The detail is one of a few fixed strings, never a
// token or the Authorization header.
func (s *Server) writeAuthError(w http.ResponseWriter, r *http.Request, e *AuthError) {
	p := gatewayProblem{
		Type:        "https://problems.luna.akamaiapis.net/-/pep-authn/deny",
		Title:       "Not authorized",
		Status:      e.Status,
		Detail:      e.Detail,
		Instance:    "https://" + r.Host + r.URL.EscapedPath(),
		Method:      r.Method,
		ServerIP:    "127.0.0.1",
		ClientIP:    clientIP(r),
		RequestID:   randString(8, "0123456789abcdef"),
		RequestTime: s.now().UTC().Format(rfc3339Z),
	}
	if e.Status == http.StatusBadRequest {
		p.Type = "https://problems.luna.akamaiapis.net/-/pep-authn/request-error"
		p.Title = "Bad request"
	}
	writeJSON(w, e.Status, gatewayProblemType, p)
}

// clientIP is the peer address without its port.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// defaultTitles gives Fail a sensible title/detail per status, taken from recorded or documented
// Akamai bodies where one exists.
var defaultTitles = map[int][2]string{
	400: {"bad request", "Invalid request"},
	401: {"Unauthorized", "You are not authorized to invalidate this resource."},
	403: {"forbidden", "You are not authorized to purge these objects."},
	404: {"not found", "The requested resource was not found."},
	405: {"method not allowed", "The method is not allowed for this resource."},
	413: {"request entity too large", "The request body exceeds the maximum size of 50,000 bytes."},
	415: {"unsupported media type", "Content-Type must be application/json."},
	429: {"Rate Limit exceeded", "Too many requests; retry later."},
	500: {"internal error", "If problem persists over multiple requests, please contact Customer Care"},
	502: {"bad gateway", "The upstream service is unavailable."},
	503: {"service unavailable", "The service is temporarily unavailable; retry later."},
	504: {"gateway timeout", "The upstream service timed out."},
	507: {"queue is full", "User's queue is full"},
}

// newProblem builds a CCU problem; empty title/detail take the status default. describedBy
// follows the API generation: v2 used per-error URLs, v3 one documentation page.
func newProblem(api string, status int, title, detail, support string) problem {
	def, ok := defaultTitles[status]
	if !ok {
		def = [2]string{http.StatusText(status), http.StatusText(status)}
	}
	if title == "" {
		title = def[0]
	}
	if detail == "" {
		detail = def[1]
	}
	described := v3DescribedBy
	if api == "v2" {
		described = v2ErrorsBase + slug(title)
	}
	return problem{HTTPStatus: status, Title: title, Detail: detail, SupportID: support, DescribedBy: described}
}

// slug turns "queue is full" into "queue-is-full", the form of the recorded v2 describedBy URLs.
func slug(title string) string {
	b := []byte(title)
	for i, c := range b {
		if c == ' ' {
			b[i] = '-'
		}
	}
	return string(b)
}

// writeProblem sends a CCU problem with the api-problem content type.
func writeProblem(w http.ResponseWriter, p problem) {
	writeJSON(w, p.HTTPStatus, ccuProblemType, p)
}
