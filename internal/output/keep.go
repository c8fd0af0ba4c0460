package output

import (
	"container/heap"
	"crypto/sha256"
	"encoding/binary"
	"math"
	"sync/atomic"
)

// Most pages are larger than DefaultSampleMax, so the manifest also keeps
// a few HTML pages whole (up to maxKeepPage each): Volatility and Explain
// then have the previous build's bytes without --previous-dir. The pages
// kept are the ones whose paths hash lowest, so the same ones are kept
// build after build, and a few dozen kilobytes each cost little of the
// manifest.
const (
	DefaultKeepPages = 16
	maxKeepPage      = 256 << 10
)

func (o Options) keepPages() int {
	switch {
	case o.KeepPages == 0:
		return DefaultKeepPages
	case o.KeepPages < 0:
		return 0
	}
	return o.KeepPages
}

// keeper chooses the kept pages while Hash runs: workers ask wants (a
// page over the limit cannot be among the lowest), gather adds.
type keeper struct {
	n     int
	limit atomic.Uint64 // MaxUint64 until n pages are kept
	kept  rankHeap      // gather's goroutine only
}

func newKeeper(n int) *keeper {
	k := &keeper{n: n}
	k.limit.Store(math.MaxUint64)
	return k
}

func pathRank(p string) uint64 {
	s := sha256.Sum256([]byte(p))
	return binary.BigEndian.Uint64(s[:8])
}

// wants says whether the page at path may be kept, and its rank.
func (k *keeper) wants(path string, size int64) (uint64, bool) {
	if k.n <= 0 || size > maxKeepPage || !isHTML(path) {
		return 0, false
	}
	r := pathRank(path)
	return r, r < k.limit.Load()
}

// add keeps the page at index i of the manifest's files and returns the
// index of the page that no longer is among the lowest, or -1.
func (k *keeper) add(rank uint64, i int) int {
	heap.Push(&k.kept, rankedPage{rank, i})
	out := -1
	if len(k.kept) > k.n {
		out = heap.Pop(&k.kept).(rankedPage).i
	}
	if len(k.kept) == k.n {
		k.limit.Store(k.kept[0].rank)
	}
	return out
}

type rankedPage struct {
	rank uint64
	i    int
}

// rankHeap is a max-heap on rank: its top is the first to give way.
type rankHeap []rankedPage

func (h rankHeap) Len() int           { return len(h) }
func (h rankHeap) Less(i, j int) bool { return h[i].rank > h[j].rank }
func (h rankHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *rankHeap) Push(x any)        { *h = append(*h, x.(rankedPage)) }
func (h *rankHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
