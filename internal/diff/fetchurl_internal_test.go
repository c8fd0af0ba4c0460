package diff

import "testing"

func TestSafeURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"https://TOKEN@github.com/o/r.git", "https://github.com/o/r.git"},
		{"https://user:pa55@gitlab.example/g/p.git/info/refs?service=git-upload-pack", "https://gitlab.example/g/p.git/info/refs"},
		{"https://host/o/r.git?access_token=T0KEN", "https://host/o/r.git"},
		{"http://127.0.0.1:8080/o/r.git?private_token=T0KEN/info/refs?service=x", "http://127.0.0.1:8080/o/r.git"},
		{"https://host/o/r.git#T0KEN", "https://host/o/r.git"},
		{"https://a@b@host:443", "https://host:443"},
		{"https://host/path/with@sign", "https://host/path/with@sign"},
		{"https://host", "https://host"},
		{"not a url", "not a url"},
	} {
		if got := safeURL(tc.in); got != tc.want {
			t.Errorf("safeURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
