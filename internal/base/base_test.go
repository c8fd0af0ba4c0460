package base_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/base"
	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

const (
	head    = "cccccccccccccccccccccccccccccccccccccccc"
	before  = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
	last    = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	missing = "dddddddddddddddddddddddddddddddddddddddd"
	zero    = "0000000000000000000000000000000000000000"

	// statePath stands for the test's state file in flags and wants.
	statePath = "$STATE"
	// entry is a state file whose production entry for the default
	// config and Fast Purge is last.
	entry = `{"version": 2, "entries": [{"network": "production", "config": ".ccu-purge.yml", "api": "fast-purge", "commit": "` + last + `", "purgedAt": "2026-01-02T03:04:05Z"}]}`
	// lastReason is the range's reason when the base is entry's commit.
	lastReason = "the last purge on production, recorded in $STATE at 2026-01-02T03:04:05Z"
	// failHint ends every message of on_unknown_base: fail.
	failHint = ", and on_unknown_base is fail: pass --from REV, or set on_unknown_base: cpcode (purge the CP codes) or all (purge every file)"
	// depthHint follows failHint when a shallow clone lacks the base.
	depthHint = "; or fetch more history: fetch-depth: 0 (or 2) in actions/checkout, GIT_DEPTH: 0 in GitLab CI"
	// zeroReason is GitLab's first push of a branch.
	zeroReason = "CI_COMMIT_BEFORE_SHA is all zeros (the first push of a branch or tag, or a pipeline with no previous commit)"
)

var (
	// gitlabPush is a GitLab CI push from before to head.
	gitlabPush = map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": before}
	// gitlabFirst is the first push of a GitLab branch.
	gitlabFirst = map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": zero}
	// gitlabMR is a GitLab merge request pipeline: a proposal.
	gitlabMR = map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": head, "CI_MERGE_REQUEST_IID": "7", "CI_MERGE_REQUEST_DIFF_BASE_SHA": before}
	// key is the state's key for the default settings with --state.
	key = state.Key{Network: "production", Config: ".ccu-purge.yml", API: "fast-purge"}

	errAbsent  = fmt.Errorf("check commit: %w", diff.ErrCommitMissing)
	errDamaged = fmt.Errorf("read commit: %w", diff.ErrDamaged)
	// errInterrupt makes the fake's Fetch cancel the run, as SIGTERM does.
	errInterrupt = errors.New("interrupt")
)

// answer is a stubbed yes or no; unasked fails the test when asked.
type answer int

const (
	unasked answer = iota
	yes
	no
)

// fakeRepo answers only what a row stubs, and fails the test on any
// other call and on any stub left unused.
type fakeRepo struct {
	revs    map[string]string // Resolve: revision → SHA
	revErrs map[string]error  // Resolve: revision → error
	commits map[string]error  // CheckCommit, HasCommit: SHA → nil (present) or why not
	shallow answer            // IsShallow
	origin  answer            // HasRemote("origin")
	fetch   map[string]error  // Fetch: SHA → result (errInterrupt cancels the run)
	token   string            // the token Fetch must be given

	t      *testing.T
	cancel context.CancelFunc
	used   map[string]bool
}

func (f *fakeRepo) call(format string, args ...any) string {
	c := fmt.Sprintf(format, args...)
	f.used[c] = true
	return c
}

func (f *fakeRepo) unexpected(c string) error {
	f.t.Errorf("unexpected call %s", c)
	return errors.New("unexpected call " + c)
}

func (f *fakeRepo) Resolve(rev string) (string, error) {
	c := f.call("Resolve(%s)", rev)
	if sha, ok := f.revs[rev]; ok {
		return sha, nil
	}
	if err, ok := f.revErrs[rev]; ok {
		return "", err
	}
	return "", f.unexpected(c)
}

func (f *fakeRepo) CheckCommit(sha string) error {
	c := f.call("commit(%s)", sha)
	err, ok := f.commits[sha]
	if !ok {
		return f.unexpected(c)
	}
	return err
}

func (f *fakeRepo) HasCommit(sha string) bool { return f.CheckCommit(sha) == nil }

func (f *fakeRepo) IsShallow() bool {
	if f.shallow == unasked {
		f.unexpected("IsShallow()")
	}
	f.call("IsShallow()")
	return f.shallow == yes
}

func (f *fakeRepo) HasRemote(name string) bool {
	if f.origin == unasked || name != "origin" {
		f.unexpected(fmt.Sprintf("HasRemote(%s)", name))
	}
	f.call("HasRemote(origin)")
	return f.origin == yes
}

func (f *fakeRepo) Fetch(ctx context.Context, sha string, o diff.FetchOptions) error {
	c := f.call("Fetch(%s)", sha)
	err, ok := f.fetch[sha]
	switch {
	case !ok:
		return f.unexpected(c)
	case o != diff.FetchOptions{Remote: "origin", Token: f.token}:
		f.t.Errorf("Fetch options %+v, want remote origin and token %q", o, f.token)
	case err == errInterrupt:
		f.cancel()
		return fmt.Errorf("fetch %.12s: %w", sha, ctx.Err())
	}
	return err
}

// verify fails the test for every stub no call used.
func (f *fakeRepo) verify() {
	var stubs []string
	for rev := range f.revs {
		stubs = append(stubs, "Resolve("+rev+")")
	}
	for rev := range f.revErrs {
		stubs = append(stubs, "Resolve("+rev+")")
	}
	for sha := range f.commits {
		stubs = append(stubs, "commit("+sha+")")
	}
	for sha := range f.fetch {
		stubs = append(stubs, "Fetch("+sha+")")
	}
	if f.shallow != unasked {
		stubs = append(stubs, "IsShallow()")
	}
	if f.origin != unasked {
		stubs = append(stubs, "HasRemote(origin)")
	}
	for _, s := range stubs {
		if !f.used[s] {
			f.t.Errorf("stub %s was never called", s)
		}
	}
}

// outcome is a Choice as plain data: State becomes the path it saves to.
type outcome struct {
	Range         plan.Range
	Key           state.Key
	Notes         []base.Note
	ForceFallback string
	DiffFrom      string
	State         string
}

func TestChoose(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags base.Flags
		env   map[string]string
		state string // the state file's content; "" for no file
		repo  fakeRepo
		set   base.Settings // Head, Network, API, Fetch, OnUnknownBase default
		want  outcome
		err   string // the error, in full ("" for none)
		wraps error  // what the error must wrap, when set
	}{
		{
			name:  "flags",
			flags: base.Flags{From: "v1"},
			repo:  fakeRepo{revs: map[string]string{"v1": before}, commits: map[string]error{before: nil}},
			want:  outcome{Range: plan.Range{From: before, To: head, Source: "flags"}, DiffFrom: before},
		},
		{
			name:  "flags with a full SHA in a full clone are resolved",
			flags: base.Flags{From: strings.ToUpper(before)},
			repo:  fakeRepo{shallow: no, revs: map[string]string{strings.ToUpper(before): before}, commits: map[string]error{before: nil}},
			want:  outcome{Range: plan.Range{From: before, To: head, Source: "flags"}, DiffFrom: before},
		},
		{
			name:  "flags with a missing commit",
			flags: base.Flags{From: missing},
			repo:  fakeRepo{shallow: no, revs: map[string]string{missing: missing}, commits: map[string]error{missing: errAbsent}},
			err:   "--from: check commit: commit not in the local repository",
		},
		{
			name:  "flags with a damaged commit",
			flags: base.Flags{From: "v1"},
			repo:  fakeRepo{revs: map[string]string{"v1": before}, commits: map[string]error{before: errDamaged}},
			err:   "--from: read commit: the repository is damaged",
		},
		{
			name:  "flags with an unknown revision",
			flags: base.Flags{From: "nope"},
			repo:  fakeRepo{revErrs: map[string]error{"nope": errors.New(`resolve "nope": revision not found`)}},
			err:   `--from: resolve "nope": revision not found`,
		},
		{
			name:  "flags naming a commit a shallow clone lacks: fetched",
			flags: base.Flags{From: missing},
			repo:  fakeRepo{shallow: yes, origin: yes, commits: map[string]error{missing: errAbsent}, fetch: map[string]error{missing: nil}},
			want: outcome{Range: plan.Range{From: missing, To: head, Source: "flags"}, DiffFrom: missing,
				Notes: []base.Note{{Level: base.Progress, Text: "the shallow clone lacks the base commit dddddddddddd: fetching it from origin"}}},
		},
		{
			name:  "flags win over the state, which records the head",
			flags: base.Flags{From: "v1", State: statePath},
			state: entry,
			repo:  fakeRepo{revs: map[string]string{"v1": before}, commits: map[string]error{before: nil}},
			want:  outcome{Range: plan.Range{From: before, To: head, Source: "flags"}, DiffFrom: before, Key: key, State: statePath},
		},
		{
			name:  "state entry without a CI context",
			flags: base.Flags{State: statePath},
			state: entry,
			repo:  fakeRepo{commits: map[string]error{last: nil}},
			want:  outcome{Range: plan.Range{From: last, To: head, Source: "state", Reason: lastReason}, DiffFrom: last, Key: key, State: statePath},
		},
		{
			name:  "state entry ahead of the CI context",
			flags: base.Flags{State: statePath},
			env:   gitlabPush,
			state: entry,
			repo:  fakeRepo{commits: map[string]error{last: nil}},
			want:  outcome{Range: plan.Range{From: last, To: head, Source: "state", Reason: lastReason}, DiffFrom: last, Key: key, State: statePath},
		},
		{
			name:  "version 1 entry: taken, with a note",
			flags: base.Flags{State: statePath},
			state: `{"version": 1, "networks": {"production": {"commit": "` + last + `", "purgedAt": "2026-01-02T03:04:05Z"}}}`,
			repo:  fakeRepo{commits: map[string]error{last: nil}},
			want: outcome{Range: plan.Range{From: last, To: head, Source: "state", Reason: lastReason}, DiffFrom: last, Key: key, State: statePath,
				Notes: []base.Note{{Level: base.Notice, Text: "$STATE: its entry for the production network predates entries per config (version 1) and is taken for .ccu-purge.yml"}}},
		},
		{
			name:  "no entry and no context",
			flags: base.Flags{State: statePath},
			err:   "no base revision: $STATE has no purge recorded for the production network with .ccu-purge.yml yet: pass --from REV (the commit the edge serves now) for this first run; the state file is written when it succeeds",
		},
		{
			name:  "only another config's entry and no context",
			flags: base.Flags{State: statePath},
			state: strings.Replace(entry, ".ccu-purge.yml", "site/b.yml", 1),
			err:   "no base revision: $STATE has no purge recorded for the production network with .ccu-purge.yml yet (its entries for the production network are other configs' or APIs' or accounts': site/b.yml (api fast-purge)): pass --from REV (the commit the edge serves now) for this first run; the state file is written when it succeeds",
		},
		{
			name:  "no entry: the CI context, with a note",
			flags: base.Flags{State: statePath},
			env:   gitlabPush,
			repo:  fakeRepo{commits: map[string]error{before: nil}},
			want: outcome{Range: plan.Range{From: before, To: head, Source: "gitlab:push"}, DiffFrom: before, Key: key, State: statePath,
				Notes: []base.Note{{Level: base.Notice, Text: "$STATE has no purge recorded for the production network with .ccu-purge.yml yet: the base comes from gitlab:push"}}},
		},
		{
			name:  "proposal: the state gives no base and records nothing",
			flags: base.Flags{State: statePath},
			env:   gitlabMR,
			state: entry,
			repo:  fakeRepo{commits: map[string]error{before: nil}},
			want: outcome{Range: plan.Range{From: before, To: head, Source: "gitlab:merge_request"}, DiffFrom: before, Key: key,
				Notes: []base.Note{{Level: base.Notice, Text: "this run is for a proposed change (a pull or merge request): $STATE is neither read nor written"}}},
		},
		{
			name:  "proposal with an unreadable state file",
			flags: base.Flags{State: statePath},
			env:   gitlabMR,
			state: "{",
			err:   "--state: invalid state file $STATE: it ends in the middle of the JSON (a torn copy?); fix it, or delete it and pass --from REV (the commit the edge serves now) once",
		},
		{
			name: "CI context",
			env:  gitlabPush,
			repo: fakeRepo{commits: map[string]error{before: nil}},
			want: outcome{Range: plan.Range{From: before, To: head, Source: "gitlab:push"}, DiffFrom: before},
		},
		{
			name: "CI context base missing in a full clone",
			env:  gitlabPush,
			repo: fakeRepo{shallow: no, commits: map[string]error{before: errAbsent}},
			err:  "the base commit bbbbbbbbbbbb is not in the repository (a force push or garbage collection dropped it)" + failHint,
		},
		{
			name:  "state's commit missing in a full clone, cpcode",
			flags: base.Flags{State: statePath},
			state: entry,
			repo:  fakeRepo{shallow: no, commits: map[string]error{last: errAbsent}},
			set:   base.Settings{OnUnknownBase: "cpcode"},
			want: outcome{
				Range: plan.Range{To: head, Source: "state", Policy: "cpcode",
					Reason: "the last purged commit (" + lastReason + ") aaaaaaaaaaaa is not in the repository (a force push dropped it, or the state file is another repository's: fix or delete the file)"},
				Key: key, State: statePath,
				Notes:         []base.Note{{Level: base.Warning, Text: "the last purged commit (" + lastReason + ") aaaaaaaaaaaa is not in the repository (a force push dropped it, or the state file is another repository's: fix or delete the file); on_unknown_base: cpcode applies"}},
				ForceFallback: "the base commit is unknown (the last purged commit (" + lastReason + ") aaaaaaaaaaaa is not in the repository (a force push dropped it, or the state file is another repository's: fix or delete the file)), and on_unknown_base is cpcode",
			},
		},
		{
			name: "shallow clone, fetch auto: fetched with the token",
			env:  gitlabPush,
			repo: fakeRepo{shallow: yes, origin: yes, commits: map[string]error{before: errAbsent}, fetch: map[string]error{before: nil}, token: "ghs_token"},
			set:  base.Settings{Token: "ghs_token"},
			want: outcome{Range: plan.Range{From: before, To: head, Source: "gitlab:push"}, DiffFrom: before,
				Notes: []base.Note{{Level: base.Progress, Text: "the shallow clone lacks the base commit bbbbbbbbbbbb: fetching it from origin"}}},
		},
		{
			name: "shallow clone, fetch never",
			env:  gitlabPush,
			repo: fakeRepo{shallow: yes, commits: map[string]error{before: errAbsent}},
			set:  base.Settings{Fetch: "never"},
			err:  `the shallow clone lacks the base commit bbbbbbbbbbbb and fetch is "never"` + failHint + depthHint,
		},
		{
			name: "shallow clone without origin",
			env:  gitlabPush,
			repo: fakeRepo{shallow: yes, origin: no, commits: map[string]error{before: errAbsent}},
			err:  "the shallow clone lacks the base commit bbbbbbbbbbbb and has no origin remote to fetch it from" + failHint + depthHint,
		},
		{
			name: "shallow clone, fetch fails",
			env:  gitlabPush,
			repo: fakeRepo{shallow: yes, origin: yes, commits: map[string]error{before: errAbsent}, fetch: map[string]error{before: errors.New("remote: not our ref")}},
			err:  "the shallow clone lacks the base commit bbbbbbbbbbbb and fetching it failed: remote: not our ref" + failHint + depthHint,
			want: outcome{Notes: []base.Note{{Level: base.Progress, Text: "the shallow clone lacks the base commit bbbbbbbbbbbb: fetching it from origin"}}},
		},
		{
			name: "shallow clone, fetch fails, cpcode",
			env:  gitlabPush,
			repo: fakeRepo{shallow: yes, origin: yes, commits: map[string]error{before: errAbsent}, fetch: map[string]error{before: errors.New("remote: not our ref")}},
			set:  base.Settings{OnUnknownBase: "cpcode"},
			want: outcome{
				Range: plan.Range{To: head, Source: "gitlab:push", Policy: "cpcode", Reason: "the shallow clone lacks the base commit bbbbbbbbbbbb and fetching it failed: remote: not our ref"},
				Notes: []base.Note{
					{Level: base.Progress, Text: "the shallow clone lacks the base commit bbbbbbbbbbbb: fetching it from origin"},
					{Level: base.Warning, Text: "the shallow clone lacks the base commit bbbbbbbbbbbb and fetching it failed: remote: not our ref; on_unknown_base: cpcode applies"},
				},
				ForceFallback: "the base commit is unknown (the shallow clone lacks the base commit bbbbbbbbbbbb and fetching it failed: remote: not our ref), and on_unknown_base is cpcode",
			},
		},
		{
			name:  "shallow clone, fetch interrupted: not the policy's",
			env:   gitlabPush,
			repo:  fakeRepo{shallow: yes, origin: yes, commits: map[string]error{before: errAbsent}, fetch: map[string]error{before: errInterrupt}},
			set:   base.Settings{OnUnknownBase: "all"},
			err:   "context canceled",
			wraps: context.Canceled,
			want:  outcome{Notes: []base.Note{{Level: base.Progress, Text: "the shallow clone lacks the base commit bbbbbbbbbbbb: fetching it from origin"}}},
		},
		{
			name: "first push, fail",
			env:  gitlabFirst,
			err:  zeroReason + failHint,
		},
		{
			name: "first push, cpcode",
			env:  gitlabFirst,
			set:  base.Settings{OnUnknownBase: "cpcode"},
			want: outcome{
				Range:         plan.Range{To: head, Source: "gitlab:push", Policy: "cpcode", Reason: zeroReason},
				Notes:         []base.Note{{Level: base.Warning, Text: zeroReason + "; on_unknown_base: cpcode applies"}},
				ForceFallback: "the base commit is unknown (" + zeroReason + "), and on_unknown_base is cpcode",
			},
		},
		{
			name: "first push, all: every file of the head",
			env:  gitlabFirst,
			set:  base.Settings{OnUnknownBase: "all"},
			want: outcome{
				Range:    plan.Range{To: head, Source: "gitlab:push", Policy: "all", Reason: zeroReason},
				Notes:    []base.Note{{Level: base.Warning, Text: zeroReason + "; on_unknown_base: all applies"}},
				DiffFrom: diff.EmptyTree,
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if tc.state != "" {
				if err := os.WriteFile(path, []byte(tc.state), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			flags := tc.flags
			flags.State = strings.ReplaceAll(flags.State, statePath, path)
			req, err := base.Detect(flags, ciEnv(t, tc.env))
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if req.To() != "HEAD" && req.To() != head {
				t.Errorf("To() = %q, want HEAD or the CI's head", req.To())
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			repo := tc.repo
			repo.t, repo.cancel, repo.used = t, cancel, map[string]bool{}
			c, err := req.Choose(ctx, &repo, settings(tc.set))
			repo.verify()
			if got, want := errText(err), strings.ReplaceAll(tc.err, statePath, path); got != want {
				t.Errorf("error:\n got %s\nwant %s", got, want)
			}
			if tc.wraps != nil && !errors.Is(err, tc.wraps) {
				t.Errorf("error %v does not wrap %v", err, tc.wraps)
			}
			want := tc.want
			replaceState(&want, path)
			if diff := cmp.Diff(want, result(c)); diff != "" {
				t.Errorf("choice (-want +got):\n%s", diff)
			}
		})
	}
}

// ciEnv is a CI environment of fixed variables that reads no files: the
// rows' CI systems name their commits in variables.
func ciEnv(t *testing.T, vars map[string]string) ci.Env {
	return ci.Env{
		Getenv: func(k string) string { return vars[k] },
		ReadFile: func(name string) ([]byte, error) {
			t.Errorf("unexpected ReadFile(%s)", name)
			return nil, os.ErrNotExist
		},
	}
}

// settings fills in a row's defaults: the head, production, Fast Purge,
// fetch auto and on_unknown_base fail.
func settings(s base.Settings) base.Settings {
	s.Head = head
	s.Network, s.API = "production", "fast-purge"
	if s.Fetch == "" {
		s.Fetch = "auto"
	}
	if s.OnUnknownBase == "" {
		s.OnUnknownBase = "fail"
	}
	return s
}

func result(c base.Choice) outcome {
	o := outcome{Range: c.Range, Key: c.Key, Notes: c.Notes, ForceFallback: c.ForceFallback, DiffFrom: c.DiffFrom()}
	if c.State != nil {
		o.State = c.State.Path()
	}
	return o
}

// replaceState puts the test's state file path into a want.
func replaceState(o *outcome, path string) {
	o.State = strings.ReplaceAll(o.State, statePath, path)
	o.Range.Reason = strings.ReplaceAll(o.Range.Reason, statePath, path)
	o.ForceFallback = strings.ReplaceAll(o.ForceFallback, statePath, path)
	for i := range o.Notes {
		o.Notes[i].Text = strings.ReplaceAll(o.Notes[i].Text, statePath, path)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestDetect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		flags base.Flags
		env   map[string]string
		to    string
		err   error  // wrapped by the error
		text  string // the error, in full
	}{
		{name: "flags", flags: base.Flags{From: "v1", To: "v2"}, to: "v2"},
		{name: "flags, head by default", flags: base.Flags{From: "v1"}, to: "HEAD"},
		{name: "CI context", env: gitlabPush, to: head},
		{name: "no context, state file", flags: base.Flags{State: "state.json"}, to: "HEAD"},
		{name: "no context", err: ci.ErrNoContext, text: ci.ErrNoContext.Error()},
		{
			name:  "damaged CI context, even with a state file",
			flags: base.Flags{State: "state.json"},
			env:   map[string]string{"GITLAB_CI": "true", "CI_COMMIT_SHA": "HEAD~1"},
			text:  `CI_COMMIT_SHA is "HEAD~1", not a commit SHA (40 or 64 hex digits): is the CI context damaged? Pass --from REV (and --to REV) to name the commits yourself`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := base.Detect(tc.flags, ciEnv(t, tc.env))
			if got := errText(err); got != tc.text {
				t.Errorf("error:\n got %s\nwant %s", got, tc.text)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("error %v does not wrap %v", err, tc.err)
			}
			if err == nil && req.To() != tc.to {
				t.Errorf("To() = %q, want %q", req.To(), tc.to)
			}
		})
	}
}

// The state's key names the config relative to the repository root, so
// it is the same on every clone, and the account by its host's hash.
func TestKey(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "site"), 0o755); err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "purge.yml")
	for _, tc := range []struct {
		name                 string
		config, root, host   string
		wantConfig, wantCred string
	}{
		{name: "the file at the root", root: root, wantConfig: ".ccu-purge.yml"},
		{name: "the file at the root of a bare repository", wantConfig: ".ccu-purge.yml"},
		{name: "a file in the worktree", config: filepath.Join(root, "site", "purge.yml"), root: root, wantConfig: "site/purge.yml"},
		{name: "a file outside the worktree", config: outside, root: root, wantConfig: filepath.ToSlash(outside)},
		{name: "a file beside a bare repository", config: outside, wantConfig: filepath.ToSlash(outside)},
		{name: "the account", host: "akab-test.luna.akamaiapis.net", wantConfig: ".ccu-purge.yml", wantCred: "48ff1ac04d8a7ba1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, err := base.Detect(base.Flags{From: "v1", State: filepath.Join(t.TempDir(), "state.json")}, ciEnv(t, nil))
			if err != nil {
				t.Fatal(err)
			}
			repo := fakeRepo{t: t, used: map[string]bool{}, revs: map[string]string{"v1": before}, commits: map[string]error{before: nil}}
			s := settings(base.Settings{Config: tc.config, Root: tc.root, Host: tc.host})
			c, err := req.Choose(context.Background(), &repo, s)
			if err != nil {
				t.Fatal(err)
			}
			want := state.Key{Network: "production", Config: tc.wantConfig, API: "fast-purge", Credentials: tc.wantCred}
			if diff := cmp.Diff(want, c.Key); diff != "" {
				t.Errorf("key (-want +got):\n%s", diff)
			}
		})
	}
}

// Without --state there is nothing to record and no key.
func TestNoState(t *testing.T) {
	req, err := base.Detect(base.Flags{From: "v1"}, ciEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	repo := fakeRepo{t: t, used: map[string]bool{}, revs: map[string]string{"v1": before}, commits: map[string]error{before: nil}}
	c, err := req.Choose(context.Background(), &repo, settings(base.Settings{Config: "x.yml", Host: "akab-test.luna.akamaiapis.net"}))
	if err != nil || c.State != nil || c.Key != (state.Key{}) {
		t.Errorf("Choose = state %v, key %+v, error %v; want no state, no key", c.State, c.Key, err)
	}
}

// notifyRepo is a fakeRepo whose Fetch records the notes told so far:
// the fetch's own note must reach the log before the fetch starts.
type notifyRepo struct {
	*fakeRepo
	told      *[]base.Note
	toldFirst []base.Note
}

func (r *notifyRepo) Fetch(ctx context.Context, sha string, o diff.FetchOptions) error {
	r.toldFirst = slices.Clone(*r.told)
	return r.fakeRepo.Fetch(ctx, sha, o)
}

// Notify hears every note as it is made, in order, and the fetch of a
// missing base is announced before it runs.
func TestNotify(t *testing.T) {
	t.Parallel()
	req, err := base.Detect(base.Flags{From: missing}, ciEnv(t, nil))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fake := &fakeRepo{shallow: yes, origin: yes, commits: map[string]error{missing: errAbsent}, fetch: map[string]error{missing: nil},
		t: t, cancel: cancel, used: map[string]bool{}}
	var told []base.Note
	repo := &notifyRepo{fakeRepo: fake, told: &told}
	s := settings(base.Settings{})
	s.Notify = func(n base.Note) { told = append(told, n) }
	c, err := req.Choose(ctx, repo, s)
	fake.verify()
	if err != nil {
		t.Fatal(err)
	}
	fetching := []base.Note{{Level: base.Progress, Text: "the shallow clone lacks the base commit dddddddddddd: fetching it from origin"}}
	if diff := cmp.Diff(fetching, repo.toldFirst); diff != "" {
		t.Errorf("told before the fetch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(c.Notes, told); diff != "" {
		t.Errorf("Notify heard other notes than Choice.Notes (-want +got):\n%s", diff)
	}
}

func TestNoteString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    base.Note
		want string
	}{
		{base.Note{Level: base.Progress, Text: "fetching"}, "fetching"},
		{base.Note{Level: base.Notice, Text: "x"}, "note: x"},
		{base.Note{Level: base.Warning, Text: "y"}, "warning: y"},
	} {
		if got := tc.n.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.n, got, tc.want)
		}
	}
}
