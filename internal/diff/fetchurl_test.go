package diff_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/diff"
)

// A token in the remote URL, as its user name or in its query, never
// reaches a Fetch error, whether the server answers or the port refuses.
func TestFetchErrorHidesURLTokens(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close() // nothing listens there now: connection refused
	answering := strings.TrimPrefix(srv.URL, "http://")
	const user, query, pass = "ghp_UserNameToken0123456789", "QueryToken0123456789abc", "PassWord0123456789xyz"
	for _, tc := range []struct{ name, url string }{
		{"token as user name, refused", "http://" + user + "@" + refused + "/o/r.git"},
		{"token as user name, answered", "http://" + user + "@" + answering + "/o/r.git"},
		{"token in the query, refused", "http://" + refused + "/o/r.git?access_token=" + query},
		{"token in the query, answered", "http://" + answering + "/o/r.git?access_token=" + query},
		{"user, password and query", "http://" + user + ":" + pass + "@" + refused + "/o/r.git?private_token=" + query + "#frag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			server, shas := shapes(t)
			dir := shallowClone(t, server)
			git(t, dir, "remote", "set-url", "origin", tc.url)
			err := open(t, dir).Fetch(context.Background(), shas[0], diff.FetchOptions{})
			if err == nil {
				t.Fatal("Fetch succeeded against a server that has no repository")
			}
			for _, s := range []string{user, query, pass, "frag"} {
				if strings.Contains(err.Error(), s) {
					t.Errorf("error shows %q: %v", s, err)
				}
			}
			if !strings.Contains(err.Error(), `"origin"`) {
				t.Errorf("error does not name the remote: %v", err)
			}
		})
	}
}
