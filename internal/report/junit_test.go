package report

import (
	"encoding/xml"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// junitFile is what a reader of the JUnit file sees.
type junitFile struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Skipped  int `xml:"skipped,attr"`
	Suites   []struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Skipped *struct{} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestJUnitControlCharacters: a file name or an API detail with a control
// character (git allows any byte but NUL and / in a name) or invalid UTF-8
// still gives well-formed XML. encoding/xml escapes attributes, but writes
// CDATA raw, and one U+001B there made the whole file unreadable to
// Jenkins' junit step.
func TestJUnitControlCharacters(t *testing.T) {
	odd := "a\x1bb\x00c\x7fd\xffe\ufffef"
	b := purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Type: purge.URL, Network: purge.Production, Objects: []string{"https://www.example.com/" + odd}}
	rep := &Report{Error: odd, Batches: []Request{
		{Index: 1, Batch: b, Attempts: 1, Error: odd, HTTPStatus: 400, SupportID: odd, APIError: &ccu.APIError{Status: 400, Title: odd, Detail: odd}},
		{Index: 2, Batch: b, HTTPStatus: 201, PurgeID: odd, SupportID: odd, Status: odd},
	}}
	for name, r := range map[string]*Report{"requests": rep, "nothing sent": {Error: odd}} {
		t.Run(name, func(t *testing.T) {
			data, err := JUnit(r)
			if err != nil {
				t.Fatal(err)
			}
			var f junitFile
			if err := xml.Unmarshal(data, &f); err != nil {
				t.Fatalf("the JUnit file is not XML: %v\n%q", err, data)
			}
			if !strings.Contains(string(data), "a\ufffdb\ufffdc") {
				t.Errorf("the control characters are not shown as U+FFFD:\n%q", data)
			}
		})
	}
}
