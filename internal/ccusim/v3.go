package ccusim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// v3Body is the Fast Purge request; Hostname is only valid for url purges.
type v3Body struct {
	Hostname *string           `json:"hostname"`
	Objects  []json.RawMessage `json:"objects"`
}

// v3Limits are Akamai's documented token-bucket sizes and refill rates per second, used for the
// X-Ratelimit-* headers until the simulator models real buckets.
var v3Limits = map[string]struct {
	burst int
	rate  float64
}{
	"url":    {10000, 200},
	"cpcode": {300, 30.0 / 60},
	"tag":    {5000, 500.0 / 60},
}

// v3 responses use these static request-bucket values (burst 100, 50 per second).
const (
	v3RequestBurst = 100
	v3RequestRate  = 50.0
)

// validV3Path checks {action}/{type}[/{network}].
func validV3Path(seg []string) bool {
	if seg[0] != "invalidate" && seg[0] != "delete" {
		return false
	}
	if _, ok := v3Limits[seg[1]]; !ok {
		return false
	}
	return len(seg) == 2 || seg[2] == "production" || seg[2] == "staging"
}

// handleV3 serves POST /ccu/v3/{action}/{type}[/{network}]; no network segment means production.
func (s *Server) handleV3(w http.ResponseWriter, r *request, seg []string) {
	purge := Purge{API: "v3", Action: seg[0], Type: seg[1], Network: "production"}
	if len(seg) == 3 {
		purge.Network = seg[2]
	}
	id := v3ID(purge.Type)
	if p := s.checkPost(r, "v3"); p != nil {
		p.SupportID = id
		writeProblem(w, *p)
		return
	}
	objects, hostname, err := v3Objects(purge.Type, r.body)
	if err != nil {
		writeBadRequest(w, "v3", err, id)
		return
	}
	purge.Objects, purge.Hostname = objects, hostname
	if p := s.injectedFault("v3", "unauthorized "+refusedKind(purge.Type), objects, id); p != nil {
		setRateHeaders(w, purge.Type, len(objects), p.HTTPStatus == http.StatusTooManyRequests)
		writeProblem(w, *p)
		return
	}
	purge.PurgeID, purge.SupportID, purge.Submitted = id, id, s.now()
	s.mu.Lock()
	s.purges = append(s.purges, purge)
	s.mu.Unlock()
	setRateHeaders(w, purge.Type, len(objects), false)
	writeJSON(w, http.StatusCreated, jsonType, map[string]any{
		"httpStatus": http.StatusCreated, "estimatedSeconds": 5, "purgeId": id,
		"supportId": id, "detail": "Request accepted",
	})
}

// v3Objects decodes and validates the body for the purge type.
func v3Objects(purgeType string, body []byte) (objects []string, hostname string, err error) {
	var b v3Body
	if err := decodeStrict(body, &b); err != nil {
		return nil, "", err
	}
	if err := requireObjects(b.Objects); err != nil {
		return nil, "", err
	}
	if b.Hostname != nil && purgeType != "url" {
		return nil, "", &badRequest{"bad request", fmt.Sprintf(`"hostname" is only allowed for url purges, not %s`, purgeType)}
	}
	switch purgeType {
	case "url":
		objects, err = urlObjects(b.Objects, b.Hostname)
		if b.Hostname != nil {
			hostname = *b.Hostname
		}
	case "cpcode":
		objects, err = cpcodeObjects(b.Objects)
	default:
		objects, err = tagObjects(b.Objects)
	}
	return objects, hostname, err
}

// refusedKind is the noun in the 403 title: ARLs and URLs share "arl", as in recorded bodies.
func refusedKind(purgeType string) string {
	if purgeType == "url" || purgeType == "arl" {
		return "arl"
	}
	return purgeType
}

// setRateHeaders emits the X-Ratelimit-* headers Fast Purge sends on every purge response.
// The values are plausible statics: full buckets minus this request, or empty when exhausted.
func setRateHeaders(w http.ResponseWriter, purgeType string, n int, exhausted bool) {
	lim := v3Limits[purgeType]
	remaining, remainingObjects := v3RequestBurst-1, max(lim.burst-n, 0)
	if exhausted {
		remaining = 0
	}
	h := w.Header()
	h.Set("X-Ratelimit-Limit", strconv.Itoa(v3RequestBurst))
	h.Set("X-Ratelimit-Limit-Per-Second", fmt.Sprintf("%.2f", v3RequestRate))
	h.Set("X-Ratelimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-Ratelimit-Seconds-To-Refresh-Limit", fmt.Sprintf("%.6f", float64(v3RequestBurst-remaining)/v3RequestRate))
	h.Set("X-Ratelimit-Limit-Objects", strconv.Itoa(lim.burst))
	h.Set("X-Ratelimit-Limit-Per-Second-Objects", fmt.Sprintf("%.2f", lim.rate))
	h.Set("X-Ratelimit-Remaining-Objects", strconv.Itoa(remainingObjects))
	h.Set("X-Ratelimit-Seconds-To-Refresh-Limit-Objects", fmt.Sprintf("%.6f", float64(lim.burst-remainingObjects)/lim.rate))
}
