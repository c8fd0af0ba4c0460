package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func urls(n, width int) mapper.Result {
	var r mapper.Result
	for i := 0; i < n; i++ {
		v := fmt.Sprintf("https://www.example.com/%s/%05d.html", strings.Repeat("x", width), i)
		r.Objects = append(r.Objects, mapper.Object{Kind: purge.URL, Value: v})
	}
	return r
}

var v3 = Settings{API: "fast-purge", Action: "invalidate", Network: "production"}

// body is the largest request body either API could send for b.
func body(b purge.Batch) int {
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
				if len(b.Objects) > purge.MaxObjects {
					t.Errorf("batch of %d objects", len(b.Objects))
				}
				if n := body(b); n > purge.MaxBodyBytes {
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
		{Kind: purge.CPCode, Value: "12"}, {Kind: purge.URL, Value: "https://a.com/2"},
		{Kind: purge.ARL, Value: "/L/1/2/1h/a.com/x"}, {Kind: purge.URL, Value: "https://a.com/1"},
	}}
	s := Settings{API: "ccu-v2", Action: "delete", Network: "staging", Queue: "emergency"}
	got := Build("a", "b", nil, res, s).Batches
	want := []purge.Batch{
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
	res.Objects = append(res.Objects, mapper.Object{Kind: purge.CPCode, Value: "7"})
	s := v3
	s.Threshold, s.FallbackCPCodes = 10, []int64{123, 7}
	p := Build("a", "b", nil, res, s)
	if !p.Fallback.Used || !strings.Contains(p.Fallback.Reason, "11 URLs exceed threshold 10") {
		t.Errorf("fallback = %+v", p.Fallback)
	}
	want := []purge.Batch{{API: "fast-purge", Action: "invalidate", Network: "production", Type: "cpcode", Objects: []string{"123", "7"}}}
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
	want := []purge.Batch{{API: "fast-purge", Action: "invalidate", Network: "production", Type: "cpcode", Objects: []string{"5"}}}
	if d := cmp.Diff(want, p.Batches); d != "" || p.Fallback.Reason != "base unknown" || !p.Fallback.Used {
		t.Errorf("fallback %+v, batches (-want +got):\n%s", p.Fallback, d)
	}
}

func TestTagBatches(t *testing.T) {
	t.Parallel()
	res := mapper.Result{Objects: []mapper.Object{{Kind: purge.Tag, Value: "blog"}, {Kind: purge.URL, Value: "https://a.com/"}, {Kind: purge.Tag, Value: "site"}}}
	got := Build("a", "b", nil, res, v3).Batches
	want := []purge.Batch{
		{API: "fast-purge", Action: "invalidate", Network: "production", Type: "url", Objects: []string{"https://a.com/"}},
		{API: "fast-purge", Action: "invalidate", Network: "production", Type: "tag", Objects: []string{"blog", "site"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// Fast Purge's CP-code bucket holds 300: no request may carry more. CCU
// v2 has no such bucket and keeps the 500-object limit.
func TestCPCodeBatches(t *testing.T) {
	t.Parallel()
	var res mapper.Result
	for i := range 301 {
		res.Objects = append(res.Objects, mapper.Object{Kind: purge.CPCode, Value: fmt.Sprint(100000 + i)})
	}
	sizes := func(bs []purge.Batch) []int {
		var n []int
		for _, b := range bs {
			n = append(n, len(b.Objects))
		}
		return n
	}
	if got := sizes(Build("a", "b", nil, res, v3).Batches); !slices.Equal(got, []int{300, 1}) {
		t.Errorf("fast-purge CP-code batches %v, want [300 1]", got)
	}
	v2 := Settings{API: "ccu-v2", Action: "invalidate", Network: "production", Queue: "default"}
	if got := sizes(Build("a", "b", nil, res, v2).Batches); !slices.Equal(got, []int{301}) {
		t.Errorf("ccu-v2 CP-code batches %v, want [301]", got)
	}
}

// matched makes a result of n matched paths with one URL each.
func matched(n int) mapper.Result {
	r := urls(n, 1)
	for i := 0; i < n; i++ {
		r.Matches = append(r.Matches, mapper.Match{Path: fmt.Sprint(i), Rule: 1})
	}
	return r
}

func TestFallbackLimits(t *testing.T) {
	t.Parallel()
	tagBatch := purge.Batch{API: "fast-purge", Action: "invalidate", Network: "production", Type: "tag", Objects: []string{"site"}}
	for _, tc := range []struct {
		name      string
		res       mapper.Result
		set       func(*Settings)
		reason    string // "" = no fallback
		wantErr   error
		wantCount int
		warning   string
	}{
		{"threshold with tags", matched(5), func(s *Settings) { s.Threshold, s.FallbackTags = 4, []string{"site"} },
			"5 URLs exceed threshold 4: purging cache tags site instead", nil, 1, ""},
		{"threshold with both", matched(5), func(s *Settings) { s.Threshold, s.FallbackTags, s.FallbackCPCodes = 4, []string{"site"}, []int64{9} },
			"5 URLs exceed threshold 4: purging CP codes 9 and cache tags site instead", nil, 2, ""},
		{"share over", matched(31), func(s *Settings) { s.ThresholdShare, s.SiteFiles, s.FallbackTags = 0.3, 100, []string{"site"} },
			"31 changed files of 100 in the site (31%) exceed threshold_share 30%: purging cache tags site instead", nil, 1, ""},
		{"share at limit", matched(30), func(s *Settings) { s.ThresholdShare, s.SiteFiles, s.FallbackTags = 0.3, 100, []string{"site"} },
			"", nil, 30, ""},
		{"share with unknown site size", matched(30), func(s *Settings) { s.ThresholdShare, s.FallbackTags = 0.3, []string{"site"} },
			"", nil, 30, "threshold_share 30% is not applied: the number of the site's files is unknown"},
		{"share of a third, rounded", matched(34), func(s *Settings) { s.ThresholdShare, s.SiteFiles, s.FallbackTags = 1.0/3, 100, []string{"site"} },
			"34 changed files of 100 in the site (34%) exceed threshold_share 33.3%: purging cache tags site instead", nil, 1, ""},
		{"share of an odd site, rounded", matched(2), func(s *Settings) { s.ThresholdShare, s.SiteFiles, s.FallbackTags = 0.25, 7, []string{"site"} },
			"2 changed files of 7 in the site (28.6%) exceed threshold_share 25%: purging cache tags site instead", nil, 1, ""},
		{"unknown site size, a third", matched(3), func(s *Settings) { s.ThresholdShare, s.FallbackTags = 1.0/3, []string{"site"} },
			"", nil, 3, "threshold_share 33.3% is not applied: the number of the site's files is unknown"},
		{"max_objects falls back", matched(11), func(s *Settings) { s.MaxTotal, s.FallbackTags = 10, []string{"site"} },
			"11 objects exceed max_objects 10: purging cache tags site instead", nil, 1, ""},
		{"max_objects without fallback fails", matched(11), func(s *Settings) { s.MaxTotal = 10 },
			"", ErrTooMany, 11, ""},
		{"max_objects at limit", matched(10), func(s *Settings) { s.MaxTotal = 10 }, "", nil, 10, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := v3
			tc.set(&s)
			p := Build("a", "b", nil, tc.res, s)
			if p.Fallback.Used != (tc.reason != "") || p.Fallback.Reason != tc.reason {
				t.Errorf("fallback = %+v, want reason %q", p.Fallback, tc.reason)
			}
			if err := p.Err(); !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Errorf("Err() = %v, want %v", err, tc.wantErr)
			}
			if n := p.ObjectCount(); n != tc.wantCount {
				t.Errorf("%d objects, want %d", n, tc.wantCount)
			}
			if tc.warning != "" && (len(p.Warnings) != 1 || p.Warnings[0] != tc.warning) {
				t.Errorf("warnings %q, want %q", p.Warnings, tc.warning)
			}
			if tc.reason != "" && tc.wantCount == 1 {
				if d := cmp.Diff([]purge.Batch{tagBatch}, p.Batches); d != "" {
					t.Errorf("(-want +got):\n%s", d)
				}
			}
		})
	}
}

func TestUnmatchedPolicy(t *testing.T) {
	t.Parallel()
	res := mapper.Result{Unmatched: []string{"README.md", "a b.txt"}}
	const list = `2 changed file(s) no rule covers, so not purged: "README.md", "a b.txt"`
	for _, tc := range []struct {
		policy           string
		warnings, errors []string
	}{
		{"", []string{list}, nil},
		{mapper.UnmatchedWarn, []string{list}, nil},
		{mapper.UnmatchedIgnore, nil, nil},
		{mapper.UnmatchedError, nil, []string{"changed files no rule covers (unmatched: error): " + list + "; add a rule or an ignore glob for them"}},
	} {
		s := v3
		s.Unmatched = tc.policy
		p := Build("a", "b", nil, res, s)
		if d := cmp.Diff(tc.warnings, p.Warnings); d != "" {
			t.Errorf("%q warnings (-want +got):\n%s", tc.policy, d)
		}
		if d := cmp.Diff(tc.errors, p.Errors); d != "" {
			t.Errorf("%q errors (-want +got):\n%s", tc.policy, d)
		}
		if (p.Err() != nil) != (tc.policy == mapper.UnmatchedError) || tc.errors != nil && !errors.Is(p.Err(), ErrUnmatched) {
			t.Errorf("%q: Err() = %v", tc.policy, p.Err())
		}
		if d := cmp.Diff(res.Unmatched, p.Unmatched); d != "" {
			t.Errorf("%q: the plan lists unmatched files whatever the policy (-want +got):\n%s", tc.policy, d)
		}
	}
}

func TestPlanJSONOmitsEmptyNewFields(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(Build("a", "b", nil, urls(1, 1), v3))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"warnings"`, `"errors"`} {
		if strings.Contains(string(b), k) {
			t.Errorf("plan JSON has %s when empty: %s", k, b)
		}
	}
}

// TestPercent: a share prints rounded to at most one decimal, without a
// trailing ".0" or float noise, and a tiny share does not read as 0%.
func TestPercent(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		share float64
		want  string
	}{
		{1.0 / 3, "33.3%"}, {0.25, "25%"}, {0.3, "30%"}, {0.29, "29%"}, {2.0 / 3, "66.7%"},
		{1, "100%"}, {0.123456, "12.3%"}, {0.9999, "100%"}, {0.0001, "0.01%"}, {0.00044, "0.04%"},
	} {
		if got := percent(tc.share); got != tc.want {
			t.Errorf("percent(%v) = %q, want %q", tc.share, got, tc.want)
		}
	}
}
