package ccu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Each retry reaches OnRetry with its request, attempt, reason in words,
// delay and the budget left, and an accepted request counts its attempts.
func TestSubmitTellsEachRetry(t *testing.T) {
	for _, tc := range []struct {
		name    string
		steps   []ccusim.Step
		reasons []string
	}{
		{"503 then 504", []ccusim.Step{{Status: 503}, {Status: 504}}, []string{"HTTP 503", "HTTP 504"}},
		{"rate limited", []ccusim.Step{{Status: 429}}, []string{"HTTP 429 rate limit"}},
		{"reset, then 500", []ccusim.Step{{ResetBeforeBody: true}, {Status: 500}}, []string{"connection failed", "HTTP 500"}},
		{"no retry", nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sim, c := start(t, ccusim.Options{})
			sim.Script(append([]ccusim.Step{{}}, tc.steps...)...) // the first batch passes at once
			var mu sync.Mutex
			var got []RetryEvent
			o := fast
			o.Concurrency = 1
			o.OnRetry = func(e RetryEvent) { mu.Lock(); got = append(got, e); mu.Unlock() }
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			b := urlBatch(2, "r")
			sent := c.Submit(ctx, []purge.Batch{urlBatch(1, "first"), b}, o)
			if len(sent) != 2 || sent[1].Err != nil || sent[1].Attempts != len(tc.reasons)+1 {
				t.Fatalf("sent = %+v", sent)
			}
			var reasons []string
			for n, e := range got {
				reasons = append(reasons, e.Reason)
				if e.Batch != 1 || !slices.Equal(e.Request.Objects, b.Objects) || e.Attempt != n+1 || e.SplitAfter != "" {
					t.Errorf("retry %d = %+v", n, e)
				}
				if e.Delay <= 0 || e.Delay > o.MaxBackoff || e.Left < 50*time.Second || e.Left > time.Minute {
					t.Errorf("retry %d: delay %v, left %v", n, e.Delay, e.Left)
				}
			}
			if !slices.Equal(reasons, tc.reasons) {
				t.Errorf("reasons = %q, want %q", reasons, tc.reasons)
			}
		})
	}
}

// A refused connection is retried (and told) until refusedTries.
func TestSubmitTellsRefusedRetries(t *testing.T) {
	c := stubClient(t, closedPort(t), nil)
	var got []string
	o := fast
	o.OnRetry = func(e RetryEvent) { got = append(got, e.Reason) }
	sent := c.Submit(context.Background(), []purge.Batch{urlBatch(1, "x")}, o)
	if len(sent) != 1 || sent[0].Err == nil {
		t.Fatalf("sent = %+v", sent)
	}
	if want := []string{"connection refused", "connection refused"}; !slices.Equal(got, want) {
		t.Errorf("reasons = %q, want %q", got, want)
	}
}

// The parts of a split batch are numbered and say why it was split.
func TestSubmitNumbersParts(t *testing.T) {
	sim, c := start(t, ccusim.Options{})
	b := urlBatch(4, "p")
	sim.Refuse(b.Objects[3])
	sent := c.Submit(context.Background(), []purge.Batch{b, urlBatch(1, "whole")}, fast)
	var got []string
	for _, s := range sent {
		got = append(got, fmtPart(s))
	}
	want := []string{"0 1/3 HTTP 403 2", "0 2/3 HTTP 403 1", "0 3/3 HTTP 403 1", "1 0/0  1"}
	if !slices.Equal(got, want) {
		t.Errorf("parts = %q, want %q", got, want)
	}
}

func fmtPart(s Sent) string {
	return fmt.Sprintf("%d %d/%d %s %d", s.Batch, s.Part, s.Parts, s.SplitAfter, len(s.Request.Objects))
}

// Ctrl-C while a status answer's body arrives (a --wait poll) says so in
// words, never Go's "context canceled".
func TestStatusStoppedWhileAnswerArrives(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, `{"purgeId":`)
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	srv.Config.ErrorLog = quietLog()
	c := stubClient(t, hostOf(srv), srv)
	ctx, cancel := context.WithCancel(context.Background())
	// Ctrl-C once the answer has begun, so its body is being read.
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{GotFirstResponseByte: func() { time.AfterFunc(100*time.Millisecond, cancel) }})
	_, err := c.Status(ctx, "57799d8b-10e4-11e4-9088-62ece60caaf0")
	if err == nil || strings.Contains(err.Error(), "context canceled") || !strings.Contains(err.Error(), "stopped while its answer arrived") || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
}

func TestCheckStatusID(t *testing.T) {
	for _, tc := range []struct{ id, want string }{
		{"57799d8b-10e4-11e4-9088-62ece60caaf0", ""},
		{"/ccu/v2/purges/57799d8b-10e4-11e4-9088-62ece60caaf0", ""},
		{"edup-NZbXzFpHBjcJeryhw6PVgG", `"edup-NZbXzFpHBjcJeryhw6PVgG" is a Fast Purge purge ID: Fast Purge has no status call`},
		{"edcp-NZbXzFpHBjcJeryhw6PVgG", "is a Fast Purge purge ID"},
		{"edtp-NZbXzFpHBjcJeryhw6PVgG", "is a Fast Purge purge ID"},
		{"a/b", "is neither a purge ID nor"},
		{"", "is neither a purge ID nor"},
	} {
		err := CheckStatusID(tc.id)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("CheckStatusID(%q) = %v, want %q", tc.id, err, tc.want)
		}
	}
}

// Logf (--verbose) shows a failed connection, not only HTTP answers.
func TestLogfShowsConnectionFailures(t *testing.T) {
	c := stubClient(t, closedPort(t), nil)
	var lines []string
	c.opts.Logf = func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	c.Submit(context.Background(), []purge.Batch{urlBatch(1, "x")}, fast)
	if len(lines) != refusedTries || !strings.HasPrefix(lines[0], "POST /ccu/v3/invalidate/url/production -> connection refused (") {
		t.Errorf("logged %q", lines)
	}
}
