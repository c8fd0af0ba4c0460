// Package ci decides which two commits a run compares, and says why: from
// explicit flags, or from the CI system's context (GitHub Actions, GitLab
// CI, Jenkins). It reads the environment and event files only; whether the
// commits exist is for the caller to check.
package ci

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Range is the pair of commits to compare.
type Range struct {
	From   string `json:"from"`   // revision as given; "" when Unknown
	To     string `json:"to"`     // revision as given
	Source string `json:"source"` // where the range came from, e.g. "github:push"
	// Unknown is set when the context names no usable base commit (first
	// push of a branch, first Jenkins build, manual runs); Reason says why.
	Unknown bool   `json:"unknown,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// Env is what Detect may read: variables and files (the GitHub event).
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
}

// Sources of a range.
const (
	SourceFlags = "flags"
)

// Detect returns the range: the flags when from is set, else the CI
// context. It fails only when there is no context at all or the context is
// unreadable; a context without a usable base gives an Unknown range.
func Detect(from, to string, e Env) (Range, error) {
	if from != "" {
		return Range{From: from, To: orHead(to), Source: SourceFlags}, nil
	}
	switch {
	case e.Getenv("GITHUB_ACTIONS") == "true":
		return github(to, e)
	case e.Getenv("GITLAB_CI") == "true":
		return gitlab(to, e), nil
	case e.Getenv("JENKINS_URL") != "" || e.Getenv("JENKINS_HOME") != "":
		return jenkins(to, e), nil
	}
	return Range{}, fmt.Errorf("no base revision: pass --from REV (the commit that is live now); outside GitHub Actions, GitLab CI or Jenkins there is no context to take it from")
}

func orHead(to string) string {
	if to == "" {
		return "HEAD"
	}
	return to
}

// zero is git's all-zeros SHA, which CI systems send for "no previous commit".
func zero(sha string) bool { return strings.Trim(sha, "0") == "" }

func pick(flag, ctx string) string {
	if flag != "" {
		return flag
	}
	return orHead(ctx)
}

// base makes the range for a base commit from a CI variable or event field.
func base(sha, to, source, name string) Range {
	r := Range{From: sha, To: to, Source: source}
	switch {
	case sha == "":
		r.From, r.Unknown, r.Reason = "", true, name+" is not set"
	case zero(sha):
		r.From, r.Unknown, r.Reason = "", true, name+" is all zeros (the first push of a branch or tag, or a pipeline with no previous commit)"
	}
	return r
}

func gitlab(to string, e Env) Range {
	to = pick(to, e.Getenv("CI_COMMIT_SHA"))
	if mr := e.Getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); mr != "" {
		return base(mr, to, "gitlab:merge_request", "CI_MERGE_REQUEST_DIFF_BASE_SHA")
	}
	return base(e.Getenv("CI_COMMIT_BEFORE_SHA"), to, "gitlab:push", "CI_COMMIT_BEFORE_SHA")
}

func jenkins(to string, e Env) Range {
	to = pick(to, e.Getenv("GIT_COMMIT"))
	r := base(e.Getenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT"), to, "jenkins", "GIT_PREVIOUS_SUCCESSFUL_COMMIT")
	if r.Unknown && e.Getenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT") == "" {
		r.Reason = "GIT_PREVIOUS_SUCCESSFUL_COMMIT is not set (the first build of this branch, or no build succeeded yet)"
	}
	return r
}

// event is the part of a GitHub webhook payload the range needs.
type event struct {
	Before      string `json:"before"`
	After       string `json:"after"`
	Forced      bool   `json:"forced"`
	PullRequest *struct {
		Base struct{ SHA string } `json:"base"`
		Head struct{ SHA string } `json:"head"`
	} `json:"pull_request"`
	MergeGroup *struct {
		BaseSHA string `json:"base_sha"`
		HeadSHA string `json:"head_sha"`
	} `json:"merge_group"`
}

func github(to string, e Env) (Range, error) {
	name := e.Getenv("GITHUB_EVENT_NAME")
	source := "github:" + name
	ev, err := readEvent(e)
	if err != nil {
		return Range{}, err
	}
	switch name {
	case "push":
		r := base(ev.Before, pick(to, first(ev.After, e.Getenv("GITHUB_SHA"))), source, "the push event's before")
		if ev.Forced && !r.Unknown {
			r.Reason = "forced push: the base is the branch's previous tip, which may no longer be in the history"
		}
		return r, nil
	case "pull_request", "pull_request_target":
		if ev.PullRequest == nil {
			return Range{}, fmt.Errorf("the %s event file has no pull_request object: is GITHUB_EVENT_PATH the runner's?", name)
		}
		return base(ev.PullRequest.Base.SHA, pick(to, ev.PullRequest.Head.SHA), source, "pull_request.base.sha"), nil
	case "merge_group":
		if ev.MergeGroup == nil {
			return Range{}, fmt.Errorf("the merge_group event file has no merge_group object: is GITHUB_EVENT_PATH the runner's?")
		}
		return base(ev.MergeGroup.BaseSHA, pick(to, ev.MergeGroup.HeadSHA), source, "merge_group.base_sha"), nil
	}
	return Range{To: pick(to, e.Getenv("GITHUB_SHA")), Source: source, Unknown: true,
		Reason: fmt.Sprintf("a %q event names no previous commit: pass the from input (--from)", name)}, nil
}

func first(a, b string) string {
	if a != "" && !zero(a) {
		return a
	}
	return b
}

func readEvent(e Env) (event, error) {
	var ev event
	path := e.Getenv("GITHUB_EVENT_PATH")
	if path == "" {
		return ev, fmt.Errorf("GITHUB_EVENT_PATH is not set, so the GitHub event cannot be read: pass --from REV")
	}
	data, err := e.ReadFile(path)
	if err != nil {
		return ev, fmt.Errorf("read the GitHub event file: %w (pass --from REV to name the base yourself)", err)
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		return ev, fmt.Errorf("the GitHub event file %s is not valid JSON: %v (pass --from REV to name the base yourself)", path, err)
	}
	return ev, nil
}
