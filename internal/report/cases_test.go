package report

import (
	"errors"
	"fmt"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// runCase is one run as plain data: the range and plan (nil when
// planning failed), the requests' outcomes, and how the run ended.
type runCase struct {
	name string
	rng  plan.Range
	plan *plan.Plan
	sent []ccu.Sent
	dry  bool
	// stopped is why the run ended before sending (nothing in sent).
	stopped error
	// status is what --wait found, by request.
	status map[int]string
	path   string // the --report file
	config string // --config
	// verify is what a verification after the purge found, and
	// acceptedAt when the purge was accepted.
	verify     *verify.Verification
	acceptedAt string
}

const (
	shaA = "c53ae45b2364e431318071396b7524fa9abb85a6"
	shaB = "9f2d1c0b8a7e6d5c4b3a29180f7e6d5c4b3a2918"
	shaC = "0123456789abcdef0123456789abcdef01234567"
	shaD = "fedcba9876543210fedcba9876543210fedcba98"
)

func fast(kind purge.Kind, objs ...string) purge.Batch {
	return purge.Batch{API: purge.FastPurge, Action: purge.Invalidate, Network: purge.Production, Type: kind, Objects: objs}
}

func v2(kind purge.Kind, objs ...string) purge.Batch {
	return purge.Batch{API: purge.CCUv2, Action: purge.Delete, Network: purge.Staging, Queue: purge.DefaultQueue, Type: kind, Objects: objs}
}

func accepted(batch int, b purge.Batch, id string) ccu.Sent {
	return ccu.Sent{Batch: batch, Request: b, Attempts: 1, Result: ccu.Result{HTTPStatus: 201, PurgeID: id, SupportID: "17PY" + id, EstimatedSeconds: 5}}
}

func url(path string) string { return "https://www.example.com/" + path }

func pushRange() plan.Range {
	return plan.Range{From: shaA, To: shaB, Source: "github:push", Reason: "the push event's before and after"}
}

func changed(paths ...string) []diff.Change {
	var out []diff.Change
	for _, p := range paths {
		out = append(out, diff.Change{Status: diff.Modified, Path: p})
	}
	return out
}

func cases() []runCase {
	return append([]runCase{
		success(), nothing(), dryRunCase(), fallback(), partial(), bisected(), interrupted(),
		beforePlanning(), configErrors(), notSent(), unmatched(), covers(),
	}, verifyCases()...)
}

func success() runCase {
	b1 := fast(purge.URL, url("index.html"), url("about/"), url("css/site.css"))
	b2 := v2(purge.CPCode, "12345")
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("index.html", "about/index.html", "css/site.css"),
		Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b1, b2}}
	v2Sent := accepted(1, b2, "v2-1")
	v2Sent.Result.HTTPStatus, v2Sent.Result.ProgressURI, v2Sent.Result.PingAfterSeconds, v2Sent.Result.EstimatedSeconds = 201, "/ccu/v2/purges/v2-1", 420, 420
	return runCase{name: "success", rng: pushRange(), plan: p, sent: []ccu.Sent{accepted(0, b1, "edcp-1"), v2Sent},
		status: map[int]string{0: "Done", 1: "Done"}, path: "/tmp/ccu-purge-report.json"}
}

func nothing() runCase {
	p := &plan.Plan{From: shaB, To: shaB, Changes: []diff.Change{}, Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{}}
	return runCase{name: "nothing", rng: plan.Range{From: shaB, To: shaB, Source: "state"}, plan: p}
}

func dryRunCase() runCase {
	b1 := fast(purge.URL, url("a.html"), url("b.html"))
	b2 := fast(purge.Tag, "blog", "<home>")
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("a.html", "b.html"), Unmatched: []string{}, Ignored: []string{"README.md"}, Batches: []purge.Batch{b1, b2}}
	return runCase{name: "dry", rng: plan.Range{From: shaA, To: shaB, Source: "flags"}, plan: p, dry: true,
		sent: []ccu.Sent{{Batch: 0, Request: b1}, {Batch: 1, Request: b2}}}
}

func fallback() runCase {
	b := fast(purge.CPCode, "12345", "67890")
	var files []string
	for i := range 12 {
		files = append(files, fmt.Sprintf("posts/%02d.html", i))
	}
	p := &plan.Plan{From: "", To: shaB, Changes: changed(files...), Unmatched: []string{}, Ignored: []string{},
		Fallback:   plan.Fallback{Used: true, Reason: "12 URL(s) exceed the threshold of 10: purging CP codes 12345, 67890 instead"},
		Batches:    []purge.Batch{b},
		Submodules: []plan.Submodule{{Path: "themes/base", SubmoduleMove: diff.SubmoduleMove{From: shaC, To: shaD}, Covered: true}}}
	rng := plan.Range{To: shaB, Source: "github:push", Reason: "the push created the branch: no before commit", Policy: "fallback"}
	return runCase{name: "fallback", rng: rng, plan: p, sent: []ccu.Sent{accepted(0, b, "edcp-fb")}}
}

// covers is a plan whose purged CP code covers some of its URLs
// (cpcode_covers): the covered ones are left out, and the notes say so.
func covers() runCase {
	b1 := fast(purge.URL, "https://docs.example.com/a.html")
	b2 := fast(purge.CPCode, "12345")
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("dist/a.html", "dist/b.html", "src/layouts/base.astro"), Unmatched: []string{}, Ignored: []string{},
		Notes: []string{"2 URLs dropped: CP code 12345 (www.example.com) is purged in this plan",
			"1 URL on hosts no purged CP code is said to cover is sent (cpcode_covers names the hosts each CP code serves)"},
		Batches: []purge.Batch{b1, b2}}
	return runCase{name: "covers", rng: pushRange(), plan: p, sent: []ccu.Sent{accepted(0, b1, "edup-c1"), accepted(1, b2, "edcp-c2")}}
}

func partial() runCase {
	b1 := fast(purge.URL, url("index.html"), url("<b>&amp;|pipe.html"))
	b2 := fast(purge.CPCode, "5")
	b3 := fast(purge.Tag, "5")
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("index.html", "<b>&amp;|pipe.html"), Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b1, b2, b3}}
	refused := ccu.Sent{Batch: 1, Request: b2, Attempts: 1, Refused: true,
		Err: &ccu.APIError{Status: 403, Title: "Forbidden", Detail: "You don't have access to CP code 5", SupportID: "17PY-403"}}
	return runCase{name: "partial", rng: pushRange(), plan: p, sent: []ccu.Sent{accepted(0, b1, "edcp-1"), refused, accepted(2, b3, "edcp-3")}}
}

func bisected() runCase {
	b1 := fast(purge.URL, url("a.html"), url("b.html"), url("c.html"), url("bad.html"))
	b2 := fast(purge.URL, url("big/1.html"), url("big/2.html"))
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("a.html", "b.html", "c.html", "bad.html", "big/1.html", "big/2.html"),
		Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b1, b2}}
	bad := ccu.Sent{Batch: 0, Request: fast(purge.URL, url("bad.html")), Attempts: 1, Refused: true,
		Err: &ccu.APIError{Status: 400, Title: "Bad request", Detail: "Invalid URL: bad.html\nnot on a property of yours", SupportID: "17PY-400"}}
	big1 := accepted(1, fast(purge.URL, url("big/1.html")), "edcp-big1")
	big1.Attempts = 3 // accepted after two 503s
	sent := []ccu.Sent{
		accepted(0, fast(purge.URL, url("a.html"), url("b.html")), "edcp-ab"),
		accepted(0, fast(purge.URL, url("c.html")), "edcp-c"),
		bad,
		big1,
		accepted(1, fast(purge.URL, url("big/2.html")), "edcp-big2"),
	}
	// As ccu numbers them: a 400 split batch 1 in three, a 413 batch 2 in two.
	for i, part := range [][3]int{{1, 3, 400}, {2, 3, 400}, {3, 3, 400}, {1, 2, 413}, {2, 2, 413}} {
		sent[i].Part, sent[i].Parts, sent[i].SplitAfter = part[0], part[1], fmt.Sprintf("HTTP %d", part[2])
	}
	return runCase{name: "bisected", rng: pushRange(), plan: p, sent: sent}
}

func interrupted() runCase {
	b1 := fast(purge.URL, url("a.html"))
	b2 := fast(purge.URL, url("b.html"))
	b3 := fast(purge.URL, url("c.html"))
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("a.html", "b.html", "c.html"), Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b1, b2, b3}}
	return runCase{name: "interrupted", rng: pushRange(), plan: p, sent: []ccu.Sent{
		accepted(0, b1, "edcp-a"),
		{Batch: 1, Request: b2, Attempts: 1, Err: fmt.Errorf("interrupted: no answer, so whether it was applied is unknown: %w", errors.New("context canceled"))},
		{Batch: 2, Request: b3, Err: fmt.Errorf("interrupted: %w", errors.New("not sent: context canceled"))},
	}, status: map[int]string{0: "not confirmed: interrupted"}}
}

func beforePlanning() runCase {
	return runCase{name: "before-planning", stopped: errors.New(`open repository "/work/site": not a git repository:
run in a clone, or pass --repo`)}
}

func configErrors() runCase {
	var errs mapper.Errors
	for i := range 21 {
		errs = append(errs, &mapper.Error{File: "/work/site/.ccu-purge.yml", Line: i + 3, Col: 5, Msg: fmt.Sprintf("unknown key %q", fmt.Sprint("k", i))})
	}
	errs[1].File = "/elsewhere/.ccu-purge.yml"
	return runCase{name: "config-errors", stopped: errs, config: ".ccu-purge.yml"}
}

func notSent() runCase {
	b := fast(purge.URL, url("a.html"), url("b.html"))
	p := &plan.Plan{From: shaA, To: shaB, Changes: changed("a.html", "b.html"), Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b}}
	return runCase{name: "not-sent", rng: pushRange(), plan: p, stopped: errors.New(`section "staging" not found in /home/ci/.edgerc: pass --section`)}
}

func unmatched() runCase {
	b := fast(purge.URL, url("caf\xe9.html"), url("index.html"))
	changes := []diff.Change{
		{Status: diff.Modified, Path: "caf\xe9.html", PathBytes: []byte("caf\xe9.html")},
		{Status: diff.Renamed, Path: "docs/new.md", OldPath: "docs/old.md"},
		{Status: diff.Modified, Path: "index.html"},
		{Status: diff.Added, Path: "scripts/build\x1b.sh"},
	}
	p := &plan.Plan{From: shaA, To: shaB, Changes: changes,
		Unmatched: []string{"docs/new.md", "scripts/build\x1b.sh", "n\xffo.txt"}, UnmatchedBytes: [][]byte{nil, nil, []byte("n\xffo.txt")},
		Ignored: []string{"docs/old.md"}, Batches: []purge.Batch{b},
		Submodules: []plan.Submodule{
			{Path: "vendor/theme", SubmoduleMove: diff.SubmoduleMove{From: shaC, To: shaD}},
			{Path: "vendor/new", SubmoduleMove: diff.SubmoduleMove{To: shaD}},
		},
		Warnings: []string{"3 changed file(s) no rule covers: docs/new.md, scripts/build\x1b.sh, n\xffo.txt"}}
	return runCase{name: "unmatched", rng: pushRange(), plan: p, sent: []ccu.Sent{accepted(0, b, "edcp-u")}}
}

// explanations are explain's answers for a matched, an ignored, an
// unmatched and a rejected path.
func explanations() []mapper.Explanation {
	return []mapper.Explanation{
		{Path: "blog/post.html", Status: "matched", Rule: 2, RuleName: "blog", At: ".ccu-purge.yml:9:5", Pattern: "blog/**",
			Objects: []mapper.Object{{Kind: purge.URL, Value: url("blog/post.html")}, {Kind: purge.Tag, Value: "blog"}, {Kind: purge.CPCode, Value: "12345"}},
			Reason:  "rule 2 matches blog/**"},
		{Path: "README.md", Status: "ignored", At: ".ccu-purge.yml:3:5", Pattern: "*.md", Objects: []mapper.Object{}, Reason: "ignored by *.md"},
		{Path: "caf\xe9.txt", Status: "unmatched", Objects: []mapper.Object{}, Reason: "no rule matches"},
		{Path: "x.html", Status: "matched", Rule: 1, At: ".ccu-purge.yml:6:5", Objects: []mapper.Object{{Kind: purge.ARL, Value: "/L/1/12345/1d/www.example.com/x.html"}}, Reason: "rule 1 matches *.html"},
	}
}
