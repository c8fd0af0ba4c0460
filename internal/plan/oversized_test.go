package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// longURL is a URL whose JSON string is exactly n bytes.
func longURL(n int) string {
	const head = "https://www.example.com/"
	return head + strings.Repeat("a", n-2-len(head))
}

// An object too large to be sent even alone fails the plan (exit 2 in
// plan, purge and --dry-run), naming it shortened with its size; the
// largest object that fits still gives a body within the API's limit.
func TestOversizedObject(t *testing.T) {
	t.Parallel()
	arl := "/L/512/6848/1h/www.example.com/" + strings.Repeat("b", MaxObjectBytes)
	for _, tc := range []struct {
		name    string
		api     purge.API
		objects []mapper.Object
		want    []string // fragments of Err; nil = no error
	}{
		{"largest that fits", "fast-purge", []mapper.Object{{Kind: purge.URL, Value: longURL(MaxObjectBytes)}}, nil},
		{"largest that fits on ccu-v2", "ccu-v2", []mapper.Object{{Kind: purge.URL, Value: longURL(MaxObjectBytes)}}, nil},
		{"one byte too many", "fast-purge", []mapper.Object{{Kind: purge.URL, Value: longURL(MaxObjectBytes + 1)}},
			[]string{`url "https://www.example.com/aaa`, `…aaaaaaaaaaaaaaaaaaaaaaaaa" (49800 bytes)`, "at most 49799 bytes", "over 50000 bytes", "purge it by CP code or cache tag"}},
		{"escaped characters count", "fast-purge", []mapper.Object{{Kind: purge.URL, Value: "https://www.example.com/" + strings.Repeat("<", 8400)}},
			[]string{"(50426 bytes)"}},
		{"an ARL among small URLs", "ccu-v2", []mapper.Object{{Kind: purge.URL, Value: "https://www.example.com/a"}, {Kind: purge.ARL, Value: arl}},
			[]string{`arl "/L/512/6848/1h/www.example.com/bbb`}},
		{"many are counted", "fast-purge", repeatObj(mapper.Object{Kind: purge.URL, Value: longURL(60000)}, 7),
			[]string{"(60000 bytes), url", "and 2 more"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := v3
			s.API = tc.api
			p := Build("a", "b", nil, mapper.Result{Objects: tc.objects}, s)
			err := p.Err()
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Err = %v", err)
				}
				for _, b := range p.Batches {
					if n := body(b); n > purge.MaxBodyBytes {
						t.Errorf("a batch body of %d bytes passed", n)
					}
				}
				return
			}
			if !errors.Is(err, ErrTooLarge) {
				t.Fatalf("Err = %v, want ErrTooLarge", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Err lacks %q:\n%v", w, err)
				}
			}
			if len(err.Error()) > 2000 {
				t.Errorf("message of %d bytes: the objects are not shortened", len(err.Error()))
			}
		})
	}
}

// A fallback drops the URLs, so a large one does not stop it.
func TestOversizedObjectFallback(t *testing.T) {
	t.Parallel()
	s := v3
	s.ForceFallback, s.FallbackCPCodes = "base unknown", []int64{123}
	p := Build("a", "b", nil, mapper.Result{Objects: []mapper.Object{{Kind: purge.URL, Value: longURL(60000)}}}, s)
	if err := p.Err(); err != nil {
		t.Errorf("Err = %v", err)
	}
}

func repeatObj(o mapper.Object, n int) []mapper.Object {
	out := make([]mapper.Object, n)
	for i := range out {
		out[i] = o
		out[i].Value += strings.Repeat("x", i)
	}
	return out
}
