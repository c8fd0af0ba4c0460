package ccusim

import (
	"bytes"
	"net/http"
	"strconv"
)

// Garble spoils the delivery of an answer the simulator really gave: the purge is processed
// (Purges() has it, as with a plain Delay) and its status line and headers are sent; only the
// body then goes wrong on the wire, as it may behind a proxy or on a dying connection. Once the
// status line says 201 the API has accepted the request, so a client must never send it again,
// whatever it makes of the body.
type Garble string

// The ways a body can go wrong after its status line.
const (
	GarbleShort        Garble = "short"        // Content-Length promises the whole body; half is sent, then the connection drops
	GarbleUnterminated Garble = "unterminated" // chunked; half the body is sent, then the connection drops before the last chunk
	GarbleGzip         Garble = "bad-gzip"     // Content-Encoding: gzip over a body that is not gzip
	GarbleSlow         Garble = "slow-body"    // the status line and headers at once, the body after Step.BodyDelay
)

// OutcomeBodyCut is a Garble that dropped the connection in the middle of the body: the status
// was sent (Served.Status has it), the body was not all sent.
const OutcomeBodyCut Outcome = "body cut"

// writeGarbled processes the purge into a buffer, then sends that answer spoiled as st.Garble
// says.
func (s *Server) writeGarbled(w http.ResponseWriter, r *request, t target, st Step) {
	c := &capture{h: http.Header{}}
	t.commit(c)
	for k, v := range c.h {
		w.Header()[k] = v
	}
	body := c.body.Bytes()
	switch st.Garble {
	case GarbleGzip:
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Del("Content-Length")
		w.WriteHeader(c.status)
		_, _ = w.Write(body)
		return
	case GarbleSlow:
		w.WriteHeader(c.status)
		_ = http.NewResponseController(w).Flush()
		if o := s.pause(r.Context(), st.BodyDelay); o != "" {
			s.drop(w, r.ex, o)
		}
		_, _ = w.Write(body)
		return
	case GarbleShort:
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	case GarbleUnterminated:
		w.Header().Del("Content-Length") // HTTP/1.1 then sends it chunked
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	s.drop(w, r.ex, OutcomeBodyCut)
}

// capture is a ResponseWriter that keeps the answer, for writeGarbled to send spoiled.
type capture struct {
	h      http.Header
	status int
	body   bytes.Buffer
}

func (c *capture) Header() http.Header { return c.h }
func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}
func (c *capture) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
