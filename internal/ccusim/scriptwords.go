package ccusim

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Raw bodies of the garbled answers ParseScript offers. They are fixed, not derived from the
// request, because a client must reject them whatever they claim.
const (
	// TruncatedBody is a 201 answer cut off in the middle of its purgeId: the purge may have
	// happened, but nothing confirms it.
	TruncatedBody = `{"httpStatus": 201, "estimatedSeconds": 5, "supportId": "edup-tRuNcAtEd", "purgeId": "edup-tRu`
	// MalformedBody looks like JSON but is not (bare words where strings belong).
	MalformedBody = `{"httpStatus": 201, "purgeId": edup-not-json, "detail": Request accepted}`
	// HTMLBody is the kind of error page a proxy or load balancer sends instead of CCU's JSON.
	HTMLBody = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
)

// scriptWords maps each named step to the Step it stands for, in the order errors and help list
// them. A status code and delay=DURATION are the other two forms.
var scriptWords = []struct {
	word string
	step Step
}{
	{"ok", Step{}},
	{"reset", Step{Reset: true}},
	{"reset-before-body", Step{ResetBeforeBody: true}},
	{"lost-201", Step{ResetAfter: true}},
	{"truncated", Step{Body: TruncatedBody}},
	{"malformed", Step{Body: MalformedBody}},
	{"html", Step{Status: 502, Body: HTMLBody, ContentType: "text/html"}},
	{"contradict", Step{Contradict: true}},
	{"hang", Step{Hang: true}},
}

// ScriptWords returns the named steps ParseScript accepts, besides an HTTP status 400–599 and
// delay=DURATION, so help texts can list them without copying the list.
func ScriptWords() []string {
	out := make([]string, len(scriptWords))
	for i, w := range scriptWords {
		out[i] = w.word
	}
	return out
}

// ParseScript reads a comma-separated list of steps, e.g. "429,500,reset,ok", so that tests and
// `ccu-purge simulator --script` describe faults the same way. Each word is one Step:
//
//	400–599            answer that status with a CCU problem body
//	ok                 serve normally
//	reset              read the request, then close the connection without an answer
//	reset-before-body  close the connection before reading the body
//	lost-201           process the purge, then close without an answer (ResetAfter)
//	truncated          a 201 whose JSON body is cut in the middle
//	malformed          a 201 whose body is not JSON
//	html               a 502 HTML error page, as a proxy sends
//	contradict         a 201 whose body says httpStatus 400
//	hang               never answer
//	delay=DURATION     wait DURATION (e.g. 2s), then serve normally
//
// Words are case-insensitive and may be surrounded by spaces; an empty word is an error.
func ParseScript(list string) ([]Step, error) {
	if strings.TrimSpace(list) == "" {
		return nil, fmt.Errorf("empty script: give steps such as 429,500,reset,ok")
	}
	var steps []Step
	for _, raw := range strings.Split(list, ",") {
		st, err := parseStep(strings.ToLower(strings.TrimSpace(raw)))
		if err != nil {
			return nil, err
		}
		steps = append(steps, st)
	}
	return steps, nil
}

// parseStep reads one word of a script.
func parseStep(w string) (Step, error) {
	for _, x := range scriptWords {
		if w == x.word {
			return x.step, nil
		}
	}
	if d, ok := strings.CutPrefix(w, "delay="); ok {
		dur, err := time.ParseDuration(d)
		if err != nil || dur <= 0 {
			return Step{}, fmt.Errorf("script step %q: the delay must be a positive duration such as delay=2s", w)
		}
		return Step{Delay: dur}, nil
	}
	if n, err := strconv.Atoi(w); err == nil {
		if n < 400 || n > 599 {
			return Step{}, fmt.Errorf("script step %q: a status must be an HTTP error, 400 to 599", w)
		}
		return Step{Status: n}, nil
	}
	return Step{}, fmt.Errorf("unknown script step %q; valid steps are an HTTP status 400 to 599, %s and delay=DURATION",
		w, quoteAll(ScriptWords()))
}

// quoteAll renders words as "a", "b", "c" for error messages.
func quoteAll(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		q[i] = strconv.Quote(w)
	}
	return strings.Join(q, ", ")
}
