package report

import (
	"bytes"
	"testing"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// An ad-hoc plan prints where its objects came from and its batches, with
// no range or changes; PlanOf tells it from a range's.
func TestGoldenObjectsPlan(t *testing.T) {
	t.Parallel()
	objs := []mapper.Object{{Kind: purge.URL, Value: "https://www.example.com/a"}, {Kind: purge.CPCode, Value: "12345"},
		{Kind: purge.Tag, Value: "docs"}, {Kind: purge.URL, Value: "https://www.example.com/a"}}
	p := plan.FromObjects(objs, plan.Settings{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Production})
	var b bytes.Buffer
	PlanOf(&b, plan.ObjectsRange([]string{"--url", "objects.txt"}, ".ccu-purge.yml"), p, false)
	golden(t, "objects", "plan", b.Bytes())
	var r bytes.Buffer
	PlanOf(&r, plan.Range{From: "a", To: "b", Source: "flags"}, p, false)
	if !bytes.HasPrefix(r.Bytes(), []byte("Range: a..b from flags\n")) {
		t.Errorf("a range's plan:\n%s", r.String())
	}
}
