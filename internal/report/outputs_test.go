package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// parseGitHubOutput reads GITHUB_OUTPUT as the runner does: name=value
// lines, or name<<DELIM, value lines, DELIM.
func parseGitHubOutput(t *testing.T, text string) map[string]string {
	t.Helper()
	out := map[string]string{}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		name, delim, ok := strings.Cut(lines[i], "<<")
		if !ok {
			k, v, _ := strings.Cut(lines[i], "=")
			out[k] = v
			continue
		}
		var value []string
		for i++; i < len(lines) && lines[i] != delim; i++ {
			value = append(value, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("output %s: delimiter %q never closes", name, delim)
		}
		out[name] = strings.Join(value, "\n")
	}
	return out
}

// TestGitHubOutputsRandomDelimiter: a value holding go-githubactions' fixed delimiter, or any line
// break, reads back as itself and forges no other output.
func TestGitHubOutputsRandomDelimiter(t *testing.T) {
	t.Parallel()
	outs := []Output{
		{"report", "/tmp/r.json\n_GitHubActionsFileCommandDelimeter_\nforged<<EOF\nyes\nEOF"},
		{"support-ids", "a\nforged=1"},
		{"from", ""},
		{"to", "c53ae45b2364e431318071396b7524fa9abb85a6"},
	}
	text, err := GitHubOutputs(outs, Delimiter)
	if err != nil {
		t.Fatal(err)
	}
	got := parseGitHubOutput(t, text)
	want := map[string]string{}
	for _, o := range outs {
		want[o.Name] = o.Value
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("outputs read back (-want +got):\n%s", d)
	}
	again, _ := GitHubOutputs(outs[:1], Delimiter)
	if strings.SplitN(again, "\n", 2)[0] == strings.SplitN(text, "\n", 2)[0] {
		t.Errorf("the delimiter is the same on two calls: %q", strings.SplitN(text, "\n", 2)[0])
	}
}

// TestDotenv: one KEY=value line per output, named CCU_PURGE_*; a value
// with a line break, which would forge a key, is refused.
func TestDotenv(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		outs    []Output
		want    string
		wantErr string
	}{
		{"names", []Output{{"purge-ids", "a,b"}, {"from", ""}}, "CCU_PURGE_PURGE_IDS=a,b\nCCU_PURGE_FROM=\n", ""},
		{"none", nil, "", ""},
		{"newline", []Output{{"from", "x"}, {"support-ids", "a\nFORGED=1"}}, "", "dotenv: value of support-ids has a line break"},
		{"carriage return", []Output{{"report", "a\rb"}}, "", "dotenv: value of report has a line break"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Dotenv(tc.outs)
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr {
					t.Fatalf("Dotenv = %q, %v; want error %q", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || string(got) != tc.want {
				t.Errorf("Dotenv = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

// TestGitHubOutputsDelimiterError: a delimiter that cannot be drawn fails
// the outputs instead of writing them with none.
func TestGitHubOutputsDelimiterError(t *testing.T) {
	t.Parallel()
	boom := errors.New("no entropy")
	_, err := GitHubOutputs([]Output{{"from", "x"}}, func(string) (string, error) { return "", boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want %v", err, boom)
	}
}

// TestOutputsOfRun: which run fills which output.
func TestOutputsOfRun(t *testing.T) {
	t.Parallel()
	names := func(outs []Output) map[string]string {
		m := map[string]string{}
		for _, o := range outs {
			m[o.Name] = o.Value
		}
		return m
	}
	empty := map[string]string{"from": "", "to": "", "range-source": "", "object-count": "0", "batch-count": "0", "purge-ids": "",
		"support-ids": "", "fallback-used": "false", "estimated-seconds": "0", "report": "",
		"verified": "", "stale": ""}
	if d := cmp.Diff(empty, names(Outputs(Run{}))); d != "" {
		t.Errorf("outputs of a run that stopped at once (-want +got):\n%s", d)
	}
	_, run := partial().build()
	want := map[string]string{"from": shaA, "to": shaB, "range-source": "github:push", "object-count": "4", "batch-count": "3",
		"purge-ids": "edcp-1,edcp-3", "support-ids": "17PYedcp-1,17PY-403,17PYedcp-3", "fallback-used": "false", "estimated-seconds": "5", "report": "",
		"verified": "", "stale": ""}
	if d := cmp.Diff(want, names(Outputs(run))); d != "" {
		t.Errorf("outputs of a partial failure (-want +got):\n%s", d)
	}
	_, run = verifiedRun("v", "all", "warn", freshContent(url("a")), trapped(url("b")), noEvidence(url("c")), freshContent(url("d"))).build()
	got := names(Outputs(run))
	if got["verified"] != "2" || got["stale"] != "1" {
		t.Errorf("outputs of a verification with 2 fresh, 1 stale: verified %q, stale %q", got["verified"], got["stale"])
	}
	if outs := Outputs(run); outs[len(outs)-2].Name != "verified" || outs[len(outs)-1].Name != "stale" {
		t.Errorf("verified and stale are not the last outputs: %v", outs)
	}
}
