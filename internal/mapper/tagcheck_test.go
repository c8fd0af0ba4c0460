package mapper

import (
	"strings"
	"testing"
)

// A cache tag with a non-ASCII letter is refused naming the character,
// not the first byte of its UTF-8 read as Latin-1 ('Ã' for 'ü').
func TestTagErrorNamesTheCharacter(t *testing.T) {
	t.Parallel()
	err := checkTag("sec-ünïcode")
	if err == nil {
		t.Fatal("sec-ünïcode accepted")
	}
	if !strings.Contains(err.Error(), "'ü'") {
		t.Errorf("error does not name 'ü': %v", err)
	}
}

// An each value is the same for every file, so one that can only give a
// bad cache tag is refused at load, with its line, not left to reject
// every file the rule matches.
func TestEachValueBadInTagRefusedAtLoad(t *testing.T) {
	t.Parallel()
	_, err := Parse("c.yml", []byte("api: fast-purge\nrules:\n  - match: \"b/**\"\n    each: {lang: [de, \"f r\"]}\n    urls: \"https://e.com/{lang}/{path}\"\n    tags: [\"t-{lang}\"]\n"))
	if err == nil {
		t.Error("each value \"f r\" used in tag t-{lang} accepted at load; every file of the rule is then rejected")
	}
}

// An each over the 1,000 combinations is one error, without a false
// "unknown placeholder {a}" after it.
func TestEachTooManyNoFollowOn(t *testing.T) {
	t.Parallel()
	ten := "[1,2,3,4,5,6,7,8,9,10]"
	_, err := Parse("c.yml", []byte("api: fast-purge\nrules:\n  - match: \"c/**\"\n    each: {a: "+ten+", b: "+ten+", c: [1,2,3,4,5,6,7,8,9,10,11]}\n    urls: \"https://e.com/{a}{b}{c}/{path}\"\n"))
	if err == nil {
		t.Fatal("1,100 combinations accepted")
	}
	if strings.Contains(err.Error(), "unknown placeholder") {
		t.Errorf("follow-on error after the combinations error:\n%v", err)
	}
}

// A tag template left unquoted in a flow list, tags: [docs-{lang}], is a
// YAML error reported at its own line (4, not the rule's 3) with the hint
// to quote it.
func TestUnquotedTagTemplateInFlowList(t *testing.T) {
	t.Parallel()
	_, err := Parse("c.yml", []byte("api: fast-purge\nrules:\n  - match: \"a/**\"\n    tags: [docs-{lang}]\n"))
	if err == nil {
		t.Fatal("accepted")
	}
	if !strings.Contains(err.Error(), "c.yml:4:") || !strings.Contains(err.Error(), "quote") {
		t.Errorf("want the error at line 4 with a hint to quote the template, got:\n%v", err)
	}
}

// An unknown placeholder suggests the nearest one, each: names included.
func TestPlaceholderDidYouMean(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ yml, want string }{
		{"rules:\n  - match: a\n    urls: https://x.com/{pth}\n", `uses unknown placeholder {pth}; did you mean "path"?`},
		{"rules:\n  - match: a\n    each: {lang: [de]}\n    urls: https://x.com/{lng}/{path}\n", `uses unknown placeholder {lng}; did you mean "lang"?`},
		{"rules:\n  - match: a\n    urls: https://x.com/{zzzzzz}\n", `uses unknown placeholder {zzzzzz}; valid placeholders are`},
	} {
		_, err := Parse("c.yml", []byte(tc.yml))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.yml, err, tc.want)
		}
	}
}
