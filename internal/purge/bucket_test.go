package purge

import "testing"

// Each kind draws from its own bucket, ARLs from the URLs'; For and Bucket
// agree.
func TestKindBucket(t *testing.T) {
	t.Parallel()
	b := Buckets{URL: Bucket{Burst: 1}, CPCode: Bucket{Burst: 2}, Tag: Bucket{Burst: 3}}
	for _, tc := range []struct {
		kind  Kind
		name  string
		burst float64
	}{{URL, "url", 1}, {ARL, "url", 1}, {CPCode, "cpcode", 2}, {Tag, "tag", 3}, {"", "url", 1}} {
		if got := tc.kind.Bucket(); got != tc.name {
			t.Errorf("Kind(%q).Bucket() = %q, want %q", tc.kind, got, tc.name)
		}
		if got := b.For(tc.kind).Burst; got != tc.burst {
			t.Errorf("For(%q) has burst %v, want %v (the %s bucket)", tc.kind, got, tc.burst, tc.name)
		}
	}
}
