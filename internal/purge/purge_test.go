package purge

import (
	"fmt"
	"testing"
	"time"
)

func TestKindIsURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind Kind
		want bool
	}{{URL, true}, {ARL, true}, {CPCode, false}, {Tag, false}, {"", false}} {
		if got := tc.kind.IsURL(); got != tc.want {
			t.Errorf("%q.IsURL() = %v, want %v", tc.kind, got, tc.want)
		}
	}
}

func TestQueueCapacity(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		queue Queue
		want  int
	}{{DefaultQueue, 10000}, {EmergencyQueue, 10}, {"", 0}, {"Default", 0}} {
		if got := tc.queue.Capacity(); got != tc.want {
			t.Errorf("%q.Capacity() = %d, want %d", tc.queue, got, tc.want)
		}
	}
}

func TestValid(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    string
		want bool
	}{{"fast-purge", true}, {"ccu-v2", true}, {"Fast-Purge", false}, {"", false}} {
		if got := Valid(APIs, tc.v); got != tc.want {
			t.Errorf("Valid(APIs, %q) = %v, want %v", tc.v, got, tc.want)
		}
	}
}

// The estimate is the slower of the request bucket and the kind's object
// bucket, past their bursts; ARLs draw from the URL bucket.
func TestEstimate(t *testing.T) {
	t.Parallel()
	b := AkamaiBuckets
	for _, tc := range []struct {
		name           string
		kind           Kind
		requests, objs int
		want           time.Duration
	}{
		{"within the bursts", URL, 100, 10000, 0},
		{"URL objects past the burst", URL, 21, 10200, time.Second},
		{"ARLs count as URLs", ARL, 21, 10200, time.Second},
		{"requests past the burst", Tag, 150, 150, time.Second},
		{"CP codes refill at 30 a minute", CPCode, 1, 330, time.Minute},
		{"tags refill at 500 a minute", Tag, 10, 5500, time.Minute},
	} {
		if got := b.Estimate(tc.kind, tc.requests, tc.objs).Round(time.Millisecond); got != tc.want {
			t.Errorf("%s: Estimate(%s, %d, %d) = %v, want %v", tc.name, tc.kind, tc.requests, tc.objs, got, tc.want)
		}
	}
}

func TestParseQueue(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want Queue
		err  string
	}{
		{nil, DefaultQueue, ""},
		{[]string{"emergency"}, EmergencyQueue, ""},
		{[]string{"urgent"}, "", `unknown queue "urgent"; valid queues are "default" and "emergency"`},
		{[]string{"default", "emergency"}, "", "queue takes at most one queue name: default or emergency"},
	} {
		q, err := ParseQueue(tc.args)
		if got := fmt.Sprint(err); q != tc.want || (tc.err == "" && err != nil) || (tc.err != "" && got != tc.err) {
			t.Errorf("ParseQueue(%q) = %q, %v; want %q, %q", tc.args, q, err, tc.want, tc.err)
		}
	}
}
