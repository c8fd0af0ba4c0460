package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
)

// runEnv runs the CLI with a fake CI environment.
func runEnv(t *testing.T, vars map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, func(k string) string { return vars[k] }, &out, &errb)
	return result{code, out.String(), errb.String()}
}

func pushEvent(t *testing.T, before, after string) map[string]string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "event.json")
	data, _ := json.Marshal(map[string]any{"before": before, "after": after})
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": path, "GITHUB_SHA": after}
}

type planDoc struct {
	Range    struct{ From, To, Source, Reason, Policy string }
	Changes  []struct{ Status, Path string }
	Fallback struct {
		Used   bool
		Reason string
	}
	Batches []struct {
		Type    string
		Objects []string
	}
}

func planJSON(t *testing.T, r result) planDoc {
	t.Helper()
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	var p planDoc
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return p
}

const zeroSHA = "0000000000000000000000000000000000000000"

func TestRangeFromCI(t *testing.T) {
	dir, shas := site(t, siteConfig+"cpcodes: [777]\n", nil)
	gitlab := map[string]string{"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": shas[0], "CI_COMMIT_SHA": shas[1]}
	jenkins := map[string]string{"JENKINS_URL": "https://ci.example", "GIT_PREVIOUS_SUCCESSFUL_COMMIT": shas[0], "GIT_COMMIT": shas[1]}
	for name, vars := range map[string]map[string]string{"github": pushEvent(t, shas[0], shas[1]), "gitlab": gitlab, "jenkins": jenkins} {
		t.Run(name, func(t *testing.T) {
			p := planJSON(t, runEnv(t, vars, "plan", "--repo", dir, "--output", "json"))
			if p.Range.From != shas[0] || p.Range.To != shas[1] || !strings.HasPrefix(p.Range.Source, name) || len(p.Changes) != 5 {
				t.Errorf("range %+v, %d changes", p.Range, len(p.Changes))
			}
		})
	}
}

// An unknown or unreachable base never narrows the diff: the policy decides
// and says so.
func TestUnknownBasePolicies(t *testing.T) {
	missing := "abcdefabcdefabcdefabcdefabcdefabcdefabcd"
	for _, tc := range []struct {
		name, policy, before string
		wantCode             int
		want                 string
	}{
		{"zero before, fail", "fail", zeroSHA, 2, "all zeros"},
		{"zero before, cpcode", "cpcode", zeroSHA, 0, "all zeros"},
		{"zero before, all", "all", zeroSHA, 0, "all zeros"},
		{"force-pushed base, fail", "fail", missing, 2, "is not in the repository"},
		{"force-pushed base, cpcode", "cpcode", missing, 0, "is not in the repository"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, shas := site(t, siteConfig+"cpcodes: [777]\non_unknown_base: "+tc.policy+"\n", nil)
			r := runEnv(t, pushEvent(t, tc.before, shas[1]), "plan", "--repo", dir, "--output", "json")
			if r.code != tc.wantCode {
				t.Fatalf("exit %d, want %d\n%s", r.code, tc.wantCode, r.stderr)
			}
			if tc.wantCode == 2 {
				if !strings.Contains(r.stderr, tc.want) || !strings.Contains(r.stderr, "on_unknown_base is fail") {
					t.Errorf("stderr lacks the reason and the policy:\n%s", r.stderr)
				}
				return
			}
			p := planJSON(t, r)
			if p.Range.From != "" || p.Range.Policy != tc.policy || !strings.Contains(p.Range.Reason, tc.want) || !strings.Contains(r.stderr, "on_unknown_base: "+tc.policy) {
				t.Errorf("range %+v, stderr %s", p.Range, r.stderr)
			}
			switch tc.policy {
			case "cpcode":
				if !p.Fallback.Used || len(p.Batches) != 1 || p.Batches[0].Type != "cpcode" || p.Batches[0].Objects[0] != "777" {
					t.Errorf("fallback %+v batches %+v", p.Fallback, p.Batches)
				}
			case "all":
				// Every file of the head commit: index, new, a b/é#1 (the
				// config and docs/notes.txt match no URL rule).
				if len(p.Changes) != 5 || len(p.Batches) != 1 || len(p.Batches[0].Objects) != 3 {
					t.Errorf("changes %+v batches %+v", p.Changes, p.Batches)
				}
			}
		})
	}
}

// A depth-1 clone lacks the pushed base: it is fetched from origin.
func TestShallowCloneFetchesBase(t *testing.T) {
	bare, clone, shas := shallowClone(t, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": siteConfig, "public/a.html": "1"}},
		{Message: "two", Write: map[string]string{"public/a.html": "2", "public/b.html": "b"}},
	})
	p := planJSON(t, runEnv(t, pushEvent(t, shas[0], shas[1]), "plan", "--repo", clone, "--output", "json"))
	if p.Range.From != shas[0] || len(p.Changes) != 2 {
		t.Errorf("range %+v changes %+v", p.Range, p.Changes)
	}
	// With fetch: never, the same clone follows the policy and names the fix.
	os.WriteFile(filepath.Join(clone, "never.yml"), []byte(siteConfig+"fetch: never\n"), 0o644)
	clone2 := depthOne(t, bare)
	r := runEnv(t, pushEvent(t, shas[0], shas[1]), "plan", "--repo", clone2, "--config", filepath.Join(clone, "never.yml"))
	if r.code != 2 || !strings.Contains(r.stderr, "fetch-depth: 0") {
		t.Errorf("fetch: never: exit %d\n%s", r.code, r.stderr)
	}
}
