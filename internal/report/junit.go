package report

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// The --junit report: the run as a JUnit XML file, the format Jenkins'
// junit step and GitLab's artifacts:reports:junit read, so each request
// shows up as a test case next to the build's other tests. It is made
// from the same Report as --report, so the two never disagree.

// junitSuites is the file's root; the counts are the sums of its one
// suite's, which readers (Jenkins among them) check against the cases.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// junitCase is one request. A failure's message is one line (readers show
// it as the title); its text has the detail and every object not purged.
type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitText is an element whose text keeps its line breaks (CDATA; the
// default escaping turns each into &#xA;).
type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

// JUnit is r as a JUnit XML file, the XML header first.
func JUnit(r *Report) ([]byte, error) {
	data, err := xml.MarshalIndent(junitOf(r), "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(data, '\n')...), nil
}

// junitOf is the report as a suite of requests and, when a verification
// ran, a second suite "verify" of the URLs it checked.
func junitOf(r *Report) junitSuites {
	suites := []junitSuite{requestSuite(r)}
	if r.Verify != nil {
		suites = append(suites, verifySuite(r.Verify))
	}
	root := junitSuites{Name: "ccu-purge", Suites: suites}
	for i := range suites {
		s := &suites[i]
		s.tally()
		root.Tests, root.Failures, root.Skipped = root.Tests+s.Tests, root.Failures+s.Failures, root.Skipped+s.Skipped
	}
	return root
}

// requestSuite is a case per request (a plan batch, or a part of one
// after a 413 split or a bisection), a failure for each request that
// failed or was not sent (its objects are not purged), a skipped case for
// each request of a dry run. A run with no request still has one case,
// so a reader never sees an empty file: "nothing to purge", or the
// failure that stopped the run before planning.
func requestSuite(r *Report) junitSuite {
	s := junitSuite{Name: "ccu-purge " + shortRange(r.From, r.To)}
	for _, p := range []junitProperty{{"from", r.From}, {"to", r.To}, {"dryRun", fmt.Sprint(r.DryRun)}} {
		if p.Value != "" {
			s.Properties = append(s.Properties, p)
		}
	}
	if r.Fallback.Used {
		s.Properties = append(s.Properties, junitProperty{"fallback", r.Fallback.Reason})
	}
	total := 0
	for _, b := range r.Batches {
		total = max(total, b.Index)
	}
	for _, b := range r.Batches {
		s.Cases = append(s.Cases, junitCaseOf(r, b, total))
	}
	if len(s.Cases) == 0 {
		s.Cases = append(s.Cases, emptyCase(r))
	}
	return s
}

// tally counts the suite's cases, which readers (Jenkins among them)
// check against its counts, and makes their text XML can hold.
func (s *junitSuite) tally() {
	s.Tests, s.Failures, s.Skipped = 0, 0, 0
	for i := range s.Cases {
		c := &s.Cases[i]
		s.Tests++
		switch {
		case c.Failure != nil:
			s.Failures++
			c.Failure.Text = xmlChars(c.Failure.Text)
		case c.Skipped != nil:
			s.Skipped++
		}
		if c.SystemOut != nil {
			c.SystemOut.Text = xmlChars(c.SystemOut.Text)
		}
	}
}

// xmlChars replaces what XML 1.0 cannot hold (control characters, invalid
// UTF-8, which strings.Map reads as U+FFFD, U+FFFE and U+FFFF) with U+FFFD. encoding/xml does so in
// attributes, but writes CDATA as it is, and one such character (a file
// name may hold any byte but NUL and /, an API detail anything) makes the
// whole file unreadable to Jenkins and GitLab.
func xmlChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}

// junitCaseOf is request b of plan batch b.Index (of total), or of its
// part when the batch was split.
func junitCaseOf(r *Report, b Request, total int) junitCase {
	name := fmt.Sprintf("%d/%d %s %s %s %s (%d object%s)", b.Index, total, b.API, b.Action, b.Type, b.Network, len(b.Objects), plural(len(b.Objects)))
	if p := part(b.Part, b.Parts, b.SplitAfter); p != "" {
		name += ", " + p
	}
	c := junitCase{Name: name, Classname: "ccu-purge." + string(b.Network)}
	switch {
	case b.Error != "":
		c.Failure = failureOf(r, b)
	case r.DryRun:
		c.Skipped = &junitSkipped{Message: "dry run: not sent"}
	default:
		c.SystemOut = &junitText{acceptedText(b)}
	}
	return c
}

// failureOf says why a request's objects were not purged: the API's
// status, detail and supportId when it answered, and the objects.
func failureOf(r *Report, b Request) *junitFailure {
	f := &junitFailure{Type: "not purged", Message: oneLine(b.Error)}
	var text strings.Builder
	switch {
	case b.APIError != nil:
		f.Type = fmt.Sprintf("HTTP %d", b.APIError.Status)
		fmt.Fprintf(&text, "HTTP status: %d\n", b.APIError.Status)
		if b.APIError.Title != "" {
			fmt.Fprintf(&text, "Title: %s\n", b.APIError.Title)
		}
		if b.APIError.Detail != "" {
			fmt.Fprintf(&text, "Detail: %s\n", b.APIError.Detail)
		}
	case b.HTTPStatus != 0:
		f.Type = fmt.Sprintf("HTTP %d", b.HTTPStatus)
		fmt.Fprintf(&text, "HTTP status: %d\n", b.HTTPStatus)
	case b.Attempts == 0:
		f.Type = "not sent"
		if r.Error != "" {
			f.Message = "not sent: " + r.Error
		}
	}
	if b.SupportID != "" {
		fmt.Fprintf(&text, "supportId: %s\n", b.SupportID)
	}
	if b.Attempts > 0 {
		fmt.Fprintf(&text, "Attempts: %d\n", b.Attempts)
	}
	fmt.Fprintf(&text, "Error: %s\n", f.Message)
	fmt.Fprintf(&text, "Not purged (%d):\n", len(b.Objects))
	for _, o := range objectsOf(b.Batch) {
		fmt.Fprintf(&text, "  %s\n", o)
	}
	f.Text = text.String()
	return f
}

// acceptedText is what an accepted request's case prints: the ids to give
// Akamai support, and the objects.
func acceptedText(b Request) string {
	var text strings.Builder
	fmt.Fprintf(&text, "HTTP %d, purgeId %s, supportId %s, estimated %ds\n", b.HTTPStatus, b.PurgeID, b.SupportID, b.EstimatedSeconds)
	if b.Status != "" {
		fmt.Fprintf(&text, "Status: %s\n", b.Status)
	}
	for _, o := range objectsOf(b.Batch) {
		fmt.Fprintf(&text, "  %s\n", o)
	}
	return text.String()
}

// emptyCase stands for a run that sent no request.
func emptyCase(r *Report) junitCase {
	c := junitCase{Name: "0/0 nothing to purge", Classname: "ccu-purge"}
	if r.Error != "" {
		c.Name = "0/0 nothing sent"
		c.Failure = &junitFailure{Type: "not purged", Message: r.Error, Text: r.Error + "\n"}
	}
	return c
}

// shortRange is "from..to" with abbreviated commits, "" parts left out.
func shortRange(from, to string) string {
	short := func(s string) string { return s[:min(len(s), 12)] }
	switch {
	case from == "" && to == "":
		return "(no range)"
	case from == "":
		return short(to)
	}
	return short(from) + ".." + short(to)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// verifySuite is a case per URL checked: fresh passes, stale fails with
// the diagnosis, hint and evidence, unknown is skipped with the reason.
// Evidence holds no debug token, so none can reach the file.
func verifySuite(v *verify.Verification) junitSuite {
	s := junitSuite{Name: "verify"}
	for _, p := range []junitProperty{{"sample", v.Sample}, {"onStale", v.OnStale}, {"error", oneLine(v.Error)}} {
		if p.Value != "" {
			s.Properties = append(s.Properties, p)
		}
	}
	for _, r := range v.Results {
		s.Cases = append(s.Cases, verifyCase(r))
	}
	return s
}

func verifyCase(r verify.Result) junitCase {
	c := junitCase{Name: r.URL, Classname: "ccu-purge.verify", SystemOut: &junitText{verifyText(r)}}
	switch r.Result {
	case verify.Fresh:
	case verify.Stale:
		c.Failure = &junitFailure{Type: "stale", Message: orElse(oneLine(r.Diagnosis), "stale"), Text: c.SystemOut.Text}
		c.SystemOut = nil
	default:
		c.Skipped = &junitSkipped{Message: "unknown: " + orElse(oneLine(r.Diagnosis), "no check could decide")}
	}
	return c
}

// verifyText is a result's line, hint, checks and evidence, one a line.
func verifyText(r verify.Result) string {
	lines := []string{VerifyLine(r)}
	if r.Hint != "" {
		lines = append(lines, "hint: "+oneLine(r.Hint))
	}
	for _, c := range r.Checks {
		line := fmt.Sprintf("Check %s: %s", c.Name, c.Result)
		if c.Detail != "" {
			line += " (" + oneLine(c.Detail) + ")"
		}
		lines = append(lines, line)
	}
	lines = append(lines, evidenceLines(r.Evidence)...)
	return strings.Join(lines, "\n") + "\n"
}

func orElse(s, empty string) string {
	if s == "" {
		return empty
	}
	return s
}
