package ccusim

import (
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
)

// statusRecorder remembers the status for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// ServeHTTP authenticates every request (as Akamai's gateway does, before any routing), then
// dispatches to the v3 or v2 handlers. It is exported so a Server can also be mounted in
// httptest or another mux.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.handle(rec, r)
	s.logf("%s %s %d", r.Method, r.URL.EscapedPath(), rec.status)
}

// request is what the handlers need after authentication.
type request struct {
	*http.Request
	body []byte
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(r)
	if err != nil {
		writeProblem(w, newProblem("v3", http.StatusBadRequest, "", "could not read request body", supportID()))
		return
	}
	path := r.URL.EscapedPath()
	if r.URL.RawQuery != "" {
		path += "?" + r.URL.RawQuery
	}
	if err := s.verifier.Verify(r.Method, "https", r.Host, path, r.Header, body); err != nil {
		var ae *AuthError
		if !errors.As(err, &ae) {
			ae = &AuthError{Status: http.StatusUnauthorized, Detail: detailBadSignature}
		}
		s.writeAuthError(w, r, ae)
		return
	}
	s.route(w, &request{Request: r, body: body})
}

// route matches the three CCU path families by segment; a hand-written router (rather than
// http.ServeMux) lets 404 and 405 answer with CCU problem bodies.
func (s *Server) route(w http.ResponseWriter, r *request) {
	seg := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch {
	case len(seg) >= 4 && len(seg) <= 5 && seg[0] == "ccu" && seg[1] == "v3" && validV3Path(seg[2:]):
		if allow(w, r, http.MethodPost) {
			s.handleV3(w, r, seg[2:])
		}
	case (len(seg) == 4 || len(seg) == 5 && seg[4] == "") && seg[0] == "ccu" && seg[1] == "v2" &&
		seg[2] == "queues" && (seg[3] == "default" || seg[3] == "emergency"):
		if allow(w, r, http.MethodGet, http.MethodHead, http.MethodPost) {
			s.handleV2Queue(w, r, seg[3])
		}
	case len(seg) == 4 && seg[0] == "ccu" && seg[1] == "v2" && seg[2] == "purges" && seg[3] != "":
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

// injectedFault consumes one Fail credit or finds a refused object; it runs after validation so
// that only requests the real API would have accepted are affected.
func (s *Server) injectedFault(api, refusedTitle string, objects []string, support string) *problem {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN > 0 {
		s.failN--
		p := newProblem(api, s.failWith.HTTPStatus, s.failWith.Title, s.failWith.Detail, support)
		return &p
	}
	for _, o := range objects {
		if s.refused[o] {
			p := newProblem(api, http.StatusForbidden, refusedTitle, o, support)
			return &p
		}
	}
	return nil
}
