package ccusim

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"
)

// statusRecorder remembers the status for the request log and Served; 0 = nothing sent yet.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (to hijack it for scripted resets).
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// exchange is what ServeHTTP reports about one request once it ends, however it ends.
type exchange struct {
	w        *statusRecorder
	method   string
	path     string // escaped, for the log
	rawPath  string // decoded, for Served
	finished bool   // finish ran: a drop records before closing, so the client never wins the race
	purge    bool   // a purge POST that passed authentication, or one reset before its body
	api      string
	objects  []string
	purgeID  string
	outcome  Outcome
	scripted bool
}

// ServeHTTP authenticates every request (as Akamai's gateway does, before any routing), then
// dispatches to the v3 or v2 handlers. It is exported so a Server can also be mounted in
// httptest or another mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if !s.enter() {
		panic(http.ErrAbortHandler) // closing: answer nothing, as a server going away does
	}
	defer s.handlers.Done()
	rec := &statusRecorder{ResponseWriter: w}
	ex := &exchange{w: rec, method: r.Method, path: r.URL.EscapedPath(), rawPath: r.URL.Path, outcome: OutcomeAnswered}
	defer s.finish(ex) // also runs when a scripted drop aborts the handler
	s.handle(rec, r, ex)
}

// finish logs the request and, for purge POSTs, records what was served. It runs once, before
// the client can see the end of the exchange: an answer is flushed only after ServeHTTP returns,
// and drop calls finish before closing the connection.
func (s *Server) finish(ex *exchange) {
	if ex.finished {
		return
	}
	ex.finished = true
	suffix := ""
	if ex.scripted {
		suffix = " (scripted)"
	}
	if ex.outcome == OutcomeAnswered {
		s.logf("%s %s %d%s", ex.method, ex.path, ex.w.status, suffix)
	} else {
		s.logf("%s %s no answer: %s%s", ex.method, ex.path, ex.outcome, suffix)
	}
	if !ex.purge {
		return
	}
	sv := Served{API: ex.api, Path: ex.rawPath, Outcome: ex.outcome, Objects: ex.objects,
		PurgeID: ex.purgeID, Scripted: ex.scripted, At: s.now()}
	if ex.outcome == OutcomeAnswered || ex.outcome == OutcomeBodyCut {
		sv.Status = ex.w.status
	}
	s.mu.Lock()
	s.served = append(s.served, sv)
	s.mu.Unlock()
	if s.opts.OnServed != nil {
		sv.Objects = append([]string(nil), sv.Objects...)
		s.opts.OnServed(sv)
	}
}

// request is what the handlers need after authentication.
type request struct {
	*http.Request
	body []byte
	ex   *exchange
}

// handle runs the stages every request goes through: a scripted reset that must happen before
// the body is read, the body, the configured latency (after the body, so a client that gives up
// is noticed), authentication, then routing.
func (s *Server) handle(w http.ResponseWriter, r *http.Request, ex *exchange) {
	kind, seg := classify(r.URL.Path)
	if r.Method == http.MethodPost && (kind == routeV3Purge || kind == routeV2Queue) {
		if _, ok := s.nextStep(true); ok {
			ex.purge, ex.api, ex.scripted = true, seg[1], true
			s.drop(w, ex, OutcomeResetBeforeBody)
		}
	}
	body, err := s.readBody(r)
	if err != nil {
		writeProblem(w, newProblem("v3", http.StatusBadRequest, "", "could not read request body", supportID()))
		return
	}
	if o := s.pause(r.Context(), time.Duration(s.latency.Load())); o != "" {
		s.drop(w, ex, o)
	}
	if !s.authenticate(w, r, body) {
		return
	}
	s.route(w, &request{Request: r, body: body, ex: ex}, kind, seg)
}

// authenticate verifies the EdgeGrid signature and answers like the gateway when it fails.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, body []byte) bool {
	path := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	err := s.verifier.Verify(r.Method, "https", r.Host, path, r.Header, body)
	if err == nil {
		return true
	}
	var ae *AuthError
	if !errors.As(err, &ae) {
		ae = &AuthError{Status: http.StatusUnauthorized, Detail: detailBadSignature}
	}
	s.writeAuthError(w, r, ae)
	return false
}

// routeKind names the CCU path families.
type routeKind int

const (
	routeNone routeKind = iota
	routeV3Purge
	routeV3RateStatus
	routeV2Queue
	routeV2Status
)

// classify matches a path by segment; a hand-written router (rather than http.ServeMux) lets
// 404 and 405 answer with CCU problem bodies, and lets a scripted reset know a purge POST from
// its path alone, before the body is read.
func classify(path string) (routeKind, []string) {
	seg := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case len(seg) == 4 && seg[0] == "ccu" && seg[1] == "v3" && seg[2] == "rate-limit-status" && validPurgeType(seg[3]):
		return routeV3RateStatus, seg
	case len(seg) >= 4 && len(seg) <= 5 && seg[0] == "ccu" && seg[1] == "v3" && validV3Path(seg[2:]):
		return routeV3Purge, seg
	case (len(seg) == 4 || len(seg) == 5 && seg[4] == "") && seg[0] == "ccu" && seg[1] == "v2" &&
		seg[2] == "queues" && (seg[3] == "default" || seg[3] == "emergency"):
		return routeV2Queue, seg
	case len(seg) == 4 && seg[0] == "ccu" && seg[1] == "v2" && seg[2] == "purges" && seg[3] != "":
		return routeV2Status, seg
	}
	return routeNone, seg
}

func (s *Server) route(w http.ResponseWriter, r *request, kind routeKind, seg []string) {
	switch kind {
	case routeV3RateStatus:
		if allow(w, r, http.MethodPost) {
			s.handleRateStatus(w, seg[3])
		}
	case routeV3Purge:
		if allow(w, r, http.MethodPost) {
			r.ex.purge, r.ex.api = true, "v3"
			s.handleV3(w, r, seg[2:])
		}
	case routeV2Queue:
		if r.Method == http.MethodPost {
			r.ex.purge, r.ex.api = true, "v2"
		}
		if allow(w, r, http.MethodGet, http.MethodHead, http.MethodPost) {
			s.handleV2Queue(w, r, seg[3])
		}
	case routeV2Status:
		if allow(w, r, http.MethodGet, http.MethodHead) {
			s.handleV2Status(w, seg[3])
		}
	default:
		writeProblem(w, newProblem("v3", http.StatusNotFound, "",
			fmt.Sprintf("No resource at %s.", r.URL.EscapedPath()), supportID()))
	}
}

// allow answers 405 with an Allow header unless r uses one of methods.
func allow(w http.ResponseWriter, r *request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeProblem(w, newProblem("v3", http.StatusMethodNotAllowed, "",
		fmt.Sprintf("Method %s is not allowed; use %s.", r.Method, strings.Join(methods, " or ")), supportID()))
	return false
}

// checkPost applies the content checks every purge POST gets, in the order the real API
// reports them: media type (415), then size (413).
func (s *Server) checkPost(r *request, api string) *problem {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != jsonType {
		p := newProblem(api, http.StatusUnsupportedMediaType, "",
			fmt.Sprintf("Content-Type must be application/json, got %q.", r.Header.Get("Content-Type")), supportID())
		return &p
	}
	if len(r.body) > s.opts.MaxBody {
		p := newProblem(api, http.StatusRequestEntityTooLarge, "",
			fmt.Sprintf("The request body exceeds the maximum size of %d bytes.", s.opts.MaxBody), supportID())
		return &p
	}
	return nil
}

// failure consumes one Fail credit; it runs after validation so that only requests the real
// API would have accepted are affected.
func (s *Server) failure(api, support string) *problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN == 0 {
		return nil
	}
	s.failN--
	p := newProblem(api, s.failWith.HTTPStatus, s.failWith.Title, s.failWith.Detail, support)
	return &p
}

// refusal answers 403 for the first refused object: like the real API, one object outside the
// contract fails the whole request, and the detail names it so a client can bisect.
func (s *Server) refusal(api, purgeType string, objects []string, support string) *problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range objects {
		if s.refused[o] {
			p := newProblem(api, http.StatusForbidden, "unauthorized "+refusedKind(purgeType), o, support)
			return &p
		}
	}
	return nil
}
