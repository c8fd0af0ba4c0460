package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccusim"
	"github.com/ccu-purge/ccu-purge/internal/gitfixture"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	rpt "github.com/ccu-purge/ccu-purge/internal/report"
	"github.com/ccu-purge/ccu-purge/internal/state"
)

// history is a three-deploy site: each commit changes one page, so a
// purge's objects say exactly which range it covered.
func history(t *testing.T) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	shas, err := gitfixture.Build(dir, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{".ccu-purge.yml": siteConfig, "public/one.html": "1"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{"public/two.html": "2"}},
		{Message: "three", Write: map[string]string{"public/three.html": "3"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir, shas
}

func page(name string) string { return "https://www.example.com/" + name + ".html" }

// stateDoc is the state file as a user would read it.
type stateDoc struct {
	Version  int
	Entries  []stateEntry          // version 2
	Networks map[string]stateEntry // version 1
}

type stateEntry struct{ Network, Config, API, Credentials, Commit, From, PurgedAt string }

// net is the entry for network written by this config (.ccu-purge.yml),
// else a version 1 entry kept for it; the zero entry when there is none.
func (d stateDoc) net(network string) stateEntry {
	found := d.Networks[network]
	for _, e := range d.Entries {
		if e.Network == network && (e.Config == ".ccu-purge.yml" || e.Config == "" && found.Commit == "") {
			found = e
		}
	}
	return found
}

func readState(t *testing.T, path string) stateDoc {
	t.Helper()
	return readJSON[stateDoc](t, path)
}

// The story the state exists for: a deploy's purge fails, CI moves on, and
// the next deploy purges the failed one's changes too, because the state
// still names the last commit that was purged completely.
func TestStateRetriesWhatFailed(t *testing.T) {
	dir, shas := history(t)
	sim, flags := simulator(t, ccusim.Options{})
	statePath := filepath.Join(t.TempDir(), "state.json")
	args := func(extra ...string) []string {
		return append(append([]string{"purge", "--repo", dir, "--state", statePath}, flags...), extra...)
	}

	// First run: no record yet, so --from names the base once.
	r := runQuick(t, nil, args("--from", "v1", "--to", shas[1])...)
	if r.code != 0 {
		t.Fatalf("first run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := readState(t, statePath).net("production"); got.Commit != shas[1] || got.From != shas[0] || got.API != "fast-purge" || got.PurgedAt == "" {
		t.Fatalf("state after the first run = %+v, want commit %s from %s", got, shas[1], shas[0])
	}
	if !strings.Contains(r.stdout, "Recorded "+shas[1][:12]+" as the last purged commit on production") {
		t.Errorf("the run does not say it recorded the state:\n%s", r.stdout)
	}

	// Second deploy: every request fails, so the state must not move.
	sim.Fail(1, 403, "", "") // not retried: the run ends with it
	r = runQuick(t, nil, args("--to", shas[2])...)
	if r.code != ExitFailed {
		t.Fatalf("failing run: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if got := readState(t, statePath).net("production").Commit; got != shas[1] {
		t.Fatalf("a failed run moved the state to %s", got)
	}
	if strings.Contains(r.stdout, "Recorded") {
		t.Errorf("a failed run claims to have recorded the state:\n%s", r.stdout)
	}

	// Third run, healthy again, from the CI's point of view a re-run of the
	// same head: it purges from the recorded commit.
	before := len(sim.Purges())
	r = runQuick(t, nil, args("--to", shas[2])...)
	if r.code != 0 {
		t.Fatalf("healthy run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	var got []string
	for _, p := range sim.Purges()[before:] {
		got = append(got, p.Objects...)
	}
	if !slices.Equal(got, []string{page("three")}) {
		t.Errorf("purged %q after the failure, want only three.html (the range from the recorded %.12s)", got, shas[1])
	}
	if !strings.Contains(r.stdout, "Range: "+shas[1][:12]+".."+shas[2][:12]+" from state\n  the last purge on production, recorded in "+statePath+" at ") {
		t.Errorf("the run does not say where its base came from:\n%s", r.stdout)
	}
	if got := readState(t, statePath).net("production"); got.Commit != shas[2] || got.From != shas[1] {
		t.Errorf("state after the healthy run = %+v, want commit %s from %s", got, shas[2], shas[1])
	}
}

// In CI, the state beats the push event's before: the event says what the
// previous push built, the state what the edge was last purged for.
func TestStateBeatsCIContext(t *testing.T) {
	dir, shas := history(t)
	sim, flags := simulator(t, ccusim.Options{})
	statePath := filepath.Join(t.TempDir(), "state.json")
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", shas[0], "--to", shas[0], "--state", statePath}, flags...)...)
	if r.code != 0 || !strings.Contains(r.stdout, "Recorded") {
		t.Fatalf("nothing-to-purge run: exit %d, want 0 and a recorded state\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := len(sim.Purges()); n != 0 {
		t.Fatalf("nothing to purge, yet %d purges were sent", n)
	}

	// The push event claims shas[1] was live; the state knows shas[0] was
	// the last purge. CCU_PURGE_STATE names the file, as in GitLab/Jenkins.
	vars := pushEvent(t, shas[1], shas[2])
	vars["CCU_PURGE_STATE"] = statePath
	r = runQuick(t, vars, "plan", "--repo", dir, "--output", "json")
	p := planJSON(t, r)
	if p.Range.From != shas[0] || p.Range.Source != "state" || !strings.Contains(p.Range.Reason, statePath) {
		t.Errorf("range = %+v, want from %s by the state", p.Range, shas[0])
	}
	var objs []string
	for _, b := range p.Batches {
		objs = append(objs, b.Objects...)
	}
	slices.Sort(objs)
	if want := []string{page("three"), page("two")}; !slices.Equal(objs, want) {
		t.Errorf("plan objects %q, want %q", objs, want)
	}
	if got := readState(t, statePath).net("production").Commit; got != shas[0] {
		t.Errorf("plan changed the state to %s; only a purge writes it", got)
	}

	// A network without a record falls back to the context, and says so.
	r = runQuick(t, vars, "plan", "--repo", dir, "--output", "json", "--network", "staging")
	p = planJSON(t, r)
	if p.Range.From != shas[1] || p.Range.Source != "github:push" {
		t.Errorf("staging range = %+v, want the push event's before", p.Range)
	}
	if !strings.Contains(r.stderr, "has no purge recorded for the staging network with .ccu-purge.yml yet: the base comes from github:push") {
		t.Errorf("no note that staging has no record:\n%s", r.stderr)
	}
}

// Where the state must not be used or written.
func TestStateNotUsed(t *testing.T) {
	dir, shas := history(t)
	_, flags := simulator(t, ccusim.Options{})
	recorded := func(t *testing.T) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "state.json")
		data := `{"version": 1, "networks": {"production": {"commit": "` + shas[0] + `", "purgedAt": "2026-11-01T00:00:00Z"}}}`
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	t.Run("flags win", func(t *testing.T) {
		path := recorded(t)
		p := planJSON(t, runQuick(t, nil, "plan", "--repo", dir, "--from", shas[1], "--to", shas[2], "--state", path, "--output", "json"))
		if p.Range.From != shas[1] || p.Range.Source != "flags" {
			t.Errorf("range = %+v, want --from's %s", p.Range, shas[1])
		}
	})
	t.Run("pull request", func(t *testing.T) {
		path := recorded(t)
		ev := filepath.Join(t.TempDir(), "event.json")
		data, _ := json.Marshal(map[string]any{"pull_request": map[string]any{"base": map[string]string{"sha": shas[1]}, "head": map[string]string{"sha": shas[2]}}})
		if err := os.WriteFile(ev, data, 0o644); err != nil {
			t.Fatal(err)
		}
		vars := map[string]string{"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": ev}
		r := runQuick(t, vars, append([]string{"purge", "--repo", dir, "--state", path}, flags...)...)
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if !strings.Contains(r.stderr, "this run is for a proposed change (a pull or merge request): "+path+" is neither read nor written") {
			t.Errorf("no note that the state is skipped:\n%s", r.stderr)
		}
		if !strings.Contains(r.stdout, "Range: "+shas[1][:12]+".."+shas[2][:12]+" from github:pull_request") {
			t.Errorf("the range is not the pull request's:\n%s", r.stdout)
		}
		if got := readState(t, path).net("production").Commit; got != shas[0] {
			t.Errorf("a pull request moved the state to %s", got)
		}
	})
	t.Run("dry run", func(t *testing.T) {
		path := recorded(t)
		r := runQuick(t, nil, "purge", "--repo", dir, "--to", shas[2], "--state", path, "--dry-run")
		if r.code != 0 {
			t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if got := readState(t, path).net("production").Commit; got != shas[0] || strings.Contains(r.stdout, "Recorded") {
			t.Errorf("a dry run moved the state to %s:\n%s", got, r.stdout)
		}
	})
}

// Each problem with the state is an error that names the file and the way
// out, before anything is sent.
func TestStateErrors(t *testing.T) {
	dir, shas := history(t)
	sim, flags := simulator(t, ccusim.Options{})
	write := func(t *testing.T, content string) string {
		t.Helper()
		path := filepath.Join(t.TempDir(), "state.json")
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	other := strings.Repeat("ab", 20) // a commit this repository has never had

	for _, tc := range []struct {
		name  string
		state func(t *testing.T) string
		code  int
		want  []string
	}{
		{"first run without --from", func(t *testing.T) string { return filepath.Join(t.TempDir(), "state.json") }, ExitUsage,
			[]string{"has no purge recorded for the production network with .ccu-purge.yml yet", "pass --from REV"}},
		{"corrupt", func(t *testing.T) string { return write(t, "{\n  \"version\": 1,\n  \"networks\": {\n") }, ExitUsage,
			[]string{"--state: invalid state file", "ends in the middle", "delete it and pass --from REV"}},
		{"another repository's", func(t *testing.T) string {
			return write(t, `{"version": 1, "networks": {"production": {"commit": "`+other+`", "purgedAt": "2026-11-01T00:00:00Z"}}}`)
		}, ExitUsage,
			[]string{"the last purged commit (the last purge on production, recorded in ", other[:12] + " is not in the repository", "the state file is another repository's: fix or delete the file", "on_unknown_base is fail"}},
		{"unwritable location", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing", "state.json") }, ExitUsage,
			[]string{"--state: the state file ", "missing/state.json cannot be written", "relative to the workspace"}},
		// A FIFO once hung the run forever, deaf to SIGTERM.
		{"a FIFO", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := mkfifo(path); err != nil {
				t.Skip(err)
			}
			return path
		}, ExitUsage, []string{"--state: invalid state file ", "it is a named pipe (FIFO), not a regular file"}},
		{"a folder", func(t *testing.T) string { return t.TempDir() }, ExitUsage, []string{"it is a folder, not a regular file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.state(t)
			args := []string{"purge", "--repo", dir, "--to", shas[2], "--state", path}
			if strings.Contains(path, "missing") {
				args = append(args, "--from", shas[1]) // past the first-run check
			}
			before := len(sim.Purges())
			r := runQuick(t, nil, append(args, flags...)...)
			oneMessage(t, r, tc.code, tc.want...)
			if sent := len(sim.Purges()) - before; tc.code == ExitUsage && sent != 0 {
				t.Errorf("%d purges sent despite a usage error", sent)
			}
		})
	}
}

// A purge that succeeded but whose state could not be saved (the folder
// vanished after the check) fails with exit 1 and says how to go on.
func TestStateSaveFailsAfterPurge(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	st, err := state.Load(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	e := &env{stdout: &out, stderr: &errb}
	to := strings.Repeat("c", 40)
	err = e.record(&planned{PlanDoc: rpt.PlanDoc{Range: plan.Range{To: to}}, state: st, key: state.Key{Network: "production", Config: ".ccu-purge.yml"}})
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitFailed {
		t.Fatalf("record = %v, want exit 1", err)
	}
	for _, want := range []string{"everything was purged, but write the state file", "gone/state.json", "unless you pass --from " + to} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// Each network has its own record: a staging purge leaves production's.
func TestStatePerNetwork(t *testing.T) {
	dir, shas := history(t)
	_, flags := simulator(t, ccusim.Options{})
	path := filepath.Join(t.TempDir(), "state.json")
	data := `{"version": 1, "networks": {"production": {"commit": "` + shas[0] + `", "purgedAt": "2026-11-01T00:00:00Z"}}}`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runQuick(t, map[string]string{"CCU_PURGE_NETWORK": "staging"}, append([]string{"purge", "--repo", dir, "--from", shas[1], "--to", shas[2], "--state", path}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	got := readState(t, path)
	if got.net("staging").Commit != shas[2] || got.net("production").Commit != shas[0] {
		t.Errorf("state %+v, want staging at %.12s and production still at %.12s", got.Entries, shas[2], shas[0])
	}
}

// Two sites of one repository share a state file. A deploy's purge fails
// for site A and succeeds for site B: B's record moves, A's stays, and A's
// next run purges A's missed page again instead of finding nothing to do.
func TestStateSharedByTwoConfigs(t *testing.T) {
	rules := func(site string) string {
		return "api: fast-purge\nnetwork: production\nrules:\n  - match: \"public/" + site + "/**\"\n    strip: public/" + site + "/\n    urls: https://" + site + ".example.com/{path}\n"
	}
	dir := t.TempDir()
	shas, err := gitfixture.Build(dir, false, []gitfixture.Commit{
		{Message: "one", Write: map[string]string{"sites/a.yml": rules("a"), "sites/b.yml": rules("b"), "public/a/one.html": "1", "public/b/one.html": "1"}, Tag: "v1"},
		{Message: "two", Write: map[string]string{"public/a/two.html": "2", "public/b/two.html": "2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sim, flags := simulator(t, ccusim.Options{})
	statePath := filepath.Join(t.TempDir(), "state.json")
	purge := func(site string, extra ...string) (result, []string) {
		t.Helper()
		before := len(sim.Purges())
		args := append([]string{"purge", "--repo", dir, "--config", filepath.Join(dir, "sites", site+".yml"), "--state", statePath, "--to", shas[1]}, flags...)
		r := runQuick(t, nil, append(args, extra...)...)
		var got []string
		for _, p := range sim.Purges()[before:] {
			got = append(got, p.Objects...)
		}
		return r, got
	}
	for _, site := range []string{"a", "b"} { // first runs: --from once
		if r, _ := purge(site, "--from", "v1", "--to", shas[0]); r.code != 0 {
			t.Fatalf("first run of %s: exit %d\n%s%s", site, r.code, r.stdout, r.stderr)
		}
	}
	sim.Fail(1, 403, "", "") // site A's deploy fails
	if r, _ := purge("a"); r.code != ExitFailed {
		t.Fatalf("failing run of a: exit %d, want 1\n%s%s", r.code, r.stdout, r.stderr)
	}
	if r, got := purge("b"); r.code != 0 || !slices.Equal(got, []string{"https://b.example.com/two.html"}) {
		t.Fatalf("run of b: exit %d, purged %q\n%s%s", r.code, got, r.stdout, r.stderr)
	}
	r, got := purge("a") // A retries its range, not B's
	if r.code != 0 || !slices.Equal(got, []string{"https://a.example.com/two.html"}) {
		t.Errorf("retry of a: exit %d, purged %q, want a's two.html again\n%s%s", r.code, got, r.stdout, r.stderr)
	}
	doc := readState(t, statePath)
	if doc.Version != 2 || len(doc.Entries) != 2 {
		t.Fatalf("state %+v, want version 2 with an entry per config", doc)
	}
	for i, config := range []string{"sites/a.yml", "sites/b.yml"} {
		if e := doc.Entries[i]; e.Config != config || e.Commit != shas[1] || e.Network != "production" || e.API != "fast-purge" || len(e.Credentials) != 16 {
			t.Errorf("entry %d = %+v, want %s at %.12s with a credentials hash", i, e, config, shas[1])
		}
	}
	data, _ := os.ReadFile(statePath)
	if strings.Contains(string(data), sim.Host()) {
		t.Errorf("the state file names the API host in clear:\n%s", data)
	}

	// A third config in the same file has no record of its own, and says
	// whose records the file holds instead of taking one.
	if err := os.WriteFile(filepath.Join(dir, "c.yml"), []byte(rules("c")), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runQuick(t, nil, "plan", "--repo", dir, "--config", filepath.Join(dir, "c.yml"), "--state", statePath)
	oneMessage(t, r, ExitUsage, "has no purge recorded for the production network with c.yml yet (its entries for the production network are other configs' or APIs' or accounts': sites/a.yml (api fast-purge), sites/b.yml (api fast-purge)): pass --from REV")
}

// A --report or --dotenv that is the state or the config file would be
// overwritten by the run that reads it: refused before anything is
// written or sent, the file left as it was.
func TestOutputOverInput(t *testing.T) {
	dir, shas := history(t)
	sim, flags := simulator(t, ccusim.Options{})
	config := filepath.Join(dir, ".ccu-purge.yml")
	for _, tc := range []struct {
		name, flag string
		target     func(t *testing.T, statePath string) string // the output path
		want       string
	}{
		{"report is the state", "--report", func(t *testing.T, s string) string { return s }, "is the state file (--state)"},
		{"dotenv is the state", "--dotenv", func(t *testing.T, s string) string { return s }, "is the state file (--state)"},
		{"report is the config", "--report", func(*testing.T, string) string { return config }, "is the config file " + config},
		{"dotenv links to the config", "--dotenv", func(t *testing.T, _ string) string {
			link := filepath.Join(t.TempDir(), "out.env")
			if err := os.Symlink(config, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "is the config file"},
		{"report is the edgerc", "--report", func(*testing.T, string) string { return flags[1] }, "is the credentials file (--edgerc) " + flags[1]},
		{"dotenv is the CA certificate", "--dotenv", func(*testing.T, string) string { return flags[3] }, "is the CA certificate (--ca-cert) " + flags[3]},
		{"report links to a state not written yet", "--report", func(t *testing.T, s string) string {
			os.Remove(s)
			link := filepath.Join(t.TempDir(), "r.json")
			if err := os.Symlink(s, link); err != nil {
				t.Fatal(err)
			}
			return link
		}, "is the state file (--state)"},
		{"report is a state not written yet", "--report", func(t *testing.T, s string) string {
			os.Remove(s)
			return filepath.Join(filepath.Dir(s), ".", "state.json")
		}, "is the state file (--state)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			statePath := filepath.Join(t.TempDir(), "state.json")
			stateData := `{"version": 2, "entries": []}`
			if err := os.WriteFile(statePath, []byte(stateData), 0o644); err != nil {
				t.Fatal(err)
			}
			out := tc.target(t, statePath)
			before, _ := os.ReadFile(out)
			r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", shas[0], "--state", statePath, tc.flag, out}, flags...)...)
			oneMessage(t, r, ExitUsage, tc.flag+" "+out+" "+tc.want, "writing it would destroy that file; give "+tc.flag+" another path")
			if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
				t.Errorf("%s changed:\n%s", out, after)
			}
			if n := len(sim.Purges()); n != 0 {
				t.Errorf("%d purges sent", n)
			}
		})
	}
}

// --dotenv and --report naming one file: the dotenv report, written
// last, replaced the JSON report after purging; refused up front.
func TestDotenvIsTheReport(t *testing.T) {
	dir, shas := history(t)
	sim, flags := simulator(t, ccusim.Options{})
	out := filepath.Join(t.TempDir(), "out")
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", shas[0], "--report", out, "--dotenv", out}, flags...)...)
	oneMessage(t, r, ExitUsage, "--report and --dotenv name one file, "+out+": give each its own path")
	if n := len(sim.Purges()); n != 0 {
		t.Errorf("%d purges sent", n)
	}
}

// A state path that is a symbolic link (into a cache folder, say) is
// written through: the run updates the target and the link stays.
func TestStateSymlink(t *testing.T) {
	dir, shas := history(t)
	_, flags := simulator(t, ccusim.Options{})
	real := filepath.Join(t.TempDir(), "state.json")
	link := filepath.Join(t.TempDir(), "state.json")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	r := runQuick(t, nil, append([]string{"purge", "--repo", dir, "--from", shas[0], "--to", shas[1], "--state", link}, flags...)...)
	if r.code != 0 {
		t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if info, err := os.Lstat(link); err != nil || info.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced by a file (%v)", err)
	}
	if got := readState(t, real).net("production").Commit; got != shas[1] {
		t.Errorf("the link's target records %q, want %.12s", got, shas[1])
	}
}
