package verify

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsPage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"https://www.example.com":             true,
		"https://www.example.com/":            true,
		"https://www.example.com/a/":          true,
		"https://www.example.com/a/b.html":    true,
		"https://www.example.com/a/B.HTM":     true,
		"https://www.example.com/about":       true,
		"https://www.example.com/v1.2/about":  true,
		"https://www.example.com/a/app.js":    false,
		"https://www.example.com/logo.png?x=": false,
		"https://www.example.com/a.html.gz":   false,
		"::not a url":                         false,
	} {
		if got := IsPage(in); got != want {
			t.Errorf("IsPage(%q) = %v; want %v", in, got, want)
		}
	}
}

// assets makes n non-page targets spread over batches of size per.
func assets(n, per int) []Target {
	ts := make([]Target, n)
	for i := range ts {
		ts[i] = Target{URL: fmt.Sprintf("https://www.example.com/img/%03d.png", i), Batch: i/per + 1}
	}
	return ts
}

func urls(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.URL
	}
	return out
}

func TestPickSizes(t *testing.T) {
	t.Parallel()
	ts := assets(200, 200) // one batch, no pages: only the size counts
	for _, c := range []struct {
		name string
		s    Sample
		want int
	}{
		{"default 10%", Sample{}, 20},
		{"percent rounds up", Sample{Percent: 0.2}, 1},
		{"25%", Sample{Percent: 25}, 50},
		{"count", Sample{Count: 7}, 7},
		{"count above all", Sample{Count: 500}, 200},
		{"all", Sample{All: true}, 200},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := len(Pick(ts, c.s, 1)); got != c.want {
				t.Errorf("len(Pick) = %d; want %d", got, c.want)
			}
		})
	}
}

func TestPickKeepsPagesAndOnePerBatch(t *testing.T) {
	t.Parallel()
	ts := assets(100, 10) // batches 1..10
	ts[37].URL = "https://www.example.com/docs/"
	ts[38].URL = "https://www.example.com/docs/intro.html"
	ts[99].URL = "https://www.example.com/about"
	got := Pick(ts, Sample{Count: 1}, 42)
	batches := map[int]bool{}
	for _, g := range got {
		batches[g.Batch] = true
	}
	if len(batches) != 10 {
		t.Errorf("Pick covered batches %v; want all 10", batches)
	}
	for _, page := range []string{ts[37].URL, ts[38].URL, ts[99].URL} {
		if !slices.Contains(urls(got), page) {
			t.Errorf("Pick left out the page %s", page)
		}
	}
	if len(got) > 12 {
		t.Errorf("Pick chose %d; want the 3 pages and at most one more per uncovered batch", len(got))
	}
}

func TestPickIsDeterministicAndInOrder(t *testing.T) {
	t.Parallel()
	ts := assets(300, 50)
	a, b := Pick(ts, Sample{Percent: 10}, 7), Pick(ts, Sample{Percent: 10}, 7)
	if d := cmp.Diff(urls(a), urls(b)); d != "" {
		t.Errorf("same seed, different picks (-first +second):\n%s", d)
	}
	if !slices.IsSorted(urls(a)) { // the URLs are numbered in order
		t.Errorf("Pick is not in the targets' order: %v", urls(a))
	}
	if cmp.Equal(urls(a), urls(Pick(ts, Sample{Percent: 10}, 8))) {
		t.Error("seeds 7 and 8 picked the same URLs; the seed does not choose")
	}
	if len(Pick(nil, Sample{}, 1)) != 0 {
		t.Error("Pick(nil) is not empty")
	}
}
