package verify

import (
	"net/url"
	"strings"
)

// Hosts are the targets' hosts, lower case, in first-seen order: the
// hosts a staging edge or a connect-to rule is for.
func Hosts(targets []Target) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range targets {
		u, err := url.Parse(t.URL)
		if err != nil || u.Hostname() == "" {
			continue
		}
		if h := strings.ToLower(u.Hostname()); !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return out
}
