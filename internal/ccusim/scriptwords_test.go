package ccusim_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
)

func TestParseScript(t *testing.T) {
	t.Parallel()
	html := ccusim.Step{Status: 502, Body: ccusim.HTMLBody, ContentType: "text/html"}
	tests := []struct {
		name    string
		in      string
		want    []ccusim.Step
		wantErr []string // fragments; nil = success
	}{
		{"statuses and ok", "429,500,ok", []ccusim.Step{{Status: 429}, {Status: 500}, {}}, nil},
		{"every named step", "ok,reset,reset-before-body,lost-201,truncated,malformed,html,contradict,hang", []ccusim.Step{
			{}, {Reset: true}, {ResetBeforeBody: true}, {ResetAfter: true}, {Body: ccusim.TruncatedBody},
			{Body: ccusim.MalformedBody}, html, {Contradict: true}, {Hang: true}}, nil},
		{"delay", "delay=2s,delay=150ms", []ccusim.Step{{Delay: 2 * time.Second}, {Delay: 150 * time.Millisecond}}, nil},
		{"spaces and case", " 503 , RESET ,Lost-201", []ccusim.Step{{Status: 503}, {Reset: true}, {ResetAfter: true}}, nil},
		{"status bounds", "400,599", []ccusim.Step{{Status: 400}, {Status: 599}}, nil},
		{"empty", "", nil, []string{"empty script", "429,500,reset,ok"}},
		{"blank", "  ", nil, []string{"empty script"}},
		{"empty word", "429,,ok", nil, []string{`unknown script step ""`}},
		{"unknown word names it and lists the valid ones", "429,boom", nil, []string{`unknown script step "boom"`,
			`"ok", "reset", "reset-before-body", "lost-201", "truncated", "malformed", "html", "contradict", "hang"`,
			"400 to 599", "delay=DURATION"}},
		{"success status", "201", nil, []string{`script step "201"`, "400 to 599"}},
		{"informational status", "399", nil, []string{`script step "399"`, "400 to 599"}},
		{"too high", "600", nil, []string{`script step "600"`}},
		{"bad delay", "delay=soon", nil, []string{`script step "delay=soon"`, "delay=2s"}},
		{"zero delay", "delay=0s", nil, []string{`script step "delay=0s"`, "positive"}},
		{"negative delay", "delay=-1s", nil, []string{"positive"}},
		{"delay without a value", "delay", nil, []string{`unknown script step "delay"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ccusim.ParseScript(tc.in)
			if tc.wantErr != nil {
				if err == nil {
					t.Fatalf("ParseScript(%q) = %+v, want an error", tc.in, got)
				}
				for _, w := range tc.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q lacks %q", err, w)
					}
				}
				if err.Error() != strings.ToLower(err.Error()[:1])+err.Error()[1:] {
					t.Errorf("error %q starts with a capital", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ParseScript(%q) (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

// The garbled bodies must really be garbled, or a client would be tested against valid JSON.
func TestScriptBodiesAreNotJSON(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{"truncated": ccusim.TruncatedBody, "malformed": ccusim.MalformedBody, "html": ccusim.HTMLBody} {
		if json.Valid([]byte(body)) {
			t.Errorf("the %s body is valid JSON: %s", name, body)
		}
	}
	if !strings.Contains(ccusim.TruncatedBody, `"httpStatus": 201`) {
		t.Errorf("the truncated body should be a cut 201 answer: %s", ccusim.TruncatedBody)
	}
}

// Each parsed word does what its name says against a real client, end to end.
func TestParseScriptServed(t *testing.T) {
	tests := []struct {
		word     string
		wantErr  bool // the client got no answer
		status   int
		outcome  ccusim.Outcome
		recorded bool
	}{
		{"ok", false, 201, ccusim.OutcomeAnswered, true},
		{"503", false, 503, ccusim.OutcomeAnswered, false},
		{"reset", true, 0, ccusim.OutcomeReset, false},
		{"reset-before-body", true, 0, ccusim.OutcomeResetBeforeBody, false},
		{"lost-201", true, 0, ccusim.OutcomeResetAfter, true},
		{"truncated", false, 201, ccusim.OutcomeAnswered, false},
		{"malformed", false, 201, ccusim.OutcomeAnswered, false},
		{"html", false, 502, ccusim.OutcomeAnswered, false},
		{"contradict", false, 201, ccusim.OutcomeAnswered, false},
		{"delay=1ms", false, 201, ccusim.OutcomeAnswered, true},
	}
	for _, tc := range tests {
		t.Run(tc.word, func(t *testing.T) {
			s := start(t, ccusim.Options{})
			steps, err := ccusim.ParseScript(tc.word)
			if err != nil {
				t.Fatal(err)
			}
			s.Script(steps...)
			r, err := s.send(t.Context(), s.freshClient(t, deadline), post("/ccu/v3/invalidate/url", urls("https://e.com/a")))
			if (err != nil) != tc.wantErr || (err == nil && r.status != tc.status) {
				t.Fatalf("err %v, status %d; want error %v, status %d", err, r.status, tc.wantErr, tc.status)
			}
			served := s.Served()
			if len(served) != 1 || served[0].Outcome != tc.outcome || !served[0].Scripted {
				t.Errorf("served %+v, want one scripted %q", served, tc.outcome)
			}
			if got := len(s.Purges()) == 1; got != tc.recorded {
				t.Errorf("recorded = %v, want %v", got, tc.recorded)
			}
		})
	}
}
