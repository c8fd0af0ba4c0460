package output

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"unicode/utf8"
)

// explainWindow is how many bytes Explain shows either side of the first
// difference: enough to recognise the tag or attribute it is in.
const explainWindow = 40

// Explain says how newBytes (normalised, see Normalize) differ from the
// file the manifest recorded at path: "first difference at byte N (line
// L)" and a window of both texts. Without a sample it can only say
// whether the hashes differ; an Entry whose Sample holds the previous
// build's normalised file (--previous-dir) compares in full.
func Explain(path string, old Entry, newBytes []byte) string {
	if old.Sample == nil {
		if sha256.Sum256(newBytes) == old.Hash {
			return fmt.Sprintf("%s: no difference: it hashes as in the last manifest", path)
		}
		return fmt.Sprintf("%s: differs from the last manifest (%d bytes then, %d now), which keeps no sample of it (binary, or over the sample size): give --previous-dir DIR with the previous build to see the bytes", path, old.Size, len(newBytes))
	}
	n := firstDiff(old.Sample, newBytes)
	if n < 0 {
		return fmt.Sprintf("%s: no difference: the same %d bytes as in the last manifest", path, len(newBytes))
	}
	line := bytes.Count(newBytes[:n], []byte{'\n'}) + 1
	return fmt.Sprintf("%s: first difference at byte %d (line %d): old «%s» new «%s»",
		path, n, line, window(old.Sample, n), window(newBytes, n))
}

// firstDiff is the index of the first byte a and b differ in (the
// shorter one's length when it is a prefix of the other), or -1.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	if len(a) == len(b) {
		return -1
	}
	return n
}

// window is b around n, cut at whole runes, with control characters
// escaped so one line shows it; "…" marks a cut.
func window(b []byte, n int) string {
	lo, hi := max(0, n-explainWindow), min(len(b), n+explainWindow)
	for lo > 0 && lo < len(b) && !utf8.RuneStart(b[lo]) {
		lo--
	}
	for hi < len(b) && !utf8.RuneStart(b[hi]) {
		hi++
	}
	var s strings.Builder
	if lo > 0 {
		s.WriteString("…")
	}
	s.WriteString(escape(b[lo:hi]))
	if hi < len(b) {
		s.WriteString("…")
	}
	return s.String()
}

func escape(b []byte) string {
	r := strings.NewReplacer("\n", `\n`, "\r", `\r`, "\t", `\t`)
	return r.Replace(strings.ToValidUTF8(string(b), "\uFFFD"))
}
