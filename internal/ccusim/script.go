package ccusim

import (
	"context"
	"net"
	"net/http"
	"time"
)

// Step is one scripted answer to a purge POST (v2 or v3). Steps are consumed in order, one per
// purge POST, after authentication and validation succeeded, so a script never hides a real
// 400/413/415 (ResetBeforeBody is the exception: it is taken as soon as a purge POST arrives,
// before the body is read or checked). Fields combine in this order: Delay, then Hang, Reset,
// Contradict, Garble, Status/Body, ResetAfter; a Step with only Delay (or nothing) serves normally.
//
// Only ResetAfter, Garble and a plain Delay process the purge. Every other kind answers (or drops)
// without recording anything in Purges(), whatever status it sends: a client must treat a lost
// or garbled answer as "unknown", not as "purged".
type Step struct {
	Status        int    // answer with this status and a CCU problem body (0 = serve normally)
	Title, Detail string // problem title and detail; empty = the status's usual wording
	Body          string // raw bytes to send instead (malformed or truncated JSON, an HTML error page); Status 0 = 201
	ContentType   string // for Body; empty = application/json

	Delay           time.Duration // wait this long before answering; ends early if the client goes away or Close is called
	Reset           bool          // read the request, then close the connection without an answer
	ResetBeforeBody bool          // close the connection before reading the body
	ResetAfter      bool          // process the purge (it IS recorded), then close without an answer: the lost 201
	Contradict      bool          // answer 201 with a body whose httpStatus says 400; nothing is recorded
	Hang            bool          // never answer: wait until the client gives up or the server closes
	Garble          Garble        // process the purge, then spoil its answer's body (see Garble)
	BodyDelay       time.Duration // for GarbleSlow: how long the body comes after the status line

	// Started, if set, receives one value (sent without blocking) when the step is taken, so a
	// test can wait for a delayed or hanging request to be in flight without sleeping. Give it a
	// buffer.
	Started chan<- struct{}
}

// Outcome says how an exchange ended, since a purge POST can end without any status.
type Outcome string

// The outcomes of a purge POST.
const (
	OutcomeAnswered        Outcome = "answered"               // a response was sent (see Served.Status)
	OutcomeResetBeforeBody Outcome = "reset before body"      // scripted: closed before the body was read
	OutcomeReset           Outcome = "reset"                  // scripted: body read, closed unanswered
	OutcomeResetAfter      Outcome = "reset after processing" // scripted: processed, then closed unanswered
	OutcomeClientGone      Outcome = "client gone"            // the client went away during a delay, latency or hang
	OutcomeServerClosed    Outcome = "server closed"          // Close ended a delay, latency or hang
)

// Served is one purge POST as the server saw it, so tests can assert what a client did, e.g.
// "never resubmitted after a confirmed 201" or "retried after a reset".
type Served struct {
	API      string    // "v3" or "v2"
	Path     string    // request path
	Status   int       // HTTP status sent; 0 when nothing was sent
	Outcome  Outcome   // how the exchange ended
	Objects  []string  // validated objects; nil when the body was never read or failed validation
	PurgeID  string    // set when the purge was recorded (it is then in Purges())
	Scripted bool      // a Step decided the answer
	At       time.Time // when the exchange ended, on the Options.Now clock
}

// Script appends steps to the queue of scripted answers; purge POSTs take them in order. It is
// how tests (and `ccu-purge simulator --fail` and `--script`, through ParseScript) make the service
// misbehave in exactly the ways a client must survive.
func (s *Server) Script(steps ...Step) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.steps = append(s.steps, steps...)
}

// SetLatency adds d to every request (after its body is read, so a client that gives up is
// noticed), imitating a distant API endpoint. Zero or negative removes it.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(max(d, 0))) }

// Served returns every purge POST the server finished with, in the order they ended, including
// 400s, 429s and scripted drops. Not included: POSTs that failed authentication (the gateway,
// not CCU, turned them away) and POSTs whose client gave up during SetLatency's wait, which
// comes before authentication.
func (s *Server) Served() []Served {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Served, len(s.served))
	for i, x := range s.served {
		x.Objects = append([]string(nil), x.Objects...)
		out[i] = x
	}
	return out
}

// nextStep pops the next scripted step; beforeBody pops only a ResetBeforeBody step, leaving
// other steps for the stage after validation.
func (s *Server) nextStep(beforeBody bool) (Step, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.steps) == 0 || s.steps[0].ResetBeforeBody != beforeBody {
		return Step{}, false
	}
	st := s.steps[0]
	s.steps = s.steps[1:]
	if st.Started != nil {
		select {
		case st.Started <- struct{}{}:
		default:
		}
	}
	return st, true
}

// target is a validated purge: what a scripted step needs to answer in the right API's form,
// and commit, the normal processing (rate limits, Fail, Refuse, recording, 201).
type target struct {
	api       string // v2 or v3
	purgeType string // v3 purge type, for X-Ratelimit-* headers; "" for v2
	support   string // support ID for any problem body
	commit    func(http.ResponseWriter)
}

// answer runs the next scripted step, if any, around t.commit.
func (s *Server) answer(w http.ResponseWriter, r *request, t target) {
	st, ok := s.nextStep(false)
	if !ok {
		t.commit(w)
		return
	}
	r.ex.scripted = true
	if o := s.pause(r.Context(), st.Delay); o != "" {
		s.drop(w, r.ex, o)
	}
	switch {
	case st.Hang:
		s.drop(w, r.ex, s.pause(r.Context(), -1))
	case st.Reset:
		s.drop(w, r.ex, OutcomeReset)
	case st.Contradict:
		s.writeContradiction(w, t)
	case st.Garble != "":
		s.writeGarbled(w, r, t, st)
	case st.Status != 0 || st.Body != "":
		s.writeScripted(w, t, st)
	case st.ResetAfter:
		t.commit(newDiscard())
		s.drop(w, r.ex, OutcomeResetAfter)
	default:
		t.commit(w)
	}
}

// writeContradiction sends 201 with an error body: a status line and a body that disagree.
func (s *Server) writeContradiction(w http.ResponseWriter, t target) {
	p := newProblem(t.api, http.StatusBadRequest, "", "", t.support)
	writeJSON(w, http.StatusCreated, jsonType, p)
}

// writeScripted sends the step's raw body, or its status with a CCU problem body. On v3 the
// X-Ratelimit-* headers are included; a 429 reports the request bucket empty, like a real one.
func (s *Server) writeScripted(w http.ResponseWriter, t target, st Step) {
	if st.Body != "" {
		ct := st.ContentType
		if ct == "" {
			ct = jsonType
		}
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(cmpOr(st.Status, http.StatusCreated))
		_, _ = w.Write([]byte(st.Body))
		return
	}
	p := newProblem(t.api, st.Status, st.Title, st.Detail, t.support)
	s.writeV3Fault(w, t, p)
}

// writeV3Fault sends an injected problem; on v3 it adds the rate headers (and for 429 the rate
// fields) computed from the buckets without consuming any tokens.
func (s *Server) writeV3Fault(w http.ResponseWriter, t target, p problem) {
	if t.purgeType != "" {
		v := s.limits.peek(t.purgeType, s.now())
		if p.HTTPStatus == http.StatusTooManyRequests {
			v.req.tokens = 0
			limit, remaining, size := int(v.req.Burst), 0, 1
			p.RateLimit, p.RateLimitRemaining, p.RateLimitSize = &limit, &remaining, &size
		}
		v.setHeaders(w.Header())
	}
	writeProblem(w, p)
}

func cmpOr(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// pause waits d (forever if d < 0). It returns "" when the time is up, or why it stopped early:
// the client went away (its context ended) or the server is closing.
func (s *Server) pause(ctx context.Context, d time.Duration) Outcome {
	if d == 0 {
		return ""
	}
	var up <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		up = t.C
	}
	select {
	case <-up:
		return ""
	case <-ctx.Done():
		// Close also ends every request context (it closes the connections); report the cause.
		select {
		case <-s.closing:
			return OutcomeServerClosed
		default:
			return OutcomeClientGone
		}
	case <-s.closing:
		return OutcomeServerClosed
	}
}

// drop ends the exchange without an answer and never returns. On HTTP/1.1 it hijacks the
// connection and closes it at once (an abortive close where the socket allows, so the client
// sees a reset rather than a clean end); on HTTP/2, where hijacking is impossible, the
// http.ErrAbortHandler panic makes net/http reset the stream. That panic is net/http's own
// sentinel for exactly this: it is recovered by the server and not logged.
func (s *Server) drop(w http.ResponseWriter, ex *exchange, o Outcome) {
	ex.outcome = o
	s.finish(ex)
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		abortiveClose(conn)
	}
	panic(http.ErrAbortHandler)
}

// abortiveClose closes the TCP connection under TLS with SO_LINGER 0 (a RST), skipping the TLS
// close_notify so the client cannot mistake the end for an orderly one.
func abortiveClose(conn net.Conn) {
	raw := conn
	if nc, ok := conn.(interface{ NetConn() net.Conn }); ok {
		raw = nc.NetConn()
	}
	if tc, ok := raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = raw.Close()
}

// discard is a ResponseWriter that forgets the answer: ResetAfter processes a purge whose
// answer the client must never see (writing to the real connection would flush it on hijack).
type discard struct{ h http.Header }

func newDiscard() discard                     { return discard{http.Header{}} }
func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}
