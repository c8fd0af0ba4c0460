package output

import (
	"cmp"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Volatile is one shape of difference that recurs across changed HTML
// files, such as `data-build-time="…"` in 486 files, with an RE2 regular
// expression that a normaliser could strip (empty when no safe one is
// known: the text itself changed).
type Volatile struct {
	Token   string
	Files   int
	Suggest string
}

// Volatility finds what differs between the old and new bytes of each
// changed HTML file, reduces every differing run to a shape (an attribute
// value, a <meta> tag's content, a ?v= cache buster, an ISO timestamp, a
// hex id, a number after some text) and counts the files each shape occurs
// in, most first. old and new return a file's bytes (old ones from the
// manifest's samples or a previous folder); a file either lacks is passed
// over.
func Volatility(changed []string, old, new func(path string) ([]byte, bool)) []Volatile {
	counts := map[Volatile]int{}
	for _, p := range changed {
		if !isHTML(p) {
			continue
		}
		a, ok := old(p)
		if !ok {
			continue
		}
		b, ok := new(p)
		if !ok {
			continue
		}
		for v := range shapesOf(a, b) {
			counts[v]++
		}
	}
	return ranked(counts)
}

func isHTML(p string) bool {
	switch strings.ToLower(path.Ext(p)) {
	case ".html", ".htm", ".xhtml":
		return true
	}
	return false
}

func ranked(counts map[Volatile]int) []Volatile {
	out := make([]Volatile, 0, len(counts))
	for v, n := range counts {
		v.Files = n
		out = append(out, v)
	}
	slices.SortFunc(out, func(x, y Volatile) int {
		return cmp.Or(cmp.Compare(y.Files, x.Files), cmp.Compare(x.Token, y.Token))
	})
	return out
}

// shapesOf is the set of shapes a and b differ in (Files left zero).
func shapesOf(a, b []byte) map[Volatile]bool {
	ta, tb := tokenize(a), tokenize(b)
	in := intern{}
	ia, ib := in.ids(a, ta), in.ids(b, tb)
	out := map[Volatile]bool{}
	for _, s := range joinNear(diffTokens(ia, ib), a, ta) {
		oa, ob := a[ta[s.a0]:ta[s.a1]], b[tb[s.b0]:tb[s.b1]]
		if len(ob) > 0 {
			out[shape(b, tb[s.b0], tb[s.b1], oa)] = true
		} else {
			out[shape(a, ta[s.a0], ta[s.a1], ob)] = true
		}
	}
	return out
}

// joinNear joins spans that one blank or punctuation token apart, so
// "2026-12-02 06:33:30" is one run, not two.
func joinNear(spans []span, a []byte, ta []int) []span {
	var out []span
	for _, s := range spans {
		if n := len(out); n > 0 && s.a0-out[n-1].a1 <= 1 && s.a0-out[n-1].a1 == s.b0-out[n-1].b1 &&
			joinable(a[ta[out[n-1].a1]:ta[s.a0]]) {
			out[n-1].a1, out[n-1].b1 = s.a1, s.b1
			continue
		}
		out = append(out, s)
	}
	return out
}

func joinable(gap []byte) bool {
	return len(gap) <= 1 && !strings.ContainsAny(string(gap), "<>\"'=\n")
}

var (
	busterRE = regexp.MustCompile(`[?&]([A-Za-z_][\w-]*)=[^"'&\s<>]*$`)
	attrRE   = regexp.MustCompile(`([A-Za-z_$][\w:.$-]*)\s*=\s*$`)
	jsonRE   = regexp.MustCompile(`"([^"\\]{1,64})"\s*:\s*$`)
	metaRE   = regexp.MustCompile(`^<([A-Za-z][\w-]*)\b[^>]*?\b(name|property|itemprop|http-equiv)\s*=\s*("[^"]*"|'[^']*')`)
	isoRE    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$`)
	isoAny   = regexp.MustCompile(isoStrip)
	hexRE    = regexp.MustCompile(`^[0-9a-fA-F]{6,}$`)
	numRE    = regexp.MustCompile(`^[0-9]+$`)
)

// isoStrip strips an ISO 8601 date and time wherever it is.
const isoStrip = `\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?`

// shape names the run b[s:e] (other is the other side's bytes) by where
// it sits, the most specific first.
func shape(b []byte, s, e int, other []byte) Volatile {
	run := b[s:e]
	left := b[max(0, s-256):s]
	if m := busterRE.FindSubmatch(left); m != nil && !strings.ContainsAny(string(run), "\"'& \n<>") {
		key := string(m[1])
		return Volatile{Token: "?" + key + "=…", Suggest: `[?&]` + regexp.QuoteMeta(key) + `=[^"'&\s<>]*`}
	}
	if v, ok := quoted(b, s, e, other); ok {
		return v
	}
	return inText(b, s, run)
}

// quoted shapes a run inside a quoted value: an attribute, a <meta>'s
// content, a JSON or script string.
func quoted(b []byte, s, e int, other []byte) (Volatile, bool) {
	q := openQuote(b, s)
	if q < 0 || strings.IndexByte(string(b[s:e]), b[q]) >= 0 {
		return Volatile{}, false
	}
	quote := string(b[q])
	value := string(b[q+1:s]) + stablePrefix(b[s:e], other)
	anyValue := regexp.QuoteMeta(quote+value) + `[^` + quote + `]*` + quote
	before := b[max(0, q-128):q]
	if m := jsonRE.FindSubmatch(before); m != nil {
		key := `"` + string(m[1]) + `":`
		return Volatile{Token: key + quote + value + "…" + quote, Suggest: regexp.QuoteMeta(key) + `\s*` + anyValue}, true
	}
	m := attrRE.FindSubmatch(before)
	if m == nil {
		return Volatile{}, false
	}
	name := string(m[1])
	if v, ok := metaShape(b, q, name, quote, value); ok {
		return v, true
	}
	return Volatile{Token: name + "=" + quote + value + "…" + quote, Suggest: `\b` + regexp.QuoteMeta(name) + `=` + anyValue}, true
}

// openQuote finds the quote that opens the value around s: the nearest
// quote before s within the same tag, preceded by "=" or ":".
func openQuote(b []byte, s int) int {
	for i := s - 1; i >= max(0, s-512); i-- {
		switch b[i] {
		case '<', '>', '\n':
			return -1
		case '"', '\'':
			j := i - 1
			for j >= 0 && (b[j] == ' ' || b[j] == '\t') {
				j--
			}
			if j >= 0 && (b[j] == '=' || b[j] == ':') {
				return i
			}
			return -1
		}
	}
	return -1
}

// metaShape is the <meta name="X" content="…"> (or property=, itemprop=)
// of a content= value, stripped whole by its name.
func metaShape(b []byte, q int, attr, quote, value string) (Volatile, bool) {
	if attr != "content" && attr != "value" {
		return Volatile{}, false
	}
	lt := strings.LastIndexByte(string(b[max(0, q-512):q]), '<')
	if lt < 0 {
		return Volatile{}, false
	}
	m := metaRE.FindSubmatch(b[max(0, q-512)+lt : q])
	if m == nil {
		return Volatile{}, false
	}
	tag, key, name := string(m[1]), string(m[2]), string(m[3]) // name keeps its quotes
	return Volatile{
		Token:   fmt.Sprintf(`<%s %s=%s %s=%s%s…%s>`, tag, key, name, attr, quote, value, quote),
		Suggest: `<` + regexp.QuoteMeta(tag) + `\b[^>]*\b` + key + `=` + regexp.QuoteMeta(name) + `[^>]*>`,
	}, true
}

// stablePrefix is the start both sides of a run share that reads as a
// fixed label ("toc-" of toc-a8f3 and toc-c7d1): letters up to the last
// "-" or "_" before any digit, so a date's "2026-12-" is not one.
func stablePrefix(a, b []byte) string {
	n := commonPrefix(string(a), string(b))
	p := string(a[:n])
	if i := strings.IndexAny(p, "0123456789"); i >= 0 {
		p = p[:i]
	}
	if i := strings.LastIndexAny(p, "-_"); i >= 0 {
		return p[:i+1]
	}
	return ""
}

// inText shapes a run in the page's text by its kind and the words just
// before it ("Built " + a timestamp).
func inText(b []byte, s int, run []byte) Volatile {
	if ms, ok := isoAround(b, s, s+len(run)); ok {
		s, run = ms, isoAny.Find(b[ms:]) // the time of a date that did not change is still a timestamp
	}
	ctx := leftContext(b, s)
	kind, re := "changed text «"+clip(string(run), 24)+"»", ""
	switch {
	case run != nil && isoRE.Match(run):
		kind, re = "ISO timestamp", isoStrip
	case hexRE.Match(run) && !numRE.Match(run):
		kind, re = "hex id", `[0-9a-fA-F]{6,}`
	case numRE.Match(run) && ctx != "":
		kind, re = "number", `[0-9]+`
	}
	if ctx == "" || re == "" {
		return Volatile{Token: kind, Suggest: re}
	}
	return Volatile{Token: ctx + "… (" + kind + ")", Suggest: regexp.QuoteMeta(ctx) + re}
}

// isoAround finds a date and time that covers b[s:e], a few bytes either
// side, and returns where it starts.
func isoAround(b []byte, s, e int) (int, bool) {
	lo, hi := max(0, s-32), min(len(b), e+32)
	for _, m := range isoAny.FindAllIndex(b[lo:hi], -1) {
		if lo+m[0] <= s && e <= lo+m[1] {
			return lo + m[0], true
		}
	}
	return 0, false
}

// leftContext is up to 24 bytes before s, back to a tag or quote, cut
// at a space so it starts with a whole word.
func leftContext(b []byte, s int) string {
	lo := s
	for lo > 0 && s-lo < 24 && !strings.ContainsRune("<>\"'\n", rune(b[lo-1])) {
		lo--
	}
	ctx := string(b[lo:s])
	if s-lo == 24 && lo > 0 {
		if i := strings.IndexByte(ctx, ' '); i >= 0 {
			ctx = ctx[i+1:]
		}
	}
	if strings.TrimSpace(ctx) == "" {
		return ""
	}
	return ctx
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
