package output

// A build that differs from the last one only in bytes it invents each
// time (a timestamp, a random id) differs in a few short runs of its text:
// tokens finds those runs by diffing the two texts token by token, which
// keeps a timestamp or an id whole.

// maxEdits bounds the diff of one file: past it the file changed for real
// (a new layout) and the whole middle counts as one span, so a large
// page costs O(n·maxEdits) at worst.
const maxEdits = 400

// span is a differing run: tokens [a0,a1) of the old text became [b0,b1)
// of the new.
type span struct{ a0, a1, b0, b1 int }

// tokenize splits b into words (letters, digits, "_.:+-" and any byte of
// a multi-byte rune, so 2026-12-02T06:33:30Z and app.3f2a1c.js stay one)
// and single other bytes. It returns each token's start, plus len(b).
func tokenize(b []byte) []int {
	starts := make([]int, 0, len(b)/4+1)
	for i := 0; i < len(b); {
		starts = append(starts, i)
		if !isWord(b[i]) {
			i++
			continue
		}
		for i < len(b) && isWord(b[i]) {
			i++
		}
	}
	return append(starts, len(b))
}

func isWord(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c >= 0x80:
		return true
	}
	return c == '_' || c == '.' || c == ':' || c == '+' || c == '-'
}

// intern numbers the tokens of both texts alike, so the diff compares ints.
type intern map[string]int

func (in intern) ids(b []byte, starts []int) []int {
	out := make([]int, len(starts)-1)
	for i := range out {
		tok := string(b[starts[i]:starts[i+1]])
		id, ok := in[tok]
		if !ok {
			id = len(in)
			in[tok] = id
		}
		out[i] = id
	}
	return out
}

// diffTokens returns the spans a and b differ in, in order.
func diffTokens(a, b []int) []span {
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	s := 0
	for s < len(a)-p && s < len(b)-p && a[len(a)-1-s] == b[len(b)-1-s] {
		s++
	}
	if p == len(a)-s && p == len(b)-s {
		return nil
	}
	spans, ok := myers(a[p:len(a)-s], b[p:len(b)-s])
	if !ok {
		return []span{{p, len(a) - s, p, len(b) - s}}
	}
	for i := range spans {
		spans[i].a0 += p
		spans[i].a1 += p
		spans[i].b0 += p
		spans[i].b1 += p
	}
	return spans
}

// myers is Myers' O(ND) diff, giving up past maxEdits. trace[d] keeps
// the furthest x of each diagonal k in [-d-1, d+1] before step d.
func myers(a, b []int) ([]span, bool) {
	n, m := len(a), len(b)
	off := maxEdits + 1
	v := make([]int, 2*off+1)
	var trace [][]int
	for d := 0; d <= maxEdits; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			x := v[off+k-1] + 1
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(trace, n, m), true
			}
		}
	}
	return nil, false
}

// backtrack walks the trace from the end: each step d came from
// diagonal pk by one insertion (down) or deletion (right), then a run of
// equal tokens.
func backtrack(trace [][]int, x, y int) []span {
	var rev []span
	for d := len(trace) - 1; d > 0; d-- {
		at := func(k int) int { return trace[d][k+d+1] }
		k := x - y
		pk, mx, my := k-1, 0, 0
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			pk = k + 1
		}
		px := at(pk)
		py := px - pk
		if pk == k+1 {
			mx, my = px, py+1
		} else {
			mx, my = px+1, py
		}
		rev = append(rev, span{px, mx, py, my})
		x, y = px, py
	}
	return mergeSpans(rev)
}

// mergeSpans reverses the edits into order and joins the ones that touch.
func mergeSpans(rev []span) []span {
	var out []span
	for i := len(rev) - 1; i >= 0; i-- {
		e := rev[i]
		if n := len(out); n > 0 && out[n-1].a1 == e.a0 && out[n-1].b1 == e.b0 {
			out[n-1].a1, out[n-1].b1 = e.a1, e.b1
			continue
		}
		out = append(out, e)
	}
	return out
}
