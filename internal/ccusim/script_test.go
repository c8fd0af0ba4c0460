package ccusim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

// deadline bounds waits for things that must happen promptly; hitting it is a failure (a handler
// that ignored its context or Close), never the thing being measured.
const deadline = 10 * time.Second

// servedLog collects Options.OnServed calls so a test can wait for an outcome without polling.
type servedLog chan ccusim.Served

func (l servedLog) record(s ccusim.Served) { l <- s }

func (l servedLog) next(t *testing.T) ccusim.Served {
	t.Helper()
	select {
	case s := <-l:
		return s
	case <-time.After(deadline):
		t.Fatalf("no purge POST ended within %v", deadline)
		return ccusim.Served{}
	}
}

// ignoreServed drops the fields a table cannot know in advance.
var ignoreServed = cmpopts.IgnoreFields(ccusim.Served{}, "At", "PurgeID")

func TestScriptStatuses(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.Script(ccusim.Step{Status: 500}, ccusim.Step{Status: 503, Title: "maintenance", Detail: "back soon"},
		ccusim.Step{Status: 429}, ccusim.Step{Status: 413})
	v3, v2 := post("/ccu/v3/invalidate/url", urls("https://e.com/a")), post("/ccu/v2/queues/default", urls("https://e.com/a"))
	steps := []struct {
		name string
		call call
		want map[string]any // problem fields; nil = expect 201
	}{
		{"first step", v3, map[string]any{"httpStatus": 500.0, "title": "internal error",
			"detail": "If problem persists over multiple requests, please contact Customer Care"}},
		{"invalid request keeps the script", post("/ccu/v3/invalidate/url", `{}`), map[string]any{"httpStatus": 400.0,
			"title": "bad request", "detail": `The "objects" array is required and must not be empty.`}},
		{"second step on v2", v2, map[string]any{"httpStatus": 503.0, "title": "maintenance", "detail": "back soon"}},
		{"scripted 429 has the rate fields", v3, map[string]any{"httpStatus": 429.0, "title": "Rate Limit exceeded",
			"detail": "Too many requests; retry later.", "rateLimit": 100.0, "rateLimitRemaining": 0.0,
			"rateLimitCurrentRequestSize": 1.0}},
		{"scripted 413 on a small body", v3, map[string]any{"httpStatus": 413.0, "title": "request entity too large",
			"detail": "The request body exceeds the maximum size of 50,000 bytes."}},
		{"script used up", v3, nil},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			r := s.do(t, st.call)
			if st.want == nil {
				if r.status != http.StatusCreated {
					t.Errorf("status %d, want 201: %s", r.status, r.raw)
				}
				return
			}
			got := pick(r.body, "httpStatus", "title", "detail", "rateLimit", "rateLimitRemaining", "rateLimitCurrentRequestSize")
			if diff := cmp.Diff(st.want, got); diff != "" {
				t.Errorf("problem (-want +got):\n%s", diff)
			}
			checkProblemForm(t, r, int(st.want["httpStatus"].(float64)))
		})
	}
	if got := len(s.Purges()); got != 1 {
		t.Errorf("Purges() has %d entries, want only the unscripted one", got)
	}
}

func TestScriptRawBody(t *testing.T) {
	s := start(t, ccusim.Options{})
	tests := []struct {
		name       string
		step       ccusim.Step
		status     int
		contentTyp string
	}{
		{"truncated JSON with 201", ccusim.Step{Body: `{"httpStatus": 201, "purgeId": "edup-`}, 201, "application/json"},
		{"malformed JSON error", ccusim.Step{Status: 500, Body: `{"httpStatus": 500,,}`}, 500, "application/json"},
		{"HTML gateway page", ccusim.Step{Status: 502, Body: "<html><body>Bad Gateway</body></html>", ContentType: "text/html"},
			502, "text/html"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.Script(tc.step)
			r, err := s.send(context.Background(), s.client, post("/ccu/v3/invalidate/url", urls("https://e.com/a")))
			if err != nil {
				t.Fatal(err)
			}
			got := []any{r.status, r.header.Get("Content-Type"), r.raw}
			if diff := cmp.Diff([]any{tc.status, tc.contentTyp, tc.step.Body}, got); diff != "" {
				t.Errorf("[status, Content-Type, body] (-want +got):\n%s", diff)
			}
		})
	}
	if got := len(s.Purges()); got != 0 {
		t.Errorf("raw-body answers recorded %d purges", got)
	}
}

func TestScriptDrops(t *testing.T) {
	v3 := post("/ccu/v3/invalidate/url", urls("https://e.com/a"))
	v2 := post("/ccu/v2/queues/default", urls("https://e.com/a"))
	tests := []struct {
		name     string
		step     ccusim.Step
		call     call
		wantErr  bool
		status   int // when no error
		recorded bool
		served   ccusim.Served
	}{
		{"reset before body", ccusim.Step{ResetBeforeBody: true}, v3, true, 0, false,
			ccusim.Served{API: "v3", Path: v3.path, Outcome: ccusim.OutcomeResetBeforeBody, Scripted: true}},
		{"reset before body on v2", ccusim.Step{ResetBeforeBody: true}, v2, true, 0, false,
			ccusim.Served{API: "v2", Path: v2.path, Outcome: ccusim.OutcomeResetBeforeBody, Scripted: true}},
		{"reset after reading", ccusim.Step{Reset: true}, v3, true, 0, false,
			ccusim.Served{API: "v3", Path: v3.path, Outcome: ccusim.OutcomeReset, Objects: []string{"https://e.com/a"}, Scripted: true}},
		{"reset after processing: the lost 201", ccusim.Step{ResetAfter: true}, v3, true, 0, true,
			ccusim.Served{API: "v3", Path: v3.path, Outcome: ccusim.OutcomeResetAfter, Objects: []string{"https://e.com/a"}, Scripted: true}},
		{"reset after processing on v2", ccusim.Step{ResetAfter: true}, v2, true, 0, true,
			ccusim.Served{API: "v2", Path: v2.path, Outcome: ccusim.OutcomeResetAfter, Objects: []string{"https://e.com/a"}, Scripted: true}},
		{"201 contradicted by its body", ccusim.Step{Contradict: true}, v3, false, 201, false,
			ccusim.Served{API: "v3", Path: v3.path, Status: 201, Outcome: ccusim.OutcomeAnswered, Objects: []string{"https://e.com/a"}, Scripted: true}},
		{"short delay then normal service", ccusim.Step{Delay: time.Millisecond}, v2, false, 201, true,
			ccusim.Served{API: "v2", Path: v2.path, Status: 201, Outcome: ccusim.OutcomeAnswered, Objects: []string{"https://e.com/a"}, Scripted: true}},
	}
	for _, tc := range tests {
		for _, proto := range []int{1, 2} {
			t.Run(fmt.Sprintf("%s/HTTP%d", tc.name, proto), func(t *testing.T) {
				testDrop(t, tc.step, tc.call, proto, tc.wantErr, tc.status, tc.recorded, tc.served)
			})
		}
	}
}

// testDrop runs one scripted step over HTTP/1.1 (hijack) or HTTP/2 (stream reset).
func testDrop(t *testing.T, step ccusim.Step, c call, proto int, wantErr bool, status int, recorded bool, want ccusim.Served) {
	s := start(t, ccusim.Options{})
	client := s.protoClient(t, deadline, proto == 2)
	if r, err := s.send(context.Background(), client, get("/ccu/v2/queues/default")); err != nil || r.proto != proto {
		t.Fatalf("probe: err %v, HTTP/%d, want HTTP/%d", err, r.proto, proto)
	}
	s.Script(step)
	r, err := s.send(context.Background(), client, c)
	if (err != nil) != wantErr || (err == nil && r.status != status) {
		t.Fatalf("err %v, status %d (%s); want error %v, status %d", err, r.status, r.raw, wantErr, status)
	}
	served := s.Served()
	if diff := cmp.Diff([]ccusim.Served{want}, served, ignoreServed); diff != "" {
		t.Errorf("Served() (-want +got):\n%s", diff)
	}
	purges := s.Purges()
	if got := len(purges) == 1; got != recorded {
		t.Fatalf("recorded = %v (%d purges), want %v", got, len(purges), recorded)
	}
	if recorded && served[0].PurgeID != purges[0].PurgeID {
		t.Errorf("Served PurgeID %q, recorded %q", served[0].PurgeID, purges[0].PurgeID)
	}
}

func TestContradictBody(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.Script(ccusim.Step{Contradict: true})
	r := s.do(t, post("/ccu/v3/invalidate/url", urls("https://e.com/a")))
	if r.status != http.StatusCreated || r.body["httpStatus"] != 400.0 || r.body["purgeId"] != nil {
		t.Errorf("status %d, want 201 with httpStatus 400 and no purgeId: %s", r.status, r.raw)
	}
}

func TestResetAfterThenRetryIsVisible(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.Script(ccusim.Step{ResetAfter: true})
	c := post("/ccu/v3/invalidate/url", urls("https://e.com/a"))
	if _, err := s.send(context.Background(), s.freshClient(t, deadline), c); err == nil {
		t.Fatal("the scripted reset did not reach the client")
	}
	if r := s.do(t, c); r.status != http.StatusCreated {
		t.Fatalf("retry: status %d: %s", r.status, r.raw)
	}
	var ids []string
	for _, sv := range s.Served() {
		ids = append(ids, sv.PurgeID)
	}
	if len(ids) != 2 || ids[0] == "" || ids[1] == "" || len(s.Purges()) != 2 {
		t.Errorf("a lost 201 and its retry should be two recorded purges; Served PurgeIDs %q", ids)
	}
}

func TestScriptWaitsEndWithClient(t *testing.T) {
	tests := []struct {
		name   string
		step   ccusim.Step
		client func(s *sim, t *testing.T) (*http.Client, context.Context, func())
	}{
		{"delay ended by cancel", ccusim.Step{Delay: time.Hour}, cancelAfterStart},
		{"hang ended by cancel", ccusim.Step{Hang: true}, cancelAfterStart},
		{"hang ended by client timeout", ccusim.Step{Hang: true}, func(s *sim, t *testing.T) (*http.Client, context.Context, func()) {
			return s.freshClient(t, 50*time.Millisecond), context.Background(), func() {}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log := make(servedLog, 1)
			s := start(t, ccusim.Options{OnServed: log.record})
			started := make(chan struct{}, 1)
			tc.step.Started = started
			s.Script(tc.step)
			client, ctx, afterStart := tc.client(s, t)
			go func() { <-started; afterStart() }()
			if _, err := s.send(ctx, client, post("/ccu/v3/invalidate/url", urls("https://e.com/a"))); err == nil {
				t.Fatal("the client got an answer")
			}
			got := log.next(t)
			want := ccusim.Served{API: "v3", Path: "/ccu/v3/invalidate/url", Outcome: ccusim.OutcomeClientGone,
				Objects: []string{"https://e.com/a"}, Scripted: true}
			if diff := cmp.Diff(want, got, ignoreServed); diff != "" {
				t.Errorf("served (-want +got):\n%s", diff)
			}
			if n := len(s.Purges()); n != 0 {
				t.Errorf("an abandoned request was processed: %d purges", n)
			}
		})
	}
}

// cancelAfterStart gives a client whose context is cancelled once the step has been taken.
func cancelAfterStart(s *sim, t *testing.T) (*http.Client, context.Context, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return s.freshClient(t, 0), ctx, cancel
}

func TestCloseEndsWaitingHandlers(t *testing.T) {
	tests := []struct {
		name string
		step ccusim.Step
	}{
		{"hang", ccusim.Step{Hang: true}},
		{"long delay", ccusim.Step{Delay: time.Hour}},
	}
	for _, tc := range tests {
		for _, h2 := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/h2=%v", tc.name, h2), func(t *testing.T) { testCloseEnds(t, tc.step, h2) })
		}
	}
}

func testCloseEnds(t *testing.T, step ccusim.Step, h2 bool) {
	log := make(servedLog, 1)
	s := start(t, ccusim.Options{OnServed: log.record})
	started := make(chan struct{}, 1)
	step.Started = started
	s.Script(step)
	client := s.protoClient(t, 0, h2)
	errc := make(chan error, 1)
	go func() {
		_, err := s.send(context.Background(), client, post("/ccu/v3/invalidate/url", urls("https://e.com/a")))
		errc <- err
	}()
	<-started
	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case <-closed:
	case <-time.After(deadline):
		t.Fatalf("Close did not return within %v while a handler waited", deadline)
	}
	if got := log.next(t).Outcome; got != ccusim.OutcomeServerClosed {
		t.Errorf("outcome %q, want %q", got, ccusim.OutcomeServerClosed)
	}
	if err := <-errc; err == nil {
		t.Error("the client got an answer from a closed server")
	}
}

func TestSetLatency(t *testing.T) {
	s := start(t, ccusim.Options{})
	s.SetLatency(time.Hour)
	_, err := s.send(context.Background(), s.freshClient(t, 50*time.Millisecond), get("/ccu/v2/queues/default"))
	if !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) {
		t.Fatalf("with an hour of latency: err %v, want a client timeout", err)
	}
	s.SetLatency(time.Millisecond)
	if r := s.do(t, get("/ccu/v2/queues/default")); r.status != http.StatusOK {
		t.Errorf("with 1ms latency: status %d", r.status)
	}
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

func TestServed(t *testing.T) {
	clock := newClock()
	s := start(t, ccusim.Options{Now: clock.Now})
	s.Refuse("https://e.com/no")
	calls := []call{
		post("/ccu/v3/invalidate/url", urls("https://e.com/a")),
		post("/ccu/v2/queues/default", urls("https://e.com/b")),
		post("/ccu/v3/invalidate/url", `{}`),
		post("/ccu/v3/invalidate/url", urls("https://e.com/no")),
		withAfterSign(post("/ccu/v3/invalidate/url", urls("https://e.com/c")), replaceBody(urls("https://e.com/d"))),
		get("/ccu/v2/queues/default"),
	}
	for _, c := range calls {
		s.do(t, c)
	}
	ans := func(api, path string, status int, objects ...string) ccusim.Served {
		return ccusim.Served{API: api, Path: path, Status: status, Outcome: ccusim.OutcomeAnswered, Objects: objects, At: clock.Now()}
	}
	want := []ccusim.Served{
		ans("v3", "/ccu/v3/invalidate/url", 201, "https://e.com/a"),
		ans("v2", "/ccu/v2/queues/default", 201, "https://e.com/b"),
		ans("v3", "/ccu/v3/invalidate/url", 400),
		ans("v3", "/ccu/v3/invalidate/url", 403, "https://e.com/no"),
	}
	got := s.Served()
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(ccusim.Served{}, "PurgeID")); diff != "" {
		t.Errorf("Served() (-want +got; unauthenticated and GET requests are not purge answers):\n%s", diff)
	}
	purges := s.Purges()
	var gotIDs []string
	for _, sv := range got {
		gotIDs = append(gotIDs, sv.PurgeID)
	}
	if diff := cmp.Diff([]string{purges[0].PurgeID, purges[1].PurgeID, "", ""}, gotIDs); diff != "" {
		t.Errorf("Served PurgeIDs (-want +got):\n%s", diff)
	}
}

func TestScriptConcurrent(t *testing.T) {
	s := start(t, ccusim.Options{})
	const failures, n = 10, 30
	for range failures {
		s.Script(ccusim.Step{Status: 500})
	}
	var wg sync.WaitGroup
	statuses := make(chan int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- s.do(t, post("/ccu/v3/invalidate/url", manyURLs(i+1))).status
		}()
	}
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for st := range statuses {
		count[st]++
	}
	if diff := cmp.Diff(map[int]int{500: failures, 201: n - failures}, count); diff != "" {
		t.Errorf("statuses (-want +got): each step must be taken exactly once\n%s", diff)
	}
	if got := len(s.Served()); got != n {
		t.Errorf("Served() has %d entries, want %d", got, n)
	}
}

func TestV2MaxObjects(t *testing.T) {
	tests := []struct {
		name    string
		max     int
		objects int
		status  int
	}{
		{"off by default", 0, 3, 201},
		{"at the limit", 2, 2, 201},
		{"over the limit", 2, 3, 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, ccusim.Options{V2MaxObjects: tc.max})
			r := s.do(t, post("/ccu/v2/queues/default", manyURLs(tc.objects)))
			if r.status != tc.status {
				t.Errorf("status %d, want %d: %s", r.status, tc.status, r.raw)
			}
		})
	}
}
