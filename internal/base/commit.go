package base

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/ci"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// commit is the resolved base, or "" with the reason it is unknown.
type commit struct {
	sha, reason string
}

var fullSHA = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// base resolves the range's base commit. A base the CI context or the
// state names but the repository lacks is fetched (shallow clone, fetch:
// auto) or handed to the on_unknown_base policy.
func (c *chooser) base(ctx context.Context, rng ci.Range) (commit, error) {
	if rng.Unknown {
		return c.unknown(rng.Reason, "")
	}
	if !fullSHA.MatchString(rng.From) || rng.Source == ci.SourceFlags && !c.repo.IsShallow() {
		sha, err := c.repo.Resolve(rng.From)
		if err == nil {
			// CheckCommit says why: absent (shallow) or unreadable (damaged).
			if err = c.repo.CheckCommit(sha); err == nil {
				return commit{sha: sha}, nil
			}
		}
		if rng.Source == ci.SourceFlags || !errors.Is(err, diff.ErrCommitMissing) {
			return commit{}, fmt.Errorf("--from: %w", err)
		}
	}
	sha := strings.ToLower(rng.From)
	if c.repo.HasCommit(sha) {
		return commit{sha: sha}, nil
	}
	what, gone := "the base commit", "a force push or garbage collection dropped it"
	if rng.Source == SourceState {
		what = "the last purged commit (" + rng.Reason + ")"
		gone = "a force push dropped it, or the state file is another repository's: fix or delete the file"
	}
	return c.missing(ctx, sha, what, gone)
}

// missing handles a base commit that is not in the repository: fetch it
// into a shallow clone when allowed, else apply the policy.
// what names the commit in messages, gone says why a full clone lacks it.
func (c *chooser) missing(ctx context.Context, sha, what, gone string) (commit, error) {
	fix := "fetch more history: fetch-depth: 0 (or 2) in actions/checkout, GIT_DEPTH: 0 in GitLab CI"
	if !c.repo.IsShallow() {
		return c.unknown(fmt.Sprintf("%s %.12s is not in the repository (%s)", what, sha, gone), "")
	}
	switch {
	case c.s.Fetch != mapper.FetchAuto:
		return c.unknown(fmt.Sprintf("the shallow clone lacks %s %.12s and fetch is %q", what, sha, c.s.Fetch), fix)
	case !c.repo.HasRemote("origin"):
		return c.unknown(fmt.Sprintf("the shallow clone lacks %s %.12s and has no origin remote to fetch it from", what, sha), fix)
	}
	c.note(Progress, "the shallow clone lacks %s %.12s: fetching it from origin", what, sha)
	if err := c.repo.Fetch(ctx, sha, diff.FetchOptions{Remote: "origin", Token: c.s.Token}); err != nil {
		if ctx.Err() != nil {
			return commit{}, ctx.Err() // an interrupt, not a fetch for on_unknown_base to replace
		}
		return c.unknown(fmt.Sprintf("the shallow clone lacks %s %.12s and fetching it failed: %v", what, sha, err), fix)
	}
	return commit{sha: sha}, nil
}

// unknown applies on_unknown_base, saying which policy fired and why.
func (c *chooser) unknown(reason, fix string) (commit, error) {
	switch c.s.OnUnknownBase {
	case mapper.UnknownBaseCPCode, mapper.UnknownBaseAll:
		c.note(Warning, "%s; on_unknown_base: %s applies", reason, c.s.OnUnknownBase)
		return commit{reason: reason}, nil
	}
	msg := fmt.Sprintf("%s, and on_unknown_base is fail: pass --from REV, or set on_unknown_base: cpcode (purge the CP codes) or all (purge every file)", reason)
	if fix != "" {
		msg += "; or " + fix
	}
	return commit{}, errors.New(msg)
}
