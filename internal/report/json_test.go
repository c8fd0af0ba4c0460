package report

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// TestAppendIndentMatchesIndent compares appendIndent with json.Indent on
// values shaped like plans (nested objects and arrays, empty ones, strings
// with quotes, backslashes, escapes and punctuation) and on random values.
func TestAppendIndentMatchesIndent(t *testing.T) {
	odd := []string{"", `a"b`, `back\slash`, `\"`, "tab\tnl\n", "{[,:]}", "é ü \u2028 <&>", `\u0041`, "x\\", `"`}
	values := []any{
		map[string]any{}, []any{}, "s", 1.5, nil, true,
		map[string]any{"a": []any{}, "b": map[string]any{}, "c": []any{1, "x", nil, []any{[]any{}}}},
		&plan.Plan{From: "a", To: "b", Batches: []purge.Batch{{API: "fast-purge", Objects: odd}}},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var random func(depth int) any
	random = func(depth int) any {
		switch n := rng.IntN(7); {
		case depth > 4 || n == 0:
			return odd[rng.IntN(len(odd))]
		case n == 1:
			return rng.Float64() * 1e6
		case n == 2:
			return rng.IntN(2) == 0
		case n == 3:
			return nil
		case n == 4:
			a := make([]any, rng.IntN(4))
			for i := range a {
				a[i] = random(depth + 1)
			}
			return a
		default:
			m := map[string]any{}
			for range rng.IntN(4) {
				m[odd[rng.IntN(len(odd))]+strings.Repeat("k", rng.IntN(3))] = random(depth + 1)
			}
			return m
		}
	}
	for range 2000 {
		values = append(values, random(0))
	}
	for _, v := range values {
		for _, escapeHTML := range []bool{false, true} {
			var src bytes.Buffer
			enc := json.NewEncoder(&src)
			enc.SetEscapeHTML(escapeHTML)
			if err := enc.Encode(v); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			if err := json.Indent(&want, src.Bytes(), "", "  "); err != nil {
				t.Fatal(err)
			}
			if got := appendIndent([]byte("prefix"), src.Bytes()); string(got) != "prefix"+want.String() {
				t.Fatalf("appendIndent(%s):\n%s\nwant:\n%s", src.Bytes(), got, want.Bytes())
			}
		}
	}
}
