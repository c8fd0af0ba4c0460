package mapper

import (
	"fmt"
	"net/url"
	"path"
	"strings"
)

// template is a compiled object template such as
// "https://www.example.com/{path}": literal text and placeholders.
type template struct {
	src   string
	parts []tplPart
}

type tplPart struct {
	lit string
	ph  string // placeholder name, "" for literal
}

// placeholders are the names a template may use; each inserts a part of
// the (stripped) file path, percent-encoded.
var placeholders = map[string]func(p string) string{
	"path": func(p string) string { return p },
	"dir": func(p string) string {
		if d := path.Dir(p); d != "." {
			return d + "/"
		}
		return ""
	},
	"name": path.Base,
	"stem": func(p string) string { b := path.Base(p); return strings.TrimSuffix(b, path.Ext(b)) },
	"ext":  func(p string) string { return strings.TrimPrefix(path.Ext(p), ".") },
}

func placeholderNames() []string { return []string{"{path}", "{dir}", "{name}", "{stem}", "{ext}"} }

func parseTemplate(src string) (*template, error) {
	t := &template{src: src}
	rest := src
	for rest != "" {
		i := strings.IndexByte(rest, '{')
		if i < 0 {
			t.parts = append(t.parts, tplPart{lit: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tplPart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return nil, fmt.Errorf("template %q has an unclosed '{'", src)
		}
		name := rest[i+1 : i+j]
		if _, ok := placeholders[name]; !ok {
			return nil, fmt.Errorf("template %q uses unknown placeholder {%s}; valid placeholders are %s", src, name, strings.Join(placeholderNames(), ", "))
		}
		t.parts = append(t.parts, tplPart{ph: name})
		rest = rest[i+j+1:]
	}
	if !t.hasPlaceholder() {
		return nil, fmt.Errorf("template %q names no file: add {path} (or {dir} for a folder URL)", src)
	}
	if err := t.check(); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *template) hasPlaceholder() bool {
	for _, p := range t.parts {
		if p.ph != "" {
			return true
		}
	}
	return false
}

// check expands the template on a sample path and requires an absolute
// http(s) URL with a host, or an ARL, so a typo fails at load and not at
// the API.
func (t *template) check() error {
	out := t.expand("dir/file.html")
	if IsARL(out) {
		return nil
	}
	u, err := url.Parse(out)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("template %q does not make an absolute http(s) URL or an ARL (it gives %q); start it with https://HOST/", t.src, out)
	}
	if u.Host != strings.ToLower(u.Host) {
		return fmt.Errorf("template %q has an upper-case host %q; write hosts in lower case, as caches key them", t.src, u.Host)
	}
	return nil
}

// expand fills the placeholders from p, a slash-separated file path.
func (t *template) expand(p string) string {
	var b strings.Builder
	for _, part := range t.parts {
		if part.ph == "" {
			b.WriteString(part.lit)
			continue
		}
		b.WriteString(EscapePath(placeholders[part.ph](p)))
	}
	return joinSlashes(b.String())
}

// joinSlashes removes the doubled slashes that joining "https://h/" and
// "/path" leaves in the path, keeping the scheme's "//".
func joinSlashes(s string) string {
	i := strings.Index(s, "://")
	start := 0
	if i >= 0 {
		start = i + 3
	}
	for strings.Contains(s[start:], "//") {
		s = s[:start] + strings.ReplaceAll(s[start:], "//", "/")
	}
	return s
}
