package ccusim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// v2Record is the lifecycle state of one accepted v2 purge.
type v2Record struct {
	purge       Purge
	queueLength int       // objects ahead of it when it was submitted
	doneAt      time.Time // on the Options.Now clock
}

// v2Body is the legacy request; nil enum fields take their documented defaults.
type v2Body struct {
	Objects []json.RawMessage `json:"objects"`
	Type    *string           `json:"type"`
	Action  *string           `json:"action"`
	Domain  *string           `json:"domain"`
}

// handleV2Queue serves GET (length) and POST (submit) on /ccu/v2/queues/{queue}.
func (s *Server) handleV2Queue(w http.ResponseWriter, r *request, queue string) {
	if r.Method != http.MethodPost {
		s.mu.Lock()
		n := s.queueLength(queue, s.now())
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, jsonType, map[string]any{
			"supportId": supportID(), "httpStatus": http.StatusOK, "queueLength": n,
			"detail": "The queue may take a minute to reflect new or removed requests.",
		})
		return
	}
	s.submitV2(w, r, queue)
}

// submitV2 validates a v2 purge, then hands it to the script or to commitV2.
func (s *Server) submitV2(w http.ResponseWriter, r *request, queue string) {
	support := supportID()
	if p := s.checkPost(r, "v2"); p != nil {
		p.SupportID = support
		writeProblem(w, *p)
		return
	}
	purge, err := parseV2(r.body)
	if err != nil {
		writeBadRequest(w, "v2", err, support)
		return
	}
	if n := s.opts.V2MaxObjects; n > 0 && len(purge.Objects) > n {
		writeProblem(w, newProblem("v2", http.StatusRequestEntityTooLarge, "",
			fmt.Sprintf("A request may hold at most %d objects, got %d.", n, len(purge.Objects)), support))
		return
	}
	purge.Queue, purge.SupportID = queue, support
	r.ex.objects = purge.Objects
	t := target{api: "v2", support: support}
	t.commit = func(w http.ResponseWriter) { s.commitV2(w, r, purge) }
	s.answer(w, r, t)
}

// commitV2 is the normal processing of a valid v2 purge: Fail and Refuse apply before the
// capacity check, then the purge is queued and acknowledged.
func (s *Server) commitV2(w http.ResponseWriter, r *request, purge Purge) {
	p := s.failure("v2", purge.SupportID)
	if p == nil {
		p = s.refusal("v2", purge.Type, purge.Objects, purge.SupportID)
	}
	if p != nil {
		writeProblem(w, *p)
		return
	}
	rec, p := s.enqueue(purge)
	if p != nil {
		writeProblem(w, *p)
		return
	}
	r.ex.purgeID = rec.purge.PurgeID
	uri := "/ccu/v2/purges/" + rec.purge.PurgeID
	w.Header().Set("Content-Location", uri)
	writeJSON(w, http.StatusCreated, jsonType, map[string]any{
		"estimatedSeconds": s.opts.V2Seconds, "progressUri": uri, "purgeId": rec.purge.PurgeID,
		"supportId": purge.SupportID, "httpStatus": http.StatusCreated, "detail": "Request accepted.",
		"pingAfterSeconds": s.opts.V2Seconds,
	})
}

// parseV2 decodes the body, applies the defaults (arl, remove, production) and validates objects.
func parseV2(body []byte) (Purge, error) {
	var b v2Body
	if err := decodeStrict(body, &b); err != nil {
		return Purge{}, err
	}
	if err := requireObjects(b.Objects); err != nil {
		return Purge{}, err
	}
	p := Purge{API: "v2"}
	var err error
	for _, f := range []struct {
		dst   *string
		val   *string
		name  string
		valid []string
	}{
		{&p.Type, b.Type, "type", []string{"arl", "cpcode"}},
		{&p.Action, b.Action, "action", []string{"remove", "invalidate"}},
		{&p.Network, b.Domain, "domain", []string{"production", "staging"}},
	} {
		if *f.dst, err = enum(f.name, f.val, f.valid); err != nil {
			return Purge{}, err
		}
	}
	if p.Type == "cpcode" {
		p.Objects, err = cpcodeObjects(b.Objects)
	} else {
		p.Objects, err = urlObjects(b.Objects, nil)
	}
	return p, err
}

// enum returns the value, the default (valid[0]) when absent, or a 400 listing the valid values.
func enum(name string, val *string, valid []string) (string, error) {
	if val == nil {
		return valid[0], nil
	}
	for _, v := range valid {
		if *val == v {
			return v, nil
		}
	}
	return "", &badRequest{"bad request", fmt.Sprintf("Invalid %s %q: valid values are %q", name, truncate(*val), valid)}
}

// enqueue records the purge unless it would take its queue past capacity (507, as the real API
// answered a full queue). Check and insert happen under one lock so concurrent POSTs cannot
// overfill a queue.
func (s *Server) enqueue(p Purge) (*v2Record, *problem) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	length := s.queueLength(p.Queue, now)
	if length+len(p.Objects) > s.opts.QueueCapacity[p.Queue] {
		prob := newProblem("v2", http.StatusInsufficientStorage, "queue is full", "User's queue is full", p.SupportID)
		return nil, &prob
	}
	p.PurgeID, p.Submitted = uuid4(), now
	rec := &v2Record{purge: p, queueLength: length, doneAt: now.Add(time.Duration(s.opts.V2Seconds) * time.Second)}
	s.v2[p.PurgeID] = rec
	s.record(p)
	return rec, nil
}

// queueLength counts the objects of the queue's purges that are not yet Done. Callers hold s.mu.
func (s *Server) queueLength(queue string, now time.Time) int {
	n := 0
	for _, rec := range s.v2 {
		if rec.purge.Queue == queue && now.Before(rec.doneAt) {
			n += len(rec.purge.Objects)
		}
	}
	return n
}

// v2Status is the GET /ccu/v2/purges/{id} body; pointers render the recorded nulls.
type v2Status struct {
	OriginalEstimatedSeconds *int    `json:"originalEstimatedSeconds,omitempty"`
	ProgressURI              *string `json:"progressUri,omitempty"`
	OriginalQueueLength      *int    `json:"originalQueueLength,omitempty"`
	PurgeID                  string  `json:"purgeId"`
	SupportID                string  `json:"supportId"`
	HTTPStatus               int     `json:"httpStatus"`
	Detail                   string  `json:"detail,omitempty"`
	CompletionTime           *string `json:"completionTime"`
	SubmittedBy              *string `json:"submittedBy"`
	PurgeStatus              string  `json:"purgeStatus"`
	SubmissionTime           *string `json:"submissionTime"`
	PingAfterSeconds         *int    `json:"pingAfterSeconds,omitempty"`
}

// submittedBy stands in for the Luna user name; the client token is deliberately not used
// because the simulator never echoes credentials.
const submittedBy = "ccusim"

// handleV2Status reports In-Progress until V2Seconds have passed on the Options.Now clock, then
// Done. An unknown ID is 200 "Unknown", not 404: the real API cannot tell "never existed" from
// "not visible yet".
func (s *Server) handleV2Status(w http.ResponseWriter, id string) {
	s.mu.Lock()
	rec, ok := s.v2[id]
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusOK, jsonType, unknownStatus(id))
		return
	}
	writeJSON(w, http.StatusOK, jsonType, s.knownStatus(rec, s.now()))
}

func unknownStatus(id string) v2Status {
	uri, ping := "/ccu/v2/purges/"+id, 60
	return v2Status{
		PurgeID: id, ProgressURI: &uri, SupportID: supportID(), HTTPStatus: http.StatusOK,
		Detail:      "Please note that it can take up to a minute for the status of a recently submitted request to become visible.",
		PurgeStatus: "Unknown", PingAfterSeconds: &ping,
	}
}

// knownStatus follows the recorded bodies: In-Progress carries progressUri and pingAfterSeconds
// (here the seconds left, so a polling client wakes up when it is Done); Done has neither.
func (s *Server) knownStatus(rec *v2Record, now time.Time) v2Status {
	est, qlen, by := s.opts.V2Seconds, rec.queueLength, submittedBy
	submitted := rec.purge.Submitted.UTC().Format(rfc3339Z)
	st := v2Status{
		OriginalEstimatedSeconds: &est, OriginalQueueLength: &qlen, PurgeID: rec.purge.PurgeID,
		SupportID: rec.purge.SupportID, HTTPStatus: http.StatusOK, SubmittedBy: &by,
		SubmissionTime: &submitted, PurgeStatus: "Done",
	}
	if !now.Before(rec.doneAt) {
		done := rec.doneAt.UTC().Format(rfc3339Z)
		st.CompletionTime = &done
		return st
	}
	uri := "/ccu/v2/purges/" + rec.purge.PurgeID
	ping := max(int((rec.doneAt.Sub(now)+time.Second-1)/time.Second), 1)
	st.ProgressURI, st.PingAfterSeconds, st.PurgeStatus = &uri, &ping, "In-Progress"
	return st
}
