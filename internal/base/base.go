// Package base chooses the base of a run's range: the commit the edge
// serves now, which the head is diffed against. One order decides it:
// explicit flags, then the state file's last complete purge, then the CI
// context, then the config's on_unknown_base policy. A base the
// repository lacks is fetched into a shallow clone when the config allows
// it; it never silently becomes a narrower diff.
//
// The package prints nothing: the choice comes back as plain data, with
// the notes and warnings for the caller to show. Every error Detect and
// Choose return is the user's to fix (a flag, the CI context, the state
// file, the clone's depth or the policy), except one that wraps the
// context's error: the run was interrupted while fetching the base.
package base

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// SourceState is the range's source when the base is the last purged
// commit a state file records; ci names the others.
const SourceState = "state"

// Level says how a note is labelled: its value is the label's word.
type Level string

// Levels of a note.
const (
	// Progress says what the run is doing now (fetching a commit).
	Progress Level = ""
	// Notice is something the user may want to know, not a problem.
	Notice Level = "note"
	// Warning is a problem the run works around (a policy fired).
	Warning Level = "warning"
)

// Note is a message for the user, in the order the choice made it.
type Note struct {
	Level Level
	Text  string
}

// String is the note as printed after the tool's name: "note: …",
// "warning: …", or a progress note's text alone.
func (n Note) String() string {
	if n.Level == Progress {
		return n.Text
	}
	return string(n.Level) + ": " + n.Text
}

// Repo is what the choice reads of the repository; *diff.Repo is one.
type Repo interface {
	Resolve(rev string) (string, error)
	CheckCommit(sha string) error
	HasCommit(sha string) bool
	IsShallow() bool
	HasRemote(name string) bool
	Fetch(ctx context.Context, sha string, o diff.FetchOptions) error
}

// Flags are the range's inputs the user gives: --from, --to and --state
// ("" when not given).
type Flags struct {
	From, To, State string
}

// Request is the range as the flags or the CI context name it, before
// the repository is read.
type Request struct {
	rng   ci.Range
	state string
	// noContext: neither the flags nor a CI system name a base, so the
	// state file must.
	noContext bool
}

// Detect reads the flags and the CI context. Without any context the
// state file may still name the base, so that is no error when f.State
// is set; Choose fails if the file has no entry.
func Detect(f Flags, env ci.Env) (Request, error) {
	rng, err := ci.Detect(f.From, f.To, env)
	noContext := errors.Is(err, ci.ErrNoContext) && f.State != ""
	if err != nil && !noContext {
		return Request{}, err
	}
	return Request{rng: rng, state: f.State, noContext: noContext}, nil
}

// To is the head revision as named ("HEAD" by default): the caller
// resolves it, and reads the config from it, before Choose.
func (r Request) To() string { return r.rng.To }

// Settings is what Choose needs besides the request: the resolved head,
// what keys the state's entry, and the config's fetch and policy.
type Settings struct {
	Head string // the head commit, a full SHA
	// Network and API are the config's; with Config and Host they key
	// the state file's entry.
	Network purge.Network
	API     purge.API
	// Config is --config as given, "" for the file at the repository
	// root; Root is the worktree's root ("" in a bare repository).
	Config, Root string
	// Host is the credentials' API host (the Akamai account), "" when no
	// credentials load, as for a plan without them.
	Host string
	// Fetch is the config's fetch (mapper.FetchAuto or FetchNever).
	Fetch string
	// OnUnknownBase is the config's policy for an unknown base
	// (mapper.UnknownBaseFail, UnknownBaseCPCode or UnknownBaseAll).
	OnUnknownBase string
	// Token (GITHUB_TOKEN) authenticates the fetch of a missing base.
	Token string
	// Notify, when set, is told each note as it is made, before the work
	// it announces: a fetch of a missing base can take minutes, and a log
	// that says nothing meanwhile looks hung. Choice.Notes has them too.
	Notify func(Note)
}

// Choice is the chosen range and what follows from it.
type Choice struct {
	// Range is the plan's range: From is "" when the base is unknown and
	// Policy says which on_unknown_base applies.
	Range plan.Range
	// State records the head once every object is purged; nil without
	// --state and for proposals (pull and merge requests), whose head is
	// not what the edge will serve. Key is what it records under.
	State *state.File
	Key   state.Key
	// Notes are for the user, in order; Choose returns them with an
	// error too, since they say what happened before it.
	Notes []Note
	// ForceFallback, for on_unknown_base: cpcode, says why the plan
	// purges the CP codes instead of the changes.
	ForceFallback string
}

// DiffFrom is the commit to diff the head against: the base, or the
// empty tree when on_unknown_base: all takes every file of the head; ""
// when nothing is to be diffed (cpcode purges the CP codes, not files).
func (c Choice) DiffFrom() string {
	switch {
	case c.Range.From != "":
		return c.Range.From
	case c.Range.Policy == mapper.UnknownBaseAll:
		return diff.EmptyTree
	}
	return ""
}

// chooser is one Choose call: its inputs and the notes made so far.
type chooser struct {
	repo  Repo
	s     Settings
	notes []Note
}

func (c *chooser) note(l Level, format string, args ...any) {
	n := Note{Level: l, Text: fmt.Sprintf(format, args...)}
	c.notes = append(c.notes, n)
	if c.s.Notify != nil {
		c.s.Notify(n)
	}
}

// Choose picks the base in repo: flags, else the state file's entry for
// the run's key, else the CI context, else the on_unknown_base policy.
// See the package comment for which errors are the user's.
func (r Request) Choose(ctx context.Context, repo Repo, s Settings) (Choice, error) {
	c := &chooser{repo: repo, s: s}
	key := c.key(r.state)
	st, rng, err := c.fromState(r, key)
	if err != nil {
		return Choice{Notes: c.notes}, err
	}
	from, err := c.base(ctx, rng)
	if err != nil {
		return Choice{Notes: c.notes}, err
	}
	ch := Choice{State: st, Key: key, Notes: c.notes,
		Range: plan.Range{From: from.sha, To: s.Head, Source: rng.Source, Reason: cmp.Or(from.reason, rng.Reason)}}
	if from.sha == "" {
		ch.Range.Policy = s.OnUnknownBase
		if s.OnUnknownBase == mapper.UnknownBaseCPCode {
			ch.ForceFallback = fmt.Sprintf("the base commit is unknown (%s), and on_unknown_base is cpcode", from.reason)
		}
	}
	return ch, nil
}
