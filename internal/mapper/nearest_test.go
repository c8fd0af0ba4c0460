package mapper

import (
	"runtime"
	"strings"
	"testing"
)

// An unmatched path names the rule it came closest to: the most shared
// leading folders, then the fewest edits, then the earlier rule.
func TestExplainNearestRule(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("c.yml", []byte(`base_url: https://a.com
rules:
  - match: public/docs/**
    urls: "{base}/{path}"
  - match: [static/img/**, static/css/**]
    urls: "{base}/{path}"
  - regex: '^content/(?P<slug>[^/]+)\.md$'
    urls: "{base}/{slug}/"
  - match: "**/*.pdf"
    urls: "{base}/{path}"
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{"public/blog/x.html", "rule 1 (public/docs/**) at c.yml:3:5"},
		{"static/css2/a.css", "rule 2 (static/css/**) at c.yml:5:5"},
		{"statc/img/a.png", "rule 2 (static/img/**) at c.yml:5:5"},
		{"content/a/b.md", `rule 3 (^content/(?P<slug>[^/]+)\.md$) at c.yml:7:5`},
		{"pubilc/docs/a.html", "rule 1 (public/docs/**) at c.yml:3:5"},
	} {
		got := cfg.Explain(tc.path)
		want := "no rule matches it (unmatched: warn); the nearest is " + tc.want + ": add a rule, or an ignore glob if it is never served"
		if got.Status != StatusUnmatched || got.Reason != want {
			t.Errorf("Explain(%q) = %s %q, want unmatched %q", tc.path, got.Status, got.Reason, want)
		}
	}
}

// explain's paths: relative to the folder it runs in when that is inside
// the worktree, absolute inside it, never outside it.
func TestRepoPath(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("the literals are POSIX paths")
	}
	for _, tc := range []struct{ root, cwd, arg, want string }{
		{"/r", "/r/public", "index.html", "public/index.html"},
		{"/r", "/r/public", "./blog/a.html", "public/blog/a.html"},
		{"/r", "/r/public/blog", "../index.html", "public/index.html"},
		{"/r", "/r", "public/x.html", "public/x.html"},
		{"/r", "/r/public", "/r/public/x.html", "public/x.html"},
		{"/r", "/elsewhere", "/r/a/b.html", "a/b.html"},
		// Run from outside the worktree: relative to its root, as before.
		{"/r", "/elsewhere", "./public/x.html", "public/x.html"},
		// No worktree (a bare repository): as given.
		{"", "/r/public", "./index.html", "index.html"},
		{"/r", "/r/public", "/rx/public/x.html", "error: /rx/public/x.html is outside the repository /r: name a file inside it, or relative to its root"},
		{"/r", "/r/public", "../../etc/passwd", "error: ../../etc/passwd is outside the repository /r: name a file inside it, or relative to its root"},
	} {
		got, err := RepoPath(tc.root, tc.cwd, tc.arg)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tc.want {
			t.Errorf("RepoPath(%q, %q, %q) = %q, want %q", tc.root, tc.cwd, tc.arg, got, tc.want)
		}
	}
	if _, err := RepoPath("/r", "/r", "/etc/x"); err == nil || !strings.Contains(err.Error(), "/etc/x") {
		t.Errorf("outside path: %v, want an error naming it", err)
	}
}
