// Package suggest finds the word a user probably meant: the nearest of a
// list by edit distance, and only when it is near enough to be a slip
// (a typo, a swapped pair of letters, "_" for "-"), not a different word.
//
// The edit distance is a dozen lines of Levenshtein written here rather
// than a dependency: the words are flag, command and config names of a
// few letters, so the textbook O(n·m) loop is fast enough, and a module
// for it would be one more thing to vet and update for no gain.
package suggest

import "fmt"

// Nearest returns the candidate closest to word and true, or "" and
// false when none is close: at most 2 edits, or at most a third of the
// word's length when that is more, and fewer than the word has runes.
// Ties go to the earlier candidate, so the caller's order decides; word
// itself is never suggested.
func Nearest(word string, candidates []string) (string, bool) {
	best, bestDist := "", max(2, len([]rune(word))/3)+1
	for _, c := range candidates {
		// d < len(word): "ab" is no slip for "to", every letter differs.
		if d := Distance(word, c); c != word && d < bestDist && d < len([]rune(word)) {
			best, bestDist = c, d
		}
	}
	return best, best != ""
}

// Distance is the Levenshtein distance between a and b: the fewest
// single-rune insertions, deletions and substitutions that turn a into b.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := range ra {
		cur := make([]int, len(rb)+1)
		cur[0] = i + 1
		for j := range rb {
			cost := 1
			if ra[i] == rb[j] {
				cost = 0
			}
			cur[j+1] = min(prev[j]+cost, prev[j+1]+1, cur[j]+1)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// Hint is ` did you mean "X"?` for the candidate nearest to word, or ""
// when none is near: errors put it between "unknown …;" and their list
// of valid values.
func Hint[T ~string](word string, candidates []T) string {
	names := make([]string, len(candidates))
	for i, c := range candidates {
		names[i] = string(c)
	}
	if s, ok := Nearest(word, names); ok {
		return fmt.Sprintf(" did you mean %q?", s)
	}
	return ""
}
