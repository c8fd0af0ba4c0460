package diff

import (
	"slices"
	"testing"
)

func TestAllPaths(t *testing.T) {
	got := AllPaths([]Change{{Status: Modified, Path: "a"}, {Status: Renamed, OldPath: "old", Path: "new"}, {Status: Deleted, Path: "d"}})
	if want := []string{"a", "old", "new", "d"}; !slices.Equal(got, want) {
		t.Errorf("AllPaths = %q, want %q", got, want)
	}
}
