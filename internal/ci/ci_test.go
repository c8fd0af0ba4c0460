package ci

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	a = "1111111111111111111111111111111111111111"
	b = "2222222222222222222222222222222222222222"
	z = "0000000000000000000000000000000000000000"
)

func fakeEnv(vars map[string]string, event string) Env {
	return Env{
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(p string) ([]byte, error) {
			if p != "/event.json" || event == "" {
				return nil, fs.ErrNotExist
			}
			return []byte(event), nil
		},
	}
}

func gh(name string) map[string]string {
	return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": name, "GITHUB_EVENT_PATH": "/event.json", "GITHUB_SHA": b}
}

// withRef is vars with GITHUB_REF set to ref.
func withRef(vars map[string]string, ref string) map[string]string {
	vars["GITHUB_REF"] = ref
	return vars
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name     string
		from, to string
		vars     map[string]string
		event    string
		want     Range
	}{
		{"flags win", "v1", "", gh("push"), `{"before":"` + a + `"}`, Range{From: "v1", To: "HEAD", Source: "flags"}},
		{"github push", "", "", gh("push"), `{"before":"` + a + `","after":"` + b + `"}`, Range{From: a, To: b, Source: "github:push"}},
		{"github first push", "", "", gh("push"), `{"before":"` + z + `","after":"` + b + `"}`,
			Range{To: b, Source: "github:push", Unknown: true, Reason: "the push event's before is all zeros (the first push of a branch or tag, or a pipeline with no previous commit)"}},
		{"github force push", "", "", gh("push"), `{"before":"` + a + `","after":"` + b + `","forced":true}`,
			Range{From: a, To: b, Source: "github:push", Reason: "forced push: the base is the branch's previous tip, which may no longer be in the history"}},
		{"github pull request", "", "", gh("pull_request"), `{"pull_request":{"base":{"sha":"` + a + `"},"head":{"sha":"` + b + `"}}}`,
			Range{From: a, To: b, Source: "github:pull_request", Proposal: true}},
		{"github merge group", "", "", gh("merge_group"), `{"merge_group":{"base_sha":"` + a + `","head_sha":"` + b + `"}}`,
			Range{From: a, To: b, Source: "github:merge_group", Proposal: true}},
		{"github dispatch", "", "", gh("workflow_dispatch"), `{}`,
			Range{To: b, Source: "github:workflow_dispatch", Unknown: true, Reason: `a "workflow_dispatch" event names no previous commit: pass the from input (--from)`}},
		{"github --to overrides", "", "HEAD~1", gh("push"), `{"before":"` + a + `","after":"` + b + `"}`, Range{From: a, To: "HEAD~1", Source: "github:push"}},
		{"gitlab push", "", "", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": a, "CI_COMMIT_SHA": b}, "", Range{From: a, To: b, Source: "gitlab:push"}},
		{"gitlab zero before", "", "", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": z, "CI_COMMIT_SHA": b}, "",
			Range{To: b, Source: "gitlab:push", Unknown: true, Reason: "CI_COMMIT_BEFORE_SHA is all zeros (the first push of a branch or tag, or a pipeline with no previous commit)"}},
		{"gitlab merge request", "", "", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": z, "CI_MERGE_REQUEST_DIFF_BASE_SHA": a, "CI_COMMIT_SHA": b}, "",
			Range{From: a, To: b, Source: "gitlab:merge_request", Proposal: true}},
		{"jenkins", "", "", map[string]string{"JENKINS_URL": "https://ci", "GIT_PREVIOUS_SUCCESSFUL_COMMIT": a, "GIT_COMMIT": b}, "", Range{From: a, To: b, Source: "jenkins"}},
		{"jenkins first build", "", "", map[string]string{"JENKINS_URL": "https://ci", "GIT_COMMIT": b}, "",
			Range{To: b, Source: "jenkins", Unknown: true, Reason: "GIT_PREVIOUS_SUCCESSFUL_COMMIT is not set (the first build of this branch, or no build succeeded yet)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Detect(tc.from, tc.to, fakeEnv(tc.vars, tc.event))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

func TestDetectErrors(t *testing.T) {
	noPath := gh("push")
	delete(noPath, "GITHUB_EVENT_PATH")
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		event string
		want  string
	}{
		{"no context", map[string]string{}, "", "pass --from REV"},
		{"no event path", noPath, "", "GITHUB_EVENT_PATH is not set"},
		{"missing event file", gh("push"), "", "read the GitHub event file"},
		{"malformed event", gh("push"), `{"before":`, "is not valid JSON"},
		{"pull request without object", gh("pull_request"), `{}`, "has no pull_request object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Detect("", "", fakeEnv(tc.vars, tc.event))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if tc.name == "missing event file" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("error does not wrap the cause: %v", err)
			}
		})
	}
}

// Hostile or damaged contexts: each fails with a message that says what is
// wrong and what to do, or gives an Unknown range; none is handed on as a
// revision.
func TestDetectHostile(t *testing.T) {
	for _, tc := range []struct {
		name  string
		vars  map[string]string
		event string
		want  string
	}{
		{"empty event file", gh("push"), " \n", "is empty"},
		{"top-level array", gh("push"), `[]`, "holds a JSON array, not an object"},
		{"top-level string", gh("push"), `"push"`, "holds a JSON string, not an object"},
		{"before is a number", gh("push"), `{"before": 5}`, "has a number for before, where GitHub sends a string"},
		{"forced is a string", gh("push"), `{"before":"` + a + `","forced":"yes"}`, "has a string for forced, where GitHub sends true or false"},
		{"pull_request is a string", gh("pull_request"), `{"pull_request":"x"}`, "has a string for pull_request, where GitHub sends an object"},
		{"base sha is a number", gh("pull_request"), `{"pull_request":{"base":{"sha":1}}}`, "has a number for pull_request.base.sha"},
		{"truncated JSON", gh("push"), `{"before":"` + a, "is not valid JSON"},
		{"before is an option", gh("push"), `{"before":"--upload-pack=touch /tmp/x","after":"` + b + `"}`, `the push event's before is "--upload-pack=touch /tmp/x", not a commit SHA`},
		{"before is a revision", gh("push"), `{"before":"HEAD~1","after":"` + b + `"}`, "not a commit SHA"},
		{"before has a newline", gh("push"), `{"before":"` + a + `\n","after":"` + b + `"}`, "not a commit SHA"},
		{"after is not a SHA", gh("push"), `{"before":"` + a + `","after":"main"}`, `the push event's after is "main"`},
		{"head sha is not a SHA", gh("pull_request"), `{"pull_request":{"base":{"sha":"` + a + `"},"head":{"sha":"x"}}}`, "pull_request.head.sha"},
		{"very long before", gh("push"), `{"before":"` + strings.Repeat("a", 5000) + `"}`, `...", not a commit SHA`},
		{"gitlab before not a SHA", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": "$(id)", "CI_COMMIT_SHA": b}, "", "CI_COMMIT_BEFORE_SHA is \"$(id)\""},
		{"gitlab head not a SHA", map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": a, "CI_COMMIT_SHA": "-x"}, "", "CI_COMMIT_SHA is \"-x\""},
		{"jenkins previous not a SHA", map[string]string{"JENKINS_URL": "u", "GIT_PREVIOUS_SUCCESSFUL_COMMIT": "abc", "GIT_COMMIT": b}, "", "GIT_PREVIOUS_SUCCESSFUL_COMMIT is \"abc\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Detect("", "", fakeEnv(tc.vars, tc.event))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Detect = %+v, %v; want an error containing %q", r, err, tc.want)
			}
			if len(err.Error()) > 400 {
				t.Errorf("error of %d bytes", len(err.Error()))
			}
		})
	}
}

// What is damaged but still means "no base": an Unknown range, decided by
// on_unknown_base, never an error and never a guess.
func TestDetectUnknownBase(t *testing.T) {
	for _, tc := range []struct{ name, event string }{
		{"null event", `null`},
		{"empty object", `{}`},
		{"before null", `{"before":null}`},
		{"short zeros", `{"before":"0"}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Detect("", "", fakeEnv(gh("push"), tc.event))
			if err != nil || !r.Unknown || r.From != "" || r.To != b {
				t.Fatalf("Detect = %+v, %v", r, err)
			}
		})
	}
}

func TestNoContextKeepsHead(t *testing.T) {
	r, err := Detect("", "v2", fakeEnv(map[string]string{}, ""))
	if !errors.Is(err, ErrNoContext) {
		t.Fatalf("err = %v, want ErrNoContext", err)
	}
	if want := (Range{To: "v2", Source: SourceNone}); r != want {
		t.Errorf("range = %+v, want %+v", r, want)
	}
}

// A proposed change is a proposal however the commits are named; a
// deploy is not.
func TestProposal(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		from string
		want bool
	}{
		{"github pull request, flags", gh("pull_request"), "v1", true},
		{"github pull_request_target", gh("pull_request_target"), "v1", true},
		{"github merge queue", gh("merge_group"), "v1", true},
		{"github push", gh("push"), "v1", false},
		{"github pull request review", gh("pull_request_review"), "v1", true},
		{"github pull request review comment", gh("pull_request_review_comment"), "v1", true},
		{"github any event on a pull request's ref", withRef(gh("workflow_dispatch"), "refs/pull/7/merge"), "v1", true},
		{"github push to a merge queue branch", withRef(gh("push"), "refs/heads/gh-readonly-queue/main/pr-7-"+a), "v1", true},
		{"github push to main", withRef(gh("push"), "refs/heads/main"), "v1", false},
		{"github push to a branch named like a queue", withRef(gh("push"), "refs/heads/my-gh-readonly-queue/x"), "v1", false},
		{"gitlab merge request", map[string]string{"GITLAB_CI": "true", "CI_MERGE_REQUEST_IID": "7"}, "v1", true},
		{"gitlab external pull request", map[string]string{"GITLAB_CI": "true", "CI_EXTERNAL_PULL_REQUEST_IID": "7"}, "v1", true},
		{"gitlab push", map[string]string{"GITLAB_CI": "true"}, "v1", false},
		{"jenkins change request", map[string]string{"JENKINS_URL": "https://ci", "CHANGE_ID": "42"}, "v1", true},
		{"jenkins branch build", map[string]string{"JENKINS_URL": "https://ci"}, "v1", false},
		{"no CI", map[string]string{}, "v1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Detect(tc.from, "", fakeEnv(tc.vars, `{}`))
			if err != nil {
				t.Fatal(err)
			}
			if r.Proposal != tc.want {
				t.Errorf("Proposal = %v, want %v (range %+v)", r.Proposal, tc.want, r)
			}
		})
	}
}

func TestGitLabExternalPullRequest(t *testing.T) {
	base, head := strings.Repeat("a", 40), strings.Repeat("b", 40)
	r, err := Detect("", "", fakeEnv(map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": head,
		"CI_EXTERNAL_PULL_REQUEST_IID": "3", "CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA": base, "CI_COMMIT_BEFORE_SHA": strings.Repeat("0", 40)}, ""))
	if err != nil {
		t.Fatal(err)
	}
	if want := (Range{From: base, To: head, Source: "gitlab:external_pull_request", Proposal: true}); r != want {
		t.Errorf("range = %+v, want %+v", r, want)
	}
}
