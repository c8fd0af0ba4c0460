package mapper

import (
	"fmt"
	"path"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Object is one thing to purge. CP codes are kept as decimal strings so all
// kinds share one shape.
type Object struct {
	Kind  purge.Kind `json:"type"`
	Value string     `json:"value"`
}

// Match says what one path became: which rule took it, or why none did.
type Match struct {
	Path    string `json:"path"`
	Rule    int    `json:"rule,omitempty"` // 1-based; 0 when ignored by the top-level ignore or unmatched
	Ignored bool   `json:"ignored,omitempty"`
	// Rejected says why a path could not be mapped (a ".." segment, say);
	// such a path also counts as unmatched.
	Rejected string   `json:"rejected,omitempty"`
	Objects  []Object `json:"objects,omitempty"`
}

// Result is the outcome of mapping a set of paths.
type Result struct {
	Objects   []Object // de-duplicated, in first-seen order
	Matches   []Match  // one per path, in input order
	Unmatched []string // paths no rule and no ignore covers, and rejected ones
	Ignored   []string
}

// Map applies the rules to paths: the top-level ignore first, then the
// first rule whose match fits. Input order decides output order, so a
// sorted input gives a stable plan.
func (c *Config) Map(paths []string) Result {
	res := Result{Matches: make([]Match, len(paths))}
	c.lookupAll(paths, res.Matches)
	seen := make(map[Object]struct{}, len(paths))
	for i := range res.Matches {
		m := &res.Matches[i]
		switch {
		case m.Ignored:
			res.Ignored = append(res.Ignored, m.Path)
		case m.Rule == 0 || m.Rejected != "":
			res.Unmatched = append(res.Unmatched, m.Path)
		}
		for _, o := range m.Objects {
			if _, dup := seen[o]; !dup {
				seen[o] = struct{}{}
				res.Objects = append(res.Objects, o)
			}
		}
	}
	return res
}

// parallelMin is the number of paths below which Map stays on one
// goroutine: under it, starting workers costs more than it saves.
const parallelMin = 4096

// lookupAll fills out[i] for paths[i], splitting large inputs over the
// CPUs: each path is independent and the config is read-only, and a
// 100,000-file deploy (a regenerated site) should not wait on one core.
func (c *Config) lookupAll(paths []string, out []Match) {
	workers := runtime.GOMAXPROCS(0)
	if len(paths) < parallelMin || workers < 2 {
		c.lookupRange(paths, out)
		return
	}
	var wg sync.WaitGroup
	chunk := (len(paths) + workers - 1) / workers
	for lo := 0; lo < len(paths); lo += chunk {
		hi := min(lo+chunk, len(paths))
		wg.Go(func() { c.lookupRange(paths[lo:hi], out[lo:hi]) })
	}
	wg.Wait()
}

func (c *Config) lookupRange(paths []string, out []Match) {
	var sc scratch
	for i, p := range paths {
		out[i], _ = c.lookup(p, &sc)
	}
}

// MapPath maps one path.
func (c *Config) MapPath(p string) Match {
	var sc scratch
	m, _ := c.lookup(p, &sc)
	return m
}

// why is what decided a path, for Explain.
type why struct {
	ignore  *pattern // the top-level or rule ignore glob that dropped it
	pattern string   // the match glob or regex that took it
}

// scratch is memory one goroutine reuses from path to path, so mapping
// allocates little more than its results.
type scratch struct {
	cands []int
	buf   []byte
	forms [3]string
	objs  []Object // a path's objects while they are built
	slab  []Object // where they are kept: one allocation for many paths
}

// keep moves objs into the slab and returns their final, capped slice.
func (sc *scratch) keep(objs []Object) []Object {
	if len(objs) == 0 {
		return nil
	}
	if cap(sc.slab)-len(sc.slab) < len(objs) {
		// Grow geometrically to 1024: one path (Explain) stays small.
		sc.slab = make([]Object, 0, max(len(objs), min(1024, 2*cap(sc.slab))))
	}
	n := len(sc.slab)
	sc.slab = append(sc.slab, objs...)
	return sc.slab[n:len(sc.slab):len(sc.slab)]
}

func (c *Config) lookup(p string, sc *scratch) (Match, why) {
	m := Match{Path: p}
	if reason := checkPath(p); reason != "" {
		m.Rejected = reason
		return m, why{}
	}
	for _, g := range c.ignore {
		if g.match(p) {
			m.Ignored = true
			return m, why{ignore: g}
		}
	}
	sc.cands = c.index.candidates(p, sc.cands[:0])
	for _, i := range sc.cands {
		r := c.Rules[i]
		groups, by, ok := r.matches(p)
		if !ok {
			continue
		}
		m.Rule = i + 1
		for _, g := range r.ignore {
			if g.match(p) {
				m.Ignored = true
				return m, why{ignore: g, pattern: by}
			}
		}
		objs, err := r.objects(p, groups, sc)
		if err != nil {
			m.Rejected = err.Error()
			return m, why{pattern: by}
		}
		m.Objects = sc.keep(objs)
		return m, why{pattern: by}
	}
	return m, why{}
}

// checkPath refuses what is not a clean file path relative to the
// repository root: git never records one, so it is a typo or an attempt
// to reach above the site root.
func checkPath(p string) string {
	switch {
	case p == "":
		return "the path is empty"
	case strings.HasPrefix(p, "/"):
		return "the path starts with /: give it relative to the repository root"
	case strings.HasSuffix(p, "/"):
		return "the path ends with /: name a file, not a folder"
	case strings.Contains(p, "//") || hasDotSegment(p):
		return `the path has an empty, "." or ".." segment: give it as git does, such as public/a/b.html`
	}
	return ""
}

// matches reports whether r covers p, with a regex rule's submatches and
// the pattern that fitted.
func (r *Rule) matches(p string) ([]string, string, bool) {
	if r.re != nil {
		if !strings.HasPrefix(p, r.reLit) {
			return nil, "", false
		}
		g := r.re.FindStringSubmatch(p)
		return g, r.Regex, g != nil
	}
	for _, m := range r.match {
		if m.match(p) {
			return nil, m.src, true
		}
	}
	return nil, "", false
}

// objects expands the rule for path p: every urls template for every
// combination of each:, every base and every form of {path}, then also,
// cpcodes and tags; without repeats.
func (r *Rule) objects(p string, groups []string, sc *scratch) ([]Object, error) {
	rel := strings.TrimPrefix(p, r.Strip)
	out := sc.objs[:0]
	defer func() { sc.objs = out[:0] }()
	var err error
	e := expander{rule: r, subject: subject{rel: rel, groups: groups}, buf: sc.buf}
	defer func() { sc.buf = e.buf }()
	forms := r.forms(rel, sc.forms[:0])
	for _, t := range r.urls {
		if out, err = e.combos(out, t, forms); err != nil {
			return nil, err
		}
	}
	for _, t := range r.also {
		if out, err = e.combos(out, t, sc.forms[:0]); err != nil {
			return nil, err
		}
	}
	for _, cp := range r.CPCodes {
		out = e.add(out, Object{Kind: purge.CPCode, Value: strconv.FormatInt(cp, 10)})
	}
	for _, t := range r.tags {
		if out, err = e.combos(out, t, nil); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// expander reuses one buffer across a path's templates.
type expander struct {
	rule    *Rule
	subject subject
	buf     []byte
	// seen holds out's objects once each: expands past a few (appendNew
	// scans, which is quicker for the one to six objects of most rules).
	seen map[Object]struct{}
}

// combos expands t once per combination of the rule's each: values.
func (e *expander) combos(out []Object, t *template, forms []string) ([]Object, error) {
	var err error
	for _, vars := range e.rule.combos {
		e.subject.vars = vars
		if t.tag {
			out, err = e.tag(out, t)
		} else {
			out, err = e.each(out, t, forms)
		}
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// tag expands a tag template and checks the tag it gives, as Fast Purge
// would refuse the whole request for one bad tag. {path} is the file's
// path: index and pretty forms are URLs, a tag has one form.
func (e *expander) tag(out []Object, t *template) ([]Object, error) {
	e.subject.path = e.subject.rel
	e.buf = t.expand(e.buf[:0], &e.subject, "")
	if err := checkTag(string(e.buf)); err != nil {
		return nil, fmt.Errorf("template %q gives %q: %v", t.src, e.buf, strings.TrimSuffix(err.Error(), tagHint))
	}
	return e.add(out, Object{Kind: purge.Tag, Value: string(e.buf)}), nil
}

// each expands t for every base, then every form of {path}.
func (e *expander) each(out []Object, t *template, forms []string) ([]Object, error) {
	bases := e.rule.Bases
	if !t.usesBase {
		bases = []string{""}
	}
	if !t.usesPath || len(forms) == 0 {
		forms = append(forms[:0:0], e.subject.rel)
	}
	kind := purge.URL
	if t.arl {
		kind = purge.ARL
	}
	for _, b := range bases {
		for _, f := range forms {
			e.subject.path = f
			e.buf = t.expand(e.buf[:0], &e.subject, b)
			v, err := finish(string(e.buf))
			if err != nil {
				return nil, fmt.Errorf("template %q gives %q: %v", t.src, e.buf, err)
			}
			out = e.add(out, Object{Kind: kind, Value: v})
		}
	}
	return out, nil
}

// add appends o unless out holds it already.
func (e *expander) add(out []Object, o Object) []Object {
	if len(out) < 32 {
		return appendNew(out, o)
	}
	if e.seen == nil {
		e.seen = make(map[Object]struct{}, 2*len(out))
		for _, x := range out {
			e.seen[x] = struct{}{}
		}
	}
	if _, dup := e.seen[o]; dup {
		return out
	}
	e.seen[o] = struct{}{}
	return append(out, o)
}

func appendNew(out []Object, o Object) []Object {
	for _, x := range out {
		if x == o {
			return out
		}
	}
	return append(out, o)
}

// forms is what {path} stands for: an index file is also its folder
// ("blog/", "blog"), a pretty file its name without extension ("about").
func (r *Rule) forms(rel string, out []string) []string {
	name := path.Base(rel)
	if slices.Contains(r.Index, name) {
		dir := rel[:len(rel)-len(name)]
		for _, f := range r.IndexForms {
			out = append(out, indexForm(f, dir, rel))
		}
		return out
	}
	if ext := path.Ext(name); ext != "" && slices.Contains(r.Pretty, ext) {
		for _, f := range r.PrettyForms {
			if f == "bare" {
				out = append(out, rel[:len(rel)-len(ext)])
			} else {
				out = append(out, rel)
			}
		}
		return out
	}
	return append(out, rel)
}

func indexForm(form, dir, rel string) string {
	switch form {
	case "dir/":
		return dir
	case "dir":
		return strings.TrimSuffix(dir, "/")
	}
	return rel
}
