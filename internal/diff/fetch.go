package diff

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"
	githttp "github.com/go-git/go-git/v5/plumbing/transport/http"
)

// fetchRef is where Fetch stores the fetched commit, so that git gc keeps
// it while ccu-purge runs, without touching branches or tags.
const fetchRef = "refs/ccu-purge/base"

// fixDepth is the hint for a missing base in CI.
const fixDepth = "check out more history: fetch-depth: 0 (or 2) in actions/checkout, GIT_DEPTH: 0 in GitLab CI"

// FetchOptions says where Fetch gets a commit from.
type FetchOptions struct {
	// Remote is the remote's name; "" means "origin", what CI clones use.
	Remote string
	// Token (e.g. GITHUB_TOKEN) authenticates as x-access-token. Without
	// it, Fetch uses the http.<url>.extraheader that actions/checkout
	// leaves in the repository config. It never appears in an error.
	Token string
}

// IsShallow reports whether the clone is shallow (git clone --depth N):
// then commits older than the boundary are absent, and a base commit may
// need Fetch before Changes.
func (r *Repo) IsShallow() bool {
	fi, err := os.Stat(filepath.Join(r.commonDir, "shallow"))
	return err == nil && fi.Size() > 0
}

// HasCommit reports whether commit sha (full hex) and its root tree are
// present, which is all Changes needs from it. A shallow boundary or a
// treeless clone can have the commit without its tree.
func (r *Repo) HasCommit(sha string) bool { return r.CheckCommit(sha) == nil }

// CheckCommit is HasCommit with the reason: nil when commit sha and its
// root tree can be read, else an error wrapping ErrCommitMissing (absent:
// a shallow or partial clone, or a dropped commit) or ErrDamaged (present
// but unreadable).
func (r *Repo) CheckCommit(sha string) error {
	if !plumbing.IsHash(sha) {
		return fmt.Errorf("check commit %q: %w: want a full 40-hex SHA", sha, ErrRevisionNotFound)
	}
	rd := r.objs.reader()
	tree, err := r.rootTree(rd, sha)
	if err != nil {
		return err
	}
	w := &walker{ctx: context.Background(), rd: rd}
	if _, err := w.entries(tree); err != nil {
		return fmt.Errorf("commit %s: %w", short(sha), err)
	}
	return nil
}

// HasRemote reports whether the repository has a remote of that name.
func (r *Repo) HasRemote(name string) bool {
	_, err := r.repo.Remote(name)
	return err == nil
}

// Fetch gets commit sha with depth 1 from the remote, for a base commit
// that a shallow CI clone lacks: the diff needs that commit's tree, never
// the history in between. The server must allow fetching a SHA (GitHub and
// GitLab do). It does nothing when the commit is already present.
func (r *Repo) Fetch(ctx context.Context, sha string, o FetchOptions) error {
	if !plumbing.IsHash(sha) {
		return fmt.Errorf("fetch %q: %w: want a full 40-hex SHA", sha, ErrRevisionNotFound)
	}
	if r.HasCommit(sha) {
		return nil
	}
	remote := o.Remote
	if remote == "" {
		remote = "origin"
	}
	rem, err := r.repo.Remote(remote)
	if err != nil {
		return fmt.Errorf("fetch %s: no remote %q to fetch it from: %w (%s)", short(sha), remote, ErrCommitMissing, fixDepth)
	}
	auth, secrets := r.auth(rem.Config().URLs, o.Token)
	err = r.repo.FetchContext(ctx, &git.FetchOptions{
		RemoteName: remote,
		RefSpecs:   []config.RefSpec{config.RefSpec(sha + ":" + fetchRef)},
		Depth:      1,
		Auth:       auth,
		Tags:       git.NoTags,
	})
	if err != nil && !errors.Is(err, git.NoErrAlreadyUpToDate) {
		return redact(fetchError(sha, remote, err), secrets)
	}
	// The fetch wrote a new pack: read it directly too.
	r.objs.close()
	r.objs = openPacks(r.commonDir, r.st)
	if !r.HasCommit(sha) {
		return fmt.Errorf("fetch %s from %q: %w: the remote did not send it (was it force-pushed away?); %s", short(sha), remote, ErrCommitMissing, fixDepth)
	}
	return nil
}

// fetchError explains the failures a CI user can fix.
func fetchError(sha, remote string, err error) error {
	switch {
	case errors.Is(err, git.ErrExactSHA1NotSupported):
		return fmt.Errorf("fetch %s from %q: %w: the server does not allow fetching a commit by SHA; %s", short(sha), remote, err, fixDepth)
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed):
		return fmt.Errorf("fetch %s from %q: %w (keep persist-credentials: true in actions/checkout, or pass a token); or %s", short(sha), remote, err, fixDepth)
	}
	return fmt.Errorf("fetch %s from %q: %w (%s)", short(sha), remote, err, fixDepth)
}

// auth picks the credentials for a fetch from urls: the token if given,
// else an extraheader from the repository config. It also returns every
// secret that must not appear in messages.
func (r *Repo) auth(urls []string, token string) (transport.AuthMethod, []string) {
	var secrets []string
	for _, u := range urls {
		// GitLab CI puts its job token in the remote URL itself; others put
		// one as the user name or in the query.
		if p, err := url.Parse(u); err == nil {
			pass, _ := p.User.Password()
			secrets = append(secrets, pass)
			secrets = appendLong(secrets, p.User.Username())
			for _, vs := range p.Query() {
				secrets = appendLong(secrets, vs...)
			}
		}
	}
	if token != "" {
		return &githttp.BasicAuth{Username: "x-access-token", Password: token}, append(secrets, token)
	}
	if len(urls) == 0 {
		return nil, secrets
	}
	header := r.extraHeader(urls[0])
	a := parseAuthHeader(header)
	if a == nil {
		return nil, secrets
	}
	secrets = append(secrets, strings.TrimSpace(header[strings.IndexByte(header, ':')+1:]))
	if b, ok := a.(*githttp.BasicAuth); ok {
		secrets = append(secrets, b.Password)
	} else if t, ok := a.(*githttp.TokenAuth); ok {
		secrets = append(secrets, t.Token)
	}
	return a, secrets
}

// parseAuthHeader turns "AUTHORIZATION: basic BASE64(user:pass)" (what
// actions/checkout writes) or "Authorization: Bearer TOKEN" into go-git
// credentials, nil when it is neither.
func parseAuthHeader(h string) transport.AuthMethod {
	name, value, ok := strings.Cut(h, ":")
	if !ok || !strings.EqualFold(strings.TrimSpace(name), "authorization") {
		return nil
	}
	scheme, cred, _ := strings.Cut(strings.TrimSpace(value), " ")
	cred = strings.TrimSpace(cred)
	switch strings.ToLower(scheme) {
	case "basic":
		raw, err := base64.StdEncoding.DecodeString(cred)
		if err != nil {
			return nil
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok {
			return nil
		}
		return &githttp.BasicAuth{Username: user, Password: pass}
	case "bearer":
		return &githttp.TokenAuth{Token: cred}
	}
	return nil
}

// redacted is an error whose message has the secrets masked; errors.Is
// still sees the original.
type redacted struct {
	msg string
	err error
}

func (e *redacted) Error() string { return e.msg }
func (e *redacted) Unwrap() error { return e.err }

// minSecret is the shortest URL user name or query value masked where it
// appears outside a URL: a user name is often "git" or "oauth2", which
// must not turn every such word into asterisks (safeURL drops both from
// URLs whatever their length).
const minSecret = 8

// appendLong appends the values of at least minSecret bytes.
func appendLong(secrets []string, vs ...string) []string {
	for _, v := range vs {
		if len(v) >= minSecret {
			secrets = append(secrets, v)
		}
	}
	return secrets
}

func redact(err error, secrets []string) error {
	msg := urlPattern.ReplaceAllStringFunc(err.Error(), safeURL)
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return &redacted{msg: msg, err: err}
}

// urlPattern finds the URLs in a message: go-git and net/http quote the
// remote's URL in their errors.
var urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// safeURL is u without its user info, query and fragment, where a token
// may sit (https://TOKEN@host/…, ?access_token=…): net/http masks only a
// password. It cuts the text by hand rather than with url.Parse, which
// refuses some of what errors quote and would leave those whole.
func safeURL(u string) string {
	scheme, rest, ok := strings.Cut(u, "://")
	if !ok {
		return u
	}
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest = rest[:i]
	}
	end := strings.IndexByte(rest, '/')
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		rest = rest[at+1:]
	}
	return scheme + "://" + rest
}
