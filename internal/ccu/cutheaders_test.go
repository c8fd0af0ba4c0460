package ccu

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// TestSubmitAnswerCutInHeaders: a purge whose answer breaks off after its
// first bytes (a status line that may say 201, then no blank line) is sent
// once and reported unconfirmed; before, Go's transport hid the status line
// and the request was retried for the whole budget (249 POSTs in 3 s).
func TestSubmitAnswerCutInHeaders(t *testing.T) {
	for name, raw := range map[string]string{
		"cut in headers":   "HTTP/1.1 201 Created\r\nContent-Type: applic",
		"status line only": "HTTP/1.1 201 Created\r\n",
		"no blank line":    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			var n atomic.Int64
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				conn, buf, err := w.(http.Hijacker).Hijack()
				if err != nil {
					t.Error(err)
					return
				}
				buf.WriteString(raw)
				buf.Flush()
				conn.Close()
			}))
			srv.StartTLS()
			defer srv.Close()
			c := stubClient(t, hostOf(srv), srv)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			sent := c.Submit(ctx, []purge.Batch{{API: "fast-purge", Action: "invalidate", Network: "production", Type: "url", Objects: []string{"https://a.example/x"}}}, fast)
			if got := n.Load(); got != 1 {
				t.Errorf("%d requests, want 1", got)
			}
			if !errors.Is(sent[0].Err, errCutAnswer) {
				t.Errorf("error %v, want the cut answer named", sent[0].Err)
			}
		})
	}
}
