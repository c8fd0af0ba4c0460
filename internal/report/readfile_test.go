package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestReadFile: "" is a report of nothing sent; a file is read as
// ReadReport reads it; each error names the flag, and the path when the
// file is not a report.
func TestReadFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.json", `{"batches": [{"batch": 1, "type": "url", "objects": ["https://www.example.com/a"], "httpStatus": 201}], "acceptedAt": "2026-12-02T05:00:00Z"}`)
	plan := write("plan.json", `{"from": "a", "to": "b", "range": {}}`)
	missing := filepath.Join(dir, "missing.json")
	for _, tc := range []struct {
		name, path, wantErr string
		batches             int
	}{
		{"none", "", "", 0},
		{"a report", good, "", 1},
		{"missing", missing, "--report: open " + missing, 0},
		{"a plan", plan, "--report " + plan + ": read report: not a ccu-purge report", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadFile(tc.path)
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("ReadFile err = %v, want it to start %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Batches) != tc.batches || r.Batches == nil {
				t.Errorf("ReadFile: %d batches (nil %v), want %d", len(r.Batches), r.Batches == nil, tc.batches)
			}
		})
	}
}

// TestEdgeReady: AcceptedAt plus the longest estimatedSeconds of any
// request; zero without an AcceptedAt or with one that is not a time.
func TestEdgeReady(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 2, 5, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name       string
		acceptedAt string
		estimates  []int
		want       time.Time
	}{
		{"never accepted", "", []int{5}, time.Time{}},
		{"not a time", "yesterday", []int{5}, time.Time{}},
		{"no requests", "2026-12-02T05:00:00Z", nil, at},
		{"the longest", "2026-12-02T05:00:00Z", []int{5, 240, 0}, at.Add(240 * time.Second)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Report{AcceptedAt: tc.acceptedAt}
			for i, e := range tc.estimates {
				r.Batches = append(r.Batches, Request{Index: i + 1, EstimatedSeconds: e})
			}
			if got := r.EdgeReady(); !got.Equal(tc.want) {
				t.Errorf("EdgeReady = %v, want %v", got, tc.want)
			}
		})
	}
}
