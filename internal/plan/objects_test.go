package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

func TestFromObjects(t *testing.T) {
	t.Parallel()
	fp := Settings{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Production}
	u := func(i int) mapper.Object {
		return mapper.Object{Kind: purge.URL, Value: fmt.Sprintf("https://www.example.com/%d", i)}
	}
	cp := func(i int) mapper.Object { return mapper.Object{Kind: purge.CPCode, Value: fmt.Sprint(i)} }
	many := func(n int, f func(int) mapper.Object) []mapper.Object {
		var out []mapper.Object
		for i := range n {
			out = append(out, f(i+1))
		}
		return out
	}
	sizes := func(p *Plan) []string {
		var out []string
		for _, b := range p.Batches {
			out = append(out, fmt.Sprintf("%s:%d", b.Type, len(b.Objects)))
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		objs    []mapper.Object
		s       Settings
		want    []string
		wantErr error
	}{
		{"one type per request, duplicates once", []mapper.Object{u(1), cp(7), u(1), {Kind: purge.Tag, Value: "t"}, cp(7)}, fp, []string{"url:1", "cpcode:1", "tag:1"}, nil},
		{"500 URLs a request", many(1001, u), fp, []string{"url:500", "url:500", "url:1"}, nil},
		{"300 CP codes a Fast Purge request", many(301, cp), fp, []string{"cpcode:300", "cpcode:1"}, nil},
		{"no fallback however many", many(10, u), Settings{API: purge.FastPurge, Threshold: 2, FallbackCPCodes: []int64{9}}, []string{"url:10"}, nil},
		{"--batch-size", many(5, u), Settings{API: purge.FastPurge, MaxObjects: 2}, []string{"url:2", "url:2", "url:1"}, nil},
		{"tags on CCU v2", []mapper.Object{{Kind: purge.Tag, Value: "t"}}, Settings{API: purge.CCUv2, Queue: purge.DefaultQueue}, []string{"tag:1"}, ErrTagsOnV2},
		{"max_objects still caps", many(3, u), Settings{API: purge.FastPurge, MaxTotal: 2}, []string{"url:3"}, ErrTooMany},
		{"the rate budget fails, never falls back", many(330, cp), Settings{API: purge.FastPurge, Timeout: time.Second, FallbackCPCodes: []int64{9}}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := FromObjects(tc.objs, tc.s)
			if tc.want == nil { // the budget case
				if p.Err() == nil || !strings.Contains(p.Err().Error(), "rate budget") || p.Fallback.Used {
					t.Fatalf("err = %v, fallback %+v", p.Err(), p.Fallback)
				}
				return
			}
			if d := cmp.Diff(tc.want, sizes(p)); d != "" {
				t.Errorf("batches (-want +got):\n%s", d)
			}
			if !errors.Is(p.Err(), tc.wantErr) || (tc.wantErr == nil) != (p.Err() == nil) {
				t.Errorf("err = %v, want %v", p.Err(), tc.wantErr)
			}
			if p.Fallback.Used {
				t.Errorf("fallback used: %s", p.Fallback.Reason)
			}
		})
	}
}
