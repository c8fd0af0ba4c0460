package mapper

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A bad base_url or hosts is reported once, at the value: the rules whose
// templates need {base} are not reported again for a missing base.
func TestBadBaseReportedOnce(t *testing.T) {
	t.Parallel()
	rules := "rules:\n  - match: a/**\n    urls: '{base}/{path}'\n  - match: b/**\n    urls: ['{base}/{path}', '{base}/x/{path}']\n"
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"base_url without scheme", "base_url: www.example.com\n" + rules, []string{
			`c.yml:1:11: base_url "www.example.com" is not an absolute http(s) URL: write it as https://www.example.com`}},
		{"every hosts entry bad", "hosts: [a.com/x, 'b.com:80']\n" + rules, []string{
			`c.yml:1:9: hosts entry "a.com/x" must be a host name such as www.example.com; use base_url for a scheme, port or path`,
			`c.yml:1:18: hosts entry "b.com:80" must be a host name such as www.example.com; use base_url for a scheme, port or path`}},
		{"a host with a space", "hosts: [www.exa mple.com]\n" + rules, []string{
			`c.yml:1:9: hosts entry "www.exa mple.com" has a space: write the host name as browsers request it, such as www.example.com`}},
		{"a rule's own base_url", "base_url: https://www.example.com\nrules:\n  - match: a/**\n    base_url: ftp://a.com\n    urls: '{base}/{path}'\n  - match: b/**\n    urls: 'x/{path}'\n", []string{
			`c.yml:4:15: base_url "ftp://a.com" is not an absolute http(s) URL: write it as https://www.example.com`,
			`c.yml:7:11: rule 2: template "x/{path}" does not make an absolute http(s) URL or an ARL (it gives "x/dir/file.html"); start it with https://HOST/ or {base}/`}},
		// Without any base_url, the template error is the root cause.
		{"no base at all", rules[:len("rules:\n  - match: a/**\n    urls: '{base}/{path}'\n")], []string{
			`c.yml:3:11: rule 1: template "{base}/{path}" uses {base} or {host} but neither base_url nor hosts is set: add base_url: https://www.example.com at the top of the config or in the rule`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, parseErrs(t, tc.yml)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

// Globs that start with / or ./ never match a git path: refused at load
// with the glob to write instead.
func TestRootGlobsRefused(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, yml string
		want      []string
	}{
		{"leading ./", "rules:\n  - match: ./static/**\n    cpcodes: 1\n", []string{
			`c.yml:2:12: rule 1 match: glob "./static/**" starts with "./": paths are relative to the repository root: write static/**`}},
		{"leading /", "rules:\n  - match: [a/**, /static/**]\n    cpcodes: 1\n", []string{
			`c.yml:2:19: rule 1 match: glob "/static/**" starts with "/": paths are relative to the repository root: write static/**`}},
		{"ignore", "ignore: //tmp/**\nrules:\n  - match: a\n    cpcodes: 1\n", []string{
			`c.yml:1:9: ignore: glob "//tmp/**" starts with "//": paths are relative to the repository root: write tmp/**`}},
		{"a dot folder after /", "rules:\n  - match: /.well-known/**\n    cpcodes: 1\n", []string{
			`c.yml:2:12: rule 1 match: glob "/.well-known/**" starts with "/": paths are relative to the repository root: write .well-known/**`}},
		{"the root itself", "rules:\n  - match: ./\n    cpcodes: 1\n", []string{
			`c.yml:2:12: rule 1 match: glob "./" names the repository root, not files: write the files it means, such as public/**`}},
		{"rule ignore", "rules:\n  - match: a/**\n    ignore: ./a/x\n    cpcodes: 1\n", []string{
			`c.yml:3:13: rule 1 ignore: glob "./a/x" starts with "./": paths are relative to the repository root: write a/x`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, parseErrs(t, tc.yml)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
