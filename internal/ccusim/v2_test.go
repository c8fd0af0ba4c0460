package ccusim_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestV2Lifecycle(t *testing.T) {
	clock := newClock()
	s := start(t, ccusim.Options{Now: clock.Now, V2Seconds: 300})
	submitted := clock.Now()
	r := s.do(t, post("/ccu/v2/queues/default/", objects(`"/f/4/6848/4h/www.foofoofoo.com/index.php"`, `"http://www.example.com/a.gif"`)))
	id, _ := r.body["purgeId"].(string)
	if r.status != http.StatusCreated || !uuidRE.MatchString(id) {
		t.Fatalf("POST: status %d purgeId %q: %s", r.status, id, r.raw)
	}
	uri := "/ccu/v2/purges/" + id
	wantPost := map[string]any{"estimatedSeconds": 300.0, "progressUri": uri, "purgeId": id, "httpStatus": 201.0,
		"detail": "Request accepted.", "pingAfterSeconds": 300.0, "supportId": r.body["supportId"]}
	if diff := cmp.Diff(wantPost, r.body); diff != "" || r.header.Get("Content-Location") != uri {
		t.Errorf("POST body (-want +got):\n%s\nContent-Location %q", diff, r.header.Get("Content-Location"))
	}
	wantPurge := ccusim.Purge{API: "v2", Action: "remove", Type: "arl", Network: "production", Queue: "default",
		Objects: []string{"/f/4/6848/4h/www.foofoofoo.com/index.php", "http://www.example.com/a.gif"},
		PurgeID: id, SupportID: r.body["supportId"].(string), Submitted: submitted}
	if diff := cmp.Diff([]ccusim.Purge{wantPurge}, s.Purges()); diff != "" {
		t.Errorf("Purges() (-want +got):\n%s", diff)
	}

	inProgress := func(ping float64) map[string]any {
		return map[string]any{"originalEstimatedSeconds": 300.0, "progressUri": uri, "originalQueueLength": 0.0,
			"purgeId": id, "httpStatus": 200.0, "completionTime": nil, "submittedBy": "ccusim",
			"purgeStatus": "In-Progress", "submissionTime": "2024-11-23T12:00:00Z", "pingAfterSeconds": ping}
	}
	done := map[string]any{"originalEstimatedSeconds": 300.0, "originalQueueLength": 0.0, "purgeId": id,
		"httpStatus": 200.0, "completionTime": "2024-11-23T12:05:00Z", "submittedBy": "ccusim",
		"purgeStatus": "Done", "submissionTime": "2024-11-23T12:00:00Z"}
	steps := []struct {
		name    string
		advance time.Duration
		status  map[string]any
		queue   float64
	}{
		{"just submitted", 0, inProgress(300), 2},
		{"one second left", 299 * time.Second, inProgress(1), 2},
		{"done", time.Second, done, 0},
		{"still done", time.Hour, done, 0},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			got := s.do(t, get(uri))
			delete(got.body, "supportId")
			if diff := cmp.Diff(st.status, got.body); diff != "" || got.status != 200 {
				t.Errorf("status %d, body (-want +got):\n%s", got.status, diff)
			}
			q := s.do(t, get("/ccu/v2/queues/default"))
			wantQ := map[string]any{"httpStatus": 200.0, "queueLength": st.queue,
				"detail": "The queue may take a minute to reflect new or removed requests."}
			if diff := cmp.Diff(wantQ, pick(q.body, "httpStatus", "queueLength", "detail")); diff != "" {
				t.Errorf("queue (-want +got):\n%s", diff)
			}
		})
	}
}

func TestV2UnknownPurge(t *testing.T) {
	s := start(t, ccusim.Options{})
	r := s.do(t, get("/ccu/v2/purges/foobarbaz"))
	want := map[string]any{"purgeId": "foobarbaz", "progressUri": "/ccu/v2/purges/foobarbaz", "httpStatus": 200.0,
		"detail":         "Please note that it can take up to a minute for the status of a recently submitted request to become visible.",
		"completionTime": nil, "submittedBy": nil, "purgeStatus": "Unknown", "submissionTime": nil, "pingAfterSeconds": 60.0}
	if id, _ := r.body["supportId"].(string); id == "" {
		t.Errorf("no supportId: %s", r.raw)
	}
	delete(r.body, "supportId")
	if diff := cmp.Diff(want, r.body); diff != "" || r.status != 200 {
		t.Errorf("status %d, body (-want +got):\n%s", r.status, diff)
	}
}

func TestV2Options(t *testing.T) {
	s := start(t, ccusim.Options{})
	r := s.do(t, post("/ccu/v2/queues/emergency", `{"objects":[6848,"44"],"type":"cpcode","action":"invalidate","domain":"staging"}`))
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	want := ccusim.Purge{API: "v2", Action: "invalidate", Type: "cpcode", Network: "staging", Queue: "emergency",
		Objects: []string{"6848", "44"}}
	got := s.Purges()[0]
	got.PurgeID, got.SupportID, got.Submitted = "", "", time.Time{}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("purge (-want +got):\n%s", diff)
	}
}

func TestV2QueueFull(t *testing.T) {
	clock := newClock()
	s := start(t, ccusim.Options{Now: clock.Now, QueueCapacity: map[string]int{"default": 3}})
	two, one := urls("https://e.com/1", "https://e.com/2"), urls("https://e.com/3")
	ten := urls("https://e.com/1", "https://e.com/2", "https://e.com/3", "https://e.com/4", "https://e.com/5",
		"https://e.com/6", "https://e.com/7", "https://e.com/8", "https://e.com/9", "https://e.com/10")
	steps := []struct {
		name    string
		advance time.Duration
		queue   string
		body    string
		status  int
	}{
		{"default 2 of 3", 0, "default", two, 201},
		{"default would be 4", 0, "default", two, 507},
		{"default exactly full", 0, "default", one, 201},
		{"default full", 0, "default", one, 507},
		{"emergency 10 of 10", 0, "emergency", ten, 201},
		{"emergency over 10", 0, "emergency", one, 507},
		{"queues drain when purges are done", 420 * time.Second, "default", two, 201},
		{"emergency drained", 0, "emergency", one, 201},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			clock.Advance(st.advance)
			r := s.do(t, post("/ccu/v2/queues/"+st.queue, st.body))
			if r.status != st.status {
				t.Fatalf("status %d, want %d: %s", r.status, st.status, r.raw)
			}
			if st.status != 507 {
				return
			}
			want := map[string]any{"httpStatus": 507.0, "title": "queue is full", "detail": "User's queue is full",
				"describedBy": "https://api.ccu.akamai.com/ccu/v2/errors/queue-is-full"}
			if diff := cmp.Diff(want, pick(r.body, problemKeys...)); diff != "" {
				t.Errorf("507 body (-want +got):\n%s", diff)
			}
			checkProblemForm(t, r, 507)
		})
	}
	if got := len(s.Purges()); got != 5 {
		t.Errorf("Purges() has %d entries, want the 5 accepted", got)
	}
}
