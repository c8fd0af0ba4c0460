package ccusim

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// v3Body is the Fast Purge request; Hostname is only valid for url purges.
type v3Body struct {
	Hostname *string           `json:"hostname"`
	Objects  []json.RawMessage `json:"objects"`
}

// validPurgeType reports whether t is a Fast Purge type, i.e. has its own object bucket.
func validPurgeType(t string) bool { return t == "url" || t == "cpcode" || t == "tag" }

// validV3Path checks {action}/{type}[/{network}].
func validV3Path(seg []string) bool {
	if seg[0] != "invalidate" && seg[0] != "delete" {
		return false
	}
	if !validPurgeType(seg[1]) {
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
	r.ex.objects = objects
	t := target{api: "v3", purgeType: purge.Type, support: id}
	t.commit = func(w http.ResponseWriter) { s.commitV3(w, r, t, purge) }
	s.answer(w, r, t)
}

// commitV3 is the normal processing of a valid v3 purge: an injected Fail, then the token
// buckets, then refusals, then the 201. A refused request has spent its tokens: the service did
// the work of looking at it (an assumption; Akamai does not say).
func (s *Server) commitV3(w http.ResponseWriter, r *request, t target, purge Purge) {
	if p := s.failure("v3", t.support); p != nil {
		s.writeV3Fault(w, t, *p)
		return
	}
	v := s.limits.take(purge.Type, len(purge.Objects), s.now())
	v.setHeaders(w.Header())
	if v.short != "" {
		writeProblem(w, v.problem(len(purge.Objects), t.support))
		return
	}
	if p := s.refusal("v3", purge.Type, purge.Objects, t.support); p != nil {
		writeProblem(w, *p)
		return
	}
	purge.PurgeID, purge.SupportID, purge.Submitted = t.support, t.support, s.now()
	s.mu.Lock()
	s.record(purge)
	s.mu.Unlock()
	r.ex.purgeID = purge.PurgeID
	writeJSON(w, http.StatusCreated, jsonType, map[string]any{
		"httpStatus": http.StatusCreated, "estimatedSeconds": s.opts.V3Seconds, "purgeId": t.support,
		"supportId": t.support, "detail": "Request accepted",
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
