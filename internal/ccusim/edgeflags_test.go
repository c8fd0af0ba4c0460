package ccusim

import (
	"path/filepath"
	"strings"
	"testing"
)

// StartEdge starts the edge only with --edge-origin, arms its faults and
// says how to reach it; a bad origin is an error and starts nothing.
func TestFlagsStartEdge(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantEdges int
		wantFault EdgeFault
		want      string // fragment of the banner, or of the error
		wantErr   bool
	}{
		{"no origin", nil, 0, EdgeFault{}, "", false},
		{"an origin folder", []string{"--edge-origin", t.TempDir(), "--edge-host", "www.example.com", "--edge-fault", "lost-purge:2"},
			1, EdgeFault{LosePurges: 2}, "  --connect-to www.example.com:127.0.0.1:", false},
		{"a missing origin", []string{"--edge-origin", filepath.Join(t.TempDir(), "none")}, 0, EdgeFault{}, "no such file", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ParseFlags(tc.args)
			if err != nil {
				t.Fatal(err)
			}
			sim, err := Start(Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer sim.Close()
			banner, err := f.StartEdge(sim, "ca.pem")
			got := banner
			if err != nil {
				got = err.Error()
			}
			if (err != nil) != tc.wantErr || !strings.Contains(got, tc.want) || (tc.want == "") != (got == "") {
				t.Errorf("StartEdge = %q, %v; want %q (error %v)", banner, err, tc.want, tc.wantErr)
			}
			if len(sim.edges) != tc.wantEdges {
				t.Fatalf("%d edge(s) started, want %d", len(sim.edges), tc.wantEdges)
			}
			if tc.wantEdges > 0 && sim.edges[0].fault != tc.wantFault {
				t.Errorf("edge fault %+v, want %+v", sim.edges[0].fault, tc.wantFault)
			}
		})
	}
}
