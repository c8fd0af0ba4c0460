// Package ci decides which two commits a run compares, and says why: from
// explicit flags, or from the CI system's context (GitHub Actions, GitLab
// CI, Jenkins). It reads the environment and event files only; whether the
// commits exist is for the caller to check.
package ci

import (
	"bytes"
	"encoding/json"
	"errors"
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
	// Proposal is set when the run is for a proposed change (a pull or
	// merge request, a merge queue entry), even when flags name the
	// commits: its head is not what the edge will serve.
	Proposal bool `json:"proposal,omitempty"`
}

// Env is what Detect may read: variables and files (the GitHub event).
type Env struct {
	Getenv   func(string) string
	ReadFile func(string) ([]byte, error)
}

// Sources of a range.
const (
	SourceFlags = "flags"
	// SourceNone is a range with no base yet: no flag and no CI context.
	SourceNone = "none"
)

// ErrNoContext is Detect's error when neither --from nor a CI system
// names the base.
var ErrNoContext = errors.New("no base revision: pass --from REV (the commit that is live now); outside GitHub Actions, GitLab CI or Jenkins there is no context to take it from")

// Detect returns the range: the flags when from is set, else the CI
// context. It fails only when there is no context at all or the context is
// unreadable; a context without a usable base gives an Unknown range.
func Detect(from, to string, e Env) (Range, error) {
	r, err := detect(from, to, e)
	if err == nil {
		r.Proposal = Proposal(e)
	}
	return r, err
}

func detect(from, to string, e Env) (Range, error) {
	if from != "" {
		return Range{From: from, To: orHead(to), Source: SourceFlags}, nil
	}
	switch {
	case e.Getenv("GITHUB_ACTIONS") == "true":
		return github(to, e)
	case e.Getenv("GITLAB_CI") == "true":
		return gitlab(to, e)
	case jenkinsCI(e):
		return jenkins(to, e)
	}
	return Range{To: orHead(to), Source: SourceNone}, ErrNoContext
}

// Proposal reports a CI run for a proposed change: GitHub pull requests
// (and their reviews and review comments) and merge queues, GitLab merge
// requests and external pull requests, Jenkins change requests
// (multibranch pull requests set CHANGE_ID). It is the one predicate for
// "this head is not what the edge will serve": the state file is skipped
// and the GitHub Action runs dry for all of them. On GitHub, any event
// whose ref is a pull request's (refs/pull/N/merge) or a merge queue's
// temporary branch (a push to gh-readonly-queue/..., which an unfiltered
// "on: push" also runs for) is one too, whatever its name. It reads only
// Getenv.
func Proposal(e Env) bool {
	switch {
	case e.Getenv("GITHUB_ACTIONS") == "true":
		switch e.Getenv("GITHUB_EVENT_NAME") {
		case "pull_request", "pull_request_target", "pull_request_review", "pull_request_review_comment", "merge_group":
			return true
		}
		ref := e.Getenv("GITHUB_REF")
		return strings.HasPrefix(ref, "refs/pull/") || strings.HasPrefix(ref, "refs/heads/gh-readonly-queue/")
	case e.Getenv("GITLAB_CI") == "true":
		return e.Getenv("CI_MERGE_REQUEST_IID") != "" || e.Getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA") != "" || e.Getenv("CI_EXTERNAL_PULL_REQUEST_IID") != ""
	case jenkinsCI(e):
		return e.Getenv("CHANGE_ID") != ""
	}
	return false
}

func jenkinsCI(e Env) bool { return e.Getenv("JENKINS_URL") != "" || e.Getenv("JENKINS_HOME") != "" }

func orHead(to string) string {
	if to == "" {
		return "HEAD"
	}
	return to
}

// zero is git's all-zeros SHA, which CI systems send for "no previous commit".
func zero(sha string) bool { return strings.Trim(sha, "0") == "" }

// pick is the head revision: the flag when given, else the context's
// commit (which must be a full SHA), else HEAD.
func pick(flag, ctx, name string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if ctx != "" && !isSHA(ctx) {
		return "", notSHA(name, ctx)
	}
	return orHead(ctx), nil
}

// isSHA reports a full commit SHA: 40 (SHA-1) or 64 (SHA-256) hex digits,
// all a CI system ever sends. Anything else is a damaged or forged
// context, and is refused rather than handed on as a revision (where
// "-x", "HEAD~99" or a newline would mean something else entirely).
func isSHA(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func notSHA(name, v string) error {
	if len(v) > 80 {
		v = v[:80] + "..."
	}
	return fmt.Errorf("%s is %q, not a commit SHA (40 or 64 hex digits): is the CI context damaged? Pass --from REV (and --to REV) to name the commits yourself", name, v)
}

// base makes the range for a base commit from a CI variable or event field.
func base(sha, to, source, name string) (Range, error) {
	r := Range{From: sha, To: to, Source: source}
	switch {
	case sha == "":
		r.From, r.Unknown, r.Reason = "", true, name+" is not set"
	case zero(sha) && len(sha) <= 64:
		r.From, r.Unknown, r.Reason = "", true, name+" is all zeros (the first push of a branch or tag, or a pipeline with no previous commit)"
	case !isSHA(sha):
		return Range{}, notSHA(name, sha)
	}
	return r, nil
}

func gitlab(to string, e Env) (Range, error) {
	to, err := pick(to, e.Getenv("CI_COMMIT_SHA"), "CI_COMMIT_SHA")
	if err != nil {
		return Range{}, err
	}
	if mr := e.Getenv("CI_MERGE_REQUEST_DIFF_BASE_SHA"); mr != "" {
		return base(mr, to, "gitlab:merge_request", "CI_MERGE_REQUEST_DIFF_BASE_SHA")
	}
	if e.Getenv("CI_EXTERNAL_PULL_REQUEST_IID") != "" {
		return base(e.Getenv("CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA"), to, "gitlab:external_pull_request", "CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA")
	}
	return base(e.Getenv("CI_COMMIT_BEFORE_SHA"), to, "gitlab:push", "CI_COMMIT_BEFORE_SHA")
}

func jenkins(to string, e Env) (Range, error) {
	to, err := pick(to, e.Getenv("GIT_COMMIT"), "GIT_COMMIT")
	if err != nil {
		return Range{}, err
	}
	r, err := base(e.Getenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT"), to, "jenkins", "GIT_PREVIOUS_SUCCESSFUL_COMMIT")
	if r.Unknown && e.Getenv("GIT_PREVIOUS_SUCCESSFUL_COMMIT") == "" {
		r.Reason = "GIT_PREVIOUS_SUCCESSFUL_COMMIT is not set (the first build of this branch, or no build succeeded yet)"
	}
	return r, err
}

// event is the part of a GitHub webhook payload the range needs.
type event struct {
	Before      string `json:"before"`
	After       string `json:"after"`
	Forced      bool   `json:"forced"`
	PullRequest *struct {
		Base struct {
			SHA string `json:"sha"`
		} `json:"base"`
		Head struct {
			SHA string `json:"sha"`
		} `json:"head"`
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
		head, headName := ev.After, "the push event's after"
		if head == "" || zero(head) {
			head, headName = e.Getenv("GITHUB_SHA"), "GITHUB_SHA"
		}
		to, err := pick(to, head, headName)
		if err != nil {
			return Range{}, err
		}
		r, err := base(ev.Before, to, source, "the push event's before")
		if err == nil && ev.Forced && !r.Unknown {
			r.Reason = "forced push: the base is the branch's previous tip, which may no longer be in the history"
		}
		return r, err
	case "pull_request", "pull_request_target":
		if ev.PullRequest == nil {
			return Range{}, fmt.Errorf("the %s event file has no pull_request object: is GITHUB_EVENT_PATH the runner's?", name)
		}
		to, err := pick(to, ev.PullRequest.Head.SHA, "pull_request.head.sha")
		if err != nil {
			return Range{}, err
		}
		return base(ev.PullRequest.Base.SHA, to, source, "pull_request.base.sha")
	case "merge_group":
		if ev.MergeGroup == nil {
			return Range{}, fmt.Errorf("the merge_group event file has no merge_group object: is GITHUB_EVENT_PATH the runner's?")
		}
		to, err := pick(to, ev.MergeGroup.HeadSHA, "merge_group.head_sha")
		if err != nil {
			return Range{}, err
		}
		return base(ev.MergeGroup.BaseSHA, to, source, "merge_group.base_sha")
	}
	to, err = pick(to, e.Getenv("GITHUB_SHA"), "GITHUB_SHA")
	if err != nil {
		return Range{}, err
	}
	return Range{To: to, Source: source, Unknown: true,
		Reason: fmt.Sprintf("a %q event names no previous commit: pass the from input (--from)", quoteName(name))}, nil
}

// quoteName shortens an event name for a message; %q then quotes it.
func quoteName(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
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
	if len(bytes.TrimSpace(data)) == 0 {
		return ev, fmt.Errorf("the GitHub event file %s is empty: is GITHUB_EVENT_PATH the runner's? (pass --from REV to name the base yourself)", path)
	}
	var typeErr *json.UnmarshalTypeError
	switch err := json.Unmarshal(data, &ev); {
	case errors.As(err, &typeErr) && typeErr.Field == "":
		return ev, fmt.Errorf("the GitHub event file %s holds a JSON %s, not an object: is GITHUB_EVENT_PATH the runner's? (pass --from REV to name the base yourself)", path, typeErr.Value)
	case errors.As(err, &typeErr):
		return ev, fmt.Errorf("the GitHub event file %s has a %s for %s, where GitHub sends %s: is GITHUB_EVENT_PATH the runner's? (pass --from REV to name the base yourself)", path, typeErr.Value, typeErr.Field, article(typeErr.Type.Kind().String()))
	case err != nil:
		return ev, fmt.Errorf("the GitHub event file %s is not valid JSON: %v (pass --from REV to name the base yourself)", path, err)
	}
	return ev, nil
}

// article names a Go kind the way GitHub's payload docs do.
func article(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "ptr", "struct":
		return "an object"
	}
	return "a " + kind
}
