package verify

import (
	"net/http"
	"testing"
)

// No credentials go to the site: a URL or a redirect's Location with
// user:password@ is asked without an Authorization header, which Go's
// client would otherwise build from the userinfo.
func TestNoCredentialsFromUserinfo(t *testing.T) {
	t.Parallel()
	var f *fake
	noAuth := func(next http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if a := r.Header.Get("Authorization"); a != "" {
				f.t.Errorf("%s%s got Authorization %q; verify sends no credentials", r.Host, r.URL.Path, a)
			}
			next(w, r)
		}
	}
	f = newFake(t, map[string]http.HandlerFunc{
		"www.example.com/a.html": noAuth(redirect("https://me:secret@www.example.com/b.html")),
		"www.example.com/b.html": noAuth(body("new")),
	})
	for _, u := range []string{"https://me:secret@www.example.com/a.html", site + "/a.html"} {
		r := runOne(t, f, Target{URL: u, Want: []byte("new"), WantKnown: true}, f.settings())
		if r.Result != Fresh {
			t.Errorf("%s: %s (%s); want fresh", u, r.Result, r.Diagnosis)
		}
	}
}
