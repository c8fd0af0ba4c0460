package suggest

import "testing"

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"", "abc", 3},
		{"abc", "", 3},
		{"from", "from", 0},
		{"form", "from", 2}, // a swap is two edits in Levenshtein
		{"fast_purge", "fast-purge", 1},
		{"purgee", "purge", 1},
		{"kitten", "sitting", 3},
		{"häst", "hast", 1}, // runes, not bytes
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestNearest(t *testing.T) {
	flags := []string{"from", "to", "state", "dry-run", "report", "concurrency", "batch-size"}
	for _, tc := range []struct {
		word       string
		candidates []string
		want       string
	}{
		{"form", flags, "from"},
		{"dryrun", flags, "dry-run"},
		{"concurency", flags, "concurrency"},
		{"batchsize", flags, "batch-size"},
		{"repot", flags, "report"},
		{"fast_purge", []string{"fast-purge", "ccu-v2"}, "fast-purge"},
		{"purgee", []string{"plan", "purge"}, "purge"},
		{"stagging", []string{"staging", "production"}, "staging"},
		// Too far: no suggestion rather than a wrong one.
		{"xyz", flags, ""},
		{"network", flags, ""},
		{"queu", []string{"plan", "demo"}, ""},
		// A long word may be a third of its length off.
		{"verbosity", []string{"verbose", "version"}, "verbose"},
		{"threshhold_shar", []string{"threshold_share"}, "threshold_share"},
		// The word itself is no suggestion.
		{"from", flags, ""},
		{"anything", nil, ""},
		// Every letter differs: another word, not a slip.
		{"ab", []string{"to"}, ""},
		{"do", []string{"to"}, "to"},
		// Ties go to the earlier candidate.
		{"ab", []string{"ac", "ad"}, "ac"},
	} {
		got, ok := Nearest(tc.word, tc.candidates)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Nearest(%q) = %q, %v; want %q", tc.word, got, ok, tc.want)
		}
	}
}

func TestHint(t *testing.T) {
	type api string
	for _, tc := range []struct {
		word string
		want string
	}{
		{"fast_purge", ` did you mean "fast-purge"?`},
		{"v2", ""},
	} {
		if got := Hint(tc.word, []api{"fast-purge", "ccu-v2"}); got != tc.want {
			t.Errorf("Hint(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}
