package plan

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

func urls(n, width int) mapper.Result {
	var r mapper.Result
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("https://www.example.com/%s/%05d.html", strings.Repeat("x", width), i)
		r.Objects = append(r.Objects, mapper.Object{Kind: mapper.URL, Value: v})
	}
	return r
}

var v3 = Settings{API: "fast-purge", Action: "invalidate", Network: "production"}

// body is the largest request body either API could send for b.
func body(b Batch) int {
	j, _ := json.Marshal(map[string]any{"objects": b.Objects, "type": "arl", "action": "invalidate", "domain": "production"})
	return len(j)
}

func TestBatchLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		n, width   int
		maxObjects int
		wantSizes  []int
	}{
		{"700 short URLs split by count", 700, 1, 0, []int{500, 200}},
		{"exactly 500", 500, 1, 0, []int{500}},
		{"long URLs split by bytes", 600, 200, 0, nil},
		{"configured lower count", 250, 1, 100, []int{100, 100, 50}},
		{"none", 0, 1, 0, []int{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := v3
			s.MaxObjects = tc.maxObjects
			p := Build("a", "b", nil, urls(tc.n, tc.width), s)
			var sizes []int
			total := 0
			for _, b := range p.Batches {
				sizes = append(sizes, len(b.Objects))
				total += len(b.Objects)
				if len(b.Objects) > MaxObjects {
					t.Errorf("batch of %d objects", len(b.Objects))
				}
				if n := body(b); n > MaxBodyBytes {
					t.Errorf("batch body of %d bytes", n)
				}
			}
			if total != tc.n {
				t.Errorf("batches hold %d objects, want %d", total, tc.n)
			}
			if tc.wantSizes != nil {
				if sizes == nil {
					sizes = []int{}
				}
				if d := cmp.Diff(tc.wantSizes, sizes); d != "" {
					t.Errorf("batch sizes (-want +got):\n%s", d)
				}
			} else if len(sizes) < 3 {
				t.Errorf("long URLs gave %d batches %v; the byte limit should have split them further", len(sizes), sizes)
			}
		})
	}
}

func TestTypesAndOrder(t *testing.T) {
	t.Parallel()
	res := mapper.Result{Objects: []mapper.Object{
		{Kind: mapper.CPCode, Value: "12"}, {Kind: mapper.URL, Value: "https://a.com/2"},
		{Kind: mapper.ARL, Value: "/L/1/2/1h/a.com/x"}, {Kind: mapper.URL, Value: "https://a.com/1"},
	}}
	s := Settings{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency"}
	got := Build("a", "b", nil, res, s).Batches
	want := []Batch{
		{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency", Type: "url", Objects: []string{"https://a.com/2", "https://a.com/1"}},
		{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency", Type: "arl", Objects: []string{"/L/1/2/1h/a.com/x"}},
		{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency", Type: "cpcode", Objects: []string{"12"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestFallback(t *testing.T) {
	t.Parallel()
	res := urls(11, 1)
	res.Objects = append(res.Objects, mapper.Object{Kind: mapper.CPCode, Value: "7"})
	s := v3
	s.Threshold, s.FallbackCPCodes = 10, []int64{123, 7}
	p := Build("a", "b", nil, res, s)
	if !p.Fallback.Used || !strings.Contains(p.Fallback.Reason, "11 URLs exceed threshold 10") {
		t.Errorf("fallback = %+v", p.Fallback)
	}
	want := []Batch{{API: "fast-purge", Action: "invalidate", Network: "production", Type: "cpcode", Objects: []string{"123", "7"}}}
	if d := cmp.Diff(want, p.Batches); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	s.Threshold = 11
	if p := Build("a", "b", nil, res, s); p.Fallback.Used || p.ObjectCount() != 12 {
		t.Errorf("at the threshold: fallback %+v, %d objects; want no fallback, 12 objects", p.Fallback, p.ObjectCount())
	}
}

func TestForcedFallback(t *testing.T) {
	t.Parallel()
	s := v3
	s.FallbackCPCodes, s.ForceFallback = []int64{5}, "base unknown"
	p := Build("", "b", nil, urls(3, 1), s)
	want := []Batch{{API: "fast-purge", Action: "invalidate", Network: "production", Type: "cpcode", Objects: []string{"5"}}}
	if d := cmp.Diff(want, p.Batches); d != "" || p.Fallback.Reason != "base unknown" || !p.Fallback.Used {
		t.Errorf("fallback %+v, batches (-want +got):\n%s", p.Fallback, d)
	}
}
