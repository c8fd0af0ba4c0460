package ci

import (
	"strings"
	"testing"
)

// FuzzDetectGitHub reads arbitrary GitHub event files for each kind of
// event: no panic; either an error or a Range from the context whose
// commits are full SHAs (or HEAD, or the --to flag), never a half-read
// value handed on as a revision.
func FuzzDetectGitHub(f *testing.F) {
	for _, s := range []string{
		`{"before":"` + a + `","after":"` + b + `"}`, `{"before":"` + z + `","after":"` + z + `","forced":true}`,
		`{"pull_request":{"base":{"sha":"` + a + `"},"head":{"sha":"` + b + `"}}}`,
		`{"merge_group":{"base_sha":"` + a + `","head_sha":"` + b + `"}}`,
		`{"before":5}`, `{"before":"--upload-pack=x"}`, `{"before":"HEAD~1"}`, `{"pull_request":null}`, `{"pull_request":"x"}`,
		`[]`, `null`, `""`, ``, `{`, `{"before":"` + a + `\n"}`, `{"forced":"yes"}`, `{"BEFORE":"` + a + `"}`,
		`{"before":"` + strings.Repeat("0", 100) + `"}`, "\xef\xbb\xbf{}", `{"before":"\u0000"}`,
	} {
		for _, name := range []string{"push", "pull_request", "merge_group", "workflow_dispatch"} {
			f.Add([]byte(s), name, "")
		}
	}
	f.Add([]byte(`{"before":"`+a+`"}`), "push", "HEAD~2")
	f.Fuzz(func(t *testing.T, event []byte, name, to string) {
		vars := gh(name)
		env := Env{
			Getenv:   func(k string) string { return vars[k] },
			ReadFile: func(string) ([]byte, error) { return event, nil },
		}
		r, err := Detect("", to, env)
		if err != nil {
			if r != (Range{}) {
				t.Fatalf("error %v with a range %+v", err, r)
			}
			return
		}
		if r.Source != "github:"+name {
			t.Fatalf("source %q for event %q", r.Source, name)
		}
		if r.To != to && !(to == "" && (r.To == "HEAD" || isSHA(r.To))) {
			t.Fatalf("to %q (flag %q)", r.To, to)
		}
		if r.Unknown != (r.From == "") || (r.From != "" && !isSHA(r.From)) || (r.Unknown && r.Reason == "") {
			t.Fatalf("range %+v", r)
		}
	})
}
