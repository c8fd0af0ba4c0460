package cli

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

// baseCommit is the resolved base, or "" with the reason it is unknown.
type baseCommit struct {
	sha, reason string
}

var fullSHA = regexp.MustCompile(`^[0-9a-fA-F]{40}$`)

// base resolves the range's base commit. A base the CI context names but
// the repository lacks is fetched (shallow clone, fetch: auto) or handed to
// the on_unknown_base policy; it never silently becomes a narrower diff.
func (e *env) base(ctx context.Context, repo *diff.Repo, cfg *mapper.Config, rng ci.Range) (baseCommit, error) {
	if rng.Unknown {
		return e.unknown(cfg, rng.Reason, "")
	}
	if !fullSHA.MatchString(rng.From) || rng.Source == ci.SourceFlags && !repo.IsShallow() {
		sha, err := repo.Resolve(rng.From)
		if err == nil {
			// CheckCommit says why: absent (shallow) or unreadable (damaged).
			if err = repo.CheckCommit(sha); err == nil {
				return baseCommit{sha: sha}, nil
			}
		}
		if rng.Source == ci.SourceFlags || !errors.Is(err, diff.ErrCommitMissing) {
			return baseCommit{}, usagef("--from: %w", err)
		}
	}
	sha := strings.ToLower(rng.From)
	if repo.HasCommit(sha) {
		return baseCommit{sha: sha}, nil
	}
	what, gone := "the base commit", "a force push or garbage collection dropped it"
	if rng.Source == sourceState {
		what = "the last purged commit (" + rng.Reason + ")"
		gone = "a force push dropped it, or the state file is another repository's: fix or delete the file"
	}
	return e.missing(ctx, repo, cfg, sha, what, gone)
}

// missing handles a base commit that is not in the repository: fetch it
// into a shallow clone when allowed, else apply the policy.
// what names the commit in messages, gone says why a full clone lacks it.
func (e *env) missing(ctx context.Context, repo *diff.Repo, cfg *mapper.Config, sha, what, gone string) (baseCommit, error) {
	fix := "fetch more history: fetch-depth: 0 (or 2) in actions/checkout, GIT_DEPTH: 0 in GitLab CI"
	if !repo.IsShallow() {
		return e.unknown(cfg, fmt.Sprintf("%s %.12s is not in the repository (%s)", what, sha, gone), "")
	}
	switch {
	case cfg.Fetch != mapper.FetchAuto:
		return e.unknown(cfg, fmt.Sprintf("the shallow clone lacks %s %.12s and fetch is %q", what, sha, cfg.Fetch), fix)
	case !repo.HasRemote("origin"):
		return e.unknown(cfg, fmt.Sprintf("the shallow clone lacks %s %.12s and has no origin remote to fetch it from", what, sha), fix)
	}
	fmt.Fprintf(e.stderr, "ccu-purge: the shallow clone lacks %s %.12s: fetching it from origin\n", what, sha)
	if err := repo.Fetch(ctx, sha, diff.FetchOptions{Remote: "origin", Token: e.getenv("GITHUB_TOKEN")}); err != nil {
		if ctx.Err() != nil {
			return baseCommit{}, ctx.Err() // an interrupt, not a fetch for on_unknown_base to replace
		}
		return e.unknown(cfg, fmt.Sprintf("the shallow clone lacks %s %.12s and fetching it failed: %v", what, sha, err), fix)
	}
	return baseCommit{sha: sha}, nil
}

// unknown applies on_unknown_base, saying which policy fired and why.
func (e *env) unknown(cfg *mapper.Config, reason, fix string) (baseCommit, error) {
	switch cfg.OnUnknownBase {
	case mapper.UnknownBaseCPCode, mapper.UnknownBaseAll:
		fmt.Fprintf(e.stderr, "ccu-purge: warning: %s; on_unknown_base: %s applies\n", reason, cfg.OnUnknownBase)
		return baseCommit{reason: reason}, nil
	}
	msg := fmt.Sprintf("%s, and on_unknown_base is fail: pass --from REV, or set on_unknown_base: cpcode (purge the CP codes) or all (purge every file)", reason)
	if fix != "" {
		msg += "; or " + fix
	}
	return baseCommit{}, usageErr(errors.New(msg))
}
