package report

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// TestErr: a run with a failed request ends in ErrNotPurged, counting
// objects (not requests: a bisected batch is several), and naming each
// failed request; a run without one ends in nil.
func TestErr(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		c    runCase
		want string // "" for nil
	}{
		{"success", success(), ""},
		{"dry run", dryRunCase(), ""},
		{"nothing", nothing(), ""},
		{"partial", partial(), "purge failed: 1 of 4 object(s) not purged, in 1 failed request(s):\n" +
			"batch 2: cpcode 5 refused: HTTP 403: Forbidden: You don't have access to CP code 5 (supportId 17PY-403); " +
			"the API client's credentials do not cover these objects: grant it CCU access to their CP codes"},
		{"interrupted", interrupted(), "purge failed: 2 of 3 object(s) not purged, in 2 failed request(s):\n" +
			"batch 2 (url, 1 object(s)): interrupted: no answer, so whether it was applied is unknown: context canceled\n" +
			"batch 3 (url, 1 object(s)): interrupted: not sent: context canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := New(tc.c.plan, tc.c.sent, tc.c.dry)
			err := r.Err()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Err() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrNotPurged) {
				t.Errorf("Err() = %v, does not wrap ErrNotPurged", err)
			}
			if err == nil || err.Error() != tc.want {
				t.Errorf("Err() = %q\nwant %q", err, tc.want)
			}
		})
	}
}

// TestReportObjects: every planned object ends in purged or notPurged,
// never both; refused ones are also in refused; Accepted counts the
// requests with a purgeId.
func TestReportObjects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		c                                   runCase
		purged, notPurged, refused, accepts int
	}{
		{success(), 4, 0, 0, 2},
		{dryRunCase(), 0, 4, 0, 0},
		{partial(), 3, 1, 1, 2},
		{bisected(), 5, 1, 1, 4},
		{interrupted(), 1, 2, 0, 1},
		{notSent(), 0, 2, 0, 0},
		{beforePlanning(), 0, 0, 0, 0},
	} {
		t.Run(tc.c.name, func(t *testing.T) {
			t.Parallel()
			r, _ := tc.c.build()
			if len(r.Purged) != tc.purged || len(r.NotPurged) != tc.notPurged || len(r.Refused) != tc.refused || r.Accepted() != tc.accepts {
				t.Errorf("purged/notPurged/refused/accepted = %d/%d/%d/%d, want %d/%d/%d/%d",
					len(r.Purged), len(r.NotPurged), len(r.Refused), r.Accepted(), tc.purged, tc.notPurged, tc.refused, tc.accepts)
			}
		})
	}
}

// TestNotSent: a run that stopped before sending keeps its error on one
// line, and lists each planned batch as not sent.
func TestNotSent(t *testing.T) {
	t.Parallel()
	r := NotSent(nil, errors.New("a\nb"))
	if r.Error != "a | b" || len(r.Batches) != 0 || r.Unmatched == nil || r.NotPurged == nil {
		t.Errorf("NotSent(nil) = %+v", r)
	}
	r = NotSent(notSent().plan, nil)
	if r.Error != "" || len(r.Batches) != 1 || r.Batches[0].Error != "not sent" || r.Batches[0].Index != 1 {
		t.Errorf("NotSent(plan) = %+v", r)
	}
}

func TestObjectString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		o    Object
		want string
	}{
		{Object{purge.URL, "https://a/"}, "https://a/"},
		{Object{purge.ARL, "/L/1/2/1d/a/"}, "/L/1/2/1d/a/"},
		{Object{purge.CPCode, "5"}, "cpcode 5"},
		{Object{purge.Tag, "5"}, "tag 5"},
	} {
		if got := tc.o.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.o, got, tc.want)
		}
	}
}

// TestWarned: what fail-on: warning fails on.
func TestWarned(t *testing.T) {
	t.Parallel()
	sub := func(covered bool) []plan.Submodule {
		return []plan.Submodule{{Path: "s", SubmoduleMove: diff.SubmoduleMove{To: shaA}, Covered: covered}}
	}
	for _, tc := range []struct {
		name string
		p    *plan.Plan
		want bool
	}{
		{"no plan", nil, false},
		{"clean", &plan.Plan{}, false},
		{"unmatched", &plan.Plan{Unmatched: []string{"a"}}, true},
		{"fallback", &plan.Plan{Fallback: plan.Fallback{Used: true}}, true},
		{"submodule not purged", &plan.Plan{Submodules: sub(false)}, true},
		{"submodule purged", &plan.Plan{Submodules: sub(true)}, false},
	} {
		if got := Warned(tc.p); got != tc.want {
			t.Errorf("%s: Warned = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestRelPath: a config error's file is shown relative to the workspace
// when it is inside it, else as --config named it.
func TestRelPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ file, config, wd, want string }{
		{"/w/site/.ccu-purge.yml", "", "/w/site", ".ccu-purge.yml"},
		{"/w/site/conf/c.yml", "other.yml", "/w/site", filepath.FromSlash("conf/c.yml")},
		{"/elsewhere/c.yml", "../elsewhere/c.yml", "/w/site", "../elsewhere/c.yml"},
		{"/elsewhere/c.yml", "", "/w/site", "/elsewhere/c.yml"},
		{"/w/site/c.yml", "", "", "/w/site/c.yml"},
		{"", "", "/w/site", ""},
	} {
		if got := relPath(tc.file, tc.config, tc.wd); got != tc.want {
			t.Errorf("relPath(%q, %q, %q) = %q, want %q", tc.file, tc.config, tc.wd, got, tc.want)
		}
	}
}

// Pending pairs each accepted request, in the report itself (a Status set
// through it is the report's), with the purge to wait for.
func TestPending(t *testing.T) {
	t.Parallel()
	r, _ := partial().build()
	accepted, ps := r.Pending()
	if len(accepted) != 2 || len(ps) != 2 {
		t.Fatalf("Pending = %d requests, %d purges; want 2 and 2", len(accepted), len(ps))
	}
	for i, b := range accepted {
		if b.PurgeID == "" || b.Error != "" {
			t.Errorf("request %d is not an accepted one: %+v", i, b)
		}
		want := ccu.Pending{API: b.API, Result: ccu.Result{PurgeID: b.PurgeID, ProgressURI: b.ProgressURI,
			PingAfterSeconds: b.PingAfterSeconds, EstimatedSeconds: b.EstimatedSeconds}}
		if ps[i] != want {
			t.Errorf("purge %d = %+v, want %+v", i, ps[i], want)
		}
		b.Status = "Done"
	}
	done := 0
	for _, b := range r.Batches {
		if b.Status == "Done" {
			done++
		}
	}
	if done != 2 {
		t.Errorf("%d of the report's requests have the Status set through Pending, want 2", done)
	}
}
