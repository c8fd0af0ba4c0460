package diff_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// shallowClone clones server (a bare Shapes repository) with depth 1.
func shallowClone(t *testing.T, server string) string {
	dir := filepath.Join(t.TempDir(), "shallow")
	git(t, filepath.Dir(dir), "clone", "-q", "--depth", "1", "file://"+server, dir)
	return dir
}

// TestShallowFetch is the CI case: a depth-1 clone lacks the base, Fetch
// gets exactly that commit, and the diff then equals the full clone's.
func TestShallowFetch(t *testing.T) {
	server, shas := shapes(t)
	git(t, server, "config", "uploadpack.allowAnySHA1InWant", "true")
	want, err := open(t, server).Changes(context.Background(), shas[0], shas[5])
	if err != nil {
		t.Fatal(err)
	}
	r := open(t, shallowClone(t, server))
	if !r.IsShallow() {
		t.Error("IsShallow() = false for a depth-1 clone")
	}
	if !r.HasCommit(shas[5]) || r.HasCommit(shas[0]) || r.HasCommit("nonsense") {
		t.Fatalf("HasCommit: tip %v, base %v, want true, false", r.HasCommit(shas[5]), r.HasCommit(shas[0]))
	}
	if _, err := r.Changes(context.Background(), shas[0], shas[5]); !errors.Is(err, diff.ErrCommitMissing) {
		t.Errorf("Changes before Fetch: error = %v, want ErrCommitMissing", err)
	}
	if _, err := r.Resolve(shas[0]); !errors.Is(err, diff.ErrCommitMissing) {
		t.Errorf("Resolve(base) in a shallow clone: error = %v, want ErrCommitMissing", err)
	}
	if _, err := r.Resolve("HEAD~1"); !errors.Is(err, diff.ErrCommitMissing) {
		t.Errorf("Resolve(HEAD~1) at the shallow boundary: error = %v, want ErrCommitMissing", err)
	}
	if err := r.Fetch(context.Background(), shas[0], diff.FetchOptions{}); err != nil {
		t.Fatal(err)
	}
	if !r.HasCommit(shas[0]) {
		t.Fatal("HasCommit(base) = false after Fetch")
	}
	got, err := r.Changes(context.Background(), shas[0], shas[5])
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Changes after Fetch (-full clone +shallow):\n%s", d)
	}
	if err := r.Fetch(context.Background(), shas[0], diff.FetchOptions{Remote: "no-such"}); err != nil {
		t.Errorf("Fetch of a present commit: %v, want nil (nothing to do)", err)
	}
}

// TestFetchErrors checks the failures a CI user must be able to fix.
func TestFetchErrors(t *testing.T) {
	server, shas := shapes(t) // uploadpack.allowAnySHA1InWant is off: git's default
	shallow := open(t, shallowClone(t, server))
	bare, _ := shapes(t) // no remote at all
	absent := strings.Repeat("e", 40)
	for _, tc := range []struct {
		name string
		r    *diff.Repo
		sha  string
		o    diff.FetchOptions
		is   error
		want string
	}{
		{"server refuses SHA in want", shallow, shas[0], diff.FetchOptions{}, gogit.ErrExactSHA1NotSupported, "fetch-depth: 0"},
		{"no such remote", shallow, shas[0], diff.FetchOptions{Remote: "upstream"}, diff.ErrCommitMissing, `no remote "upstream"`},
		{"no remote", open(t, bare), absent, diff.FetchOptions{}, diff.ErrCommitMissing, "GIT_DEPTH: 0"},
		{"not a SHA", shallow, "main", diff.FetchOptions{}, diff.ErrRevisionNotFound, "full 40-hex SHA"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.r.Fetch(context.Background(), tc.sha, tc.o)
			if !errors.Is(err, tc.is) {
				t.Fatalf("Fetch error = %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q lacks the hint %q", err, tc.want)
			}
		})
	}
}

// TestFetchAuth runs Fetch against an HTTP server that records the
// Authorization header and refuses: the credentials come from the token or
// from the extraheader actions/checkout writes (in the config or an
// included file), and no secret appears in the error.
func TestFetchAuth(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	basic := func(user, pass string) string {
		return base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	}
	for _, tc := range []struct {
		name      string
		url       string
		setup     func(t *testing.T, dir string)
		token     string
		wantAuth  string
		noSecrets []string
	}{
		{"token", srv.URL + "/o/r", nil, "tok3n", "Basic " + basic("x-access-token", "tok3n"), []string{"tok3n"}},
		{"extraheader in config", srv.URL + "/o/r", func(t *testing.T, dir string) {
			git(t, dir, "config", "http."+srv.URL+"/.extraheader", "AUTHORIZATION: basic "+basic("x-access-token", "s3cret"))
		}, "", "Basic " + basic("x-access-token", "s3cret"), []string{"s3cret", basic("x-access-token", "s3cret")}},
		{"extraheader in an includeIf file", srv.URL + "/o/r", func(t *testing.T, dir string) {
			cred := filepath.Join(t.TempDir(), "git-credentials.config")
			git(t, dir, "config", "--file", cred, "http."+srv.URL+"/.extraheader", "AUTHORIZATION: basic "+basic("x-access-token", "inc1uded"))
			gitDir, _ := filepath.Abs(filepath.Join(dir, ".git"))
			git(t, dir, "config", "includeIf.gitdir:"+gitDir+".path", cred)
		}, "", "Basic " + basic("x-access-token", "inc1uded"), []string{"inc1uded"}},
		{"password in the URL", strings.Replace(srv.URL, "http://", "http://gitlab-ci-token:urlpa55@", 1) + "/o/r", nil, "", "Basic " + basic("gitlab-ci-token", "urlpa55"), []string{"urlpa55"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server, shas := shapes(t)
			dir := shallowClone(t, server)
			git(t, dir, "remote", "set-url", "origin", tc.url)
			if tc.setup != nil {
				tc.setup(t, dir)
			}
			mu.Lock()
			seen = nil
			mu.Unlock()
			err := open(t, dir).Fetch(context.Background(), shas[0], diff.FetchOptions{Token: tc.token})
			if !errors.Is(err, transport.ErrAuthenticationRequired) {
				t.Fatalf("Fetch error = %v, want ErrAuthenticationRequired", err)
			}
			for _, s := range tc.noSecrets {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error %q reveals a secret", err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if len(seen) == 0 || seen[0] != tc.wantAuth {
				t.Errorf("server saw Authorization %q, want %q", seen, tc.wantAuth)
			}
		})
	}
}
