package report

import (
	"github.com/ccu-purge/ccu-purge/internal/ccu"
	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/plan"
	"github.com/ccu-purge/ccu-purge/internal/purge"
	"github.com/ccu-purge/ccu-purge/internal/verify"
)

// The verification cases: one purge (three URLs and a tag, invalidated),
// then what verify found, built from literals as the verify package
// returns them.

func verifyCases() []runCase {
	return []runCase{
		verifiedRun("verify-fresh", "all", "warn", freshContent(url("index.html")), freshContent(url("about/")), freshContent(url("css/site.css"))),
		verifiedRun("verify-trap", "10%", "warn", freshContent(url("index.html")), trapped(url("about/"))),
		verifiedRun("verify-trap-fail", "10%", "fail", freshContent(url("index.html")), trapped(url("about/"))),
		verifiedRun("verify-origin-lag", "all", "warn", originLag(url("css/site.css")), freshContent(url("index.html"))),
		verifiedRun("verify-unknown", "1", "fail", noEvidence(url("index.html"))),
		verifiedRun("verify-deleted", "all", "fail", freshContent(url("index.html")), goneFresh(url("old.html"))),
	}
}

// verifiedRun is the purge of the case "success" (without its CCU v2 batch)
// verified with results.
func verifiedRun(name, sample, onStale string, results ...verify.Result) runCase {
	b1 := fast(purge.URL, url("index.html"), url("about/"), url("css/site.css"), url("old.html"))
	b2 := fast(purge.Tag, "blog")
	changes := append(changed("index.html", "about/index.html", "css/site.css"), diff.Change{Status: diff.Deleted, Path: "old.html"})
	p := &plan.Plan{From: shaA, To: shaB, Changes: changes, Unmatched: []string{}, Ignored: []string{}, Batches: []purge.Batch{b1, b2}}
	v := &verify.Verification{Summary: verify.Summarize(results, 4), Sample: sample, OnStale: onStale, Results: results}
	return runCase{name: name, rng: pushRange(), plan: p, sent: []ccu.Sent{accepted(0, b1, "edcp-v1"), accepted(1, b2, "edcp-v2")},
		verify: v, acceptedAt: "2026-12-02T05:00:00Z"}
}

func freshContent(u string) verify.Result {
	return verify.Result{URL: u, Result: verify.Fresh, Attempts: 1, Seconds: 0.12, Batch: 1,
		Checks:   []verify.Check{{Name: verify.CheckContent, Result: verify.Fresh}, {Name: verify.CheckCache, Result: verify.Fresh, Detail: "TCP_MISS"}},
		Evidence: verify.Evidence{Status: 200, XCache: "TCP_MISS from a23-1-2-3.deploy.akamaitechnologies.com", BodySHA256: "aa11", WantSHA256: "aa11", FirstDiff: -1}}
}

// trapped is the invalidate trap: the bytes changed, Last-Modified did
// not, so the edge's revalidation kept its copy.
func trapped(u string) verify.Result {
	return verify.Result{URL: u, Result: verify.Stale, Attempts: 5, Seconds: 60, Batch: 1, Source: "about/index.html",
		Checks: []verify.Check{{Name: verify.CheckContent, Result: verify.Stale, Detail: "differs from the deployed file at byte 118"},
			{Name: verify.CheckOrigin, Result: verify.Fresh, Detail: "the origin serves the deployed file"},
			{Name: verify.CheckCache, Result: verify.Stale, Detail: "TCP_IMS_HIT: revalidated, kept"}},
		Evidence: verify.Evidence{Status: 200, XCache: "TCP_IMS_HIT from a23-1-2-3.deploy.akamaitechnologies.com (AkamaiGHost/22.1.0)",
			CacheKey: "S/L/1234/567890/1d/www.example.com/about/", CPCode: 567890, RequestID: "3a1b2c", Age: 7200,
			ETag: `"old|etag"`, LastModified: "Mon, 30 Nov 2026 10:00:00 GMT", ContentLength: 5120, BodySHA256: "bb22", WantSHA256: "cc33", FirstDiff: 118,
			OriginStatus: 200, OriginLastModified: "Mon, 30 Nov 2026 10:00:00 GMT", OriginSHA256: "cc33"},
		Diagnosis: "stale after an invalidate: the origin's Last-Modified did not change, so the edge revalidated and kept its old copy",
		Hint:      "purge with action: delete, or make the origin send a new Last-Modified when a file changes"}
}

func originLag(u string) verify.Result {
	return verify.Result{URL: u, Result: verify.Stale, Attempts: 4, Seconds: 31.46, Batch: 1,
		Checks: []verify.Check{{Name: verify.CheckContent, Result: verify.Stale}, {Name: verify.CheckOrigin, Result: verify.Stale, Detail: "the origin serves the old file too"}},
		Evidence: verify.Evidence{Status: 200, XCache: "TCP_MISS", BodySHA256: "dd44", WantSHA256: "ee55", FirstDiff: 0,
			OriginStatus: 200, OriginSHA256: "dd44"},
		Diagnosis: "the origin is not updated yet: it serves the same old file as the edge",
		Hint:      "deploy to the origin before purging, or wait for it with --delay 30s"}
}

func noEvidence(u string) verify.Result {
	return verify.Result{URL: u, Result: verify.Unknown, Attempts: 1, Seconds: 0.2, Batch: 1,
		Checks:    []verify.Check{{Name: verify.CheckStatus, Result: verify.Unknown, Detail: "200"}},
		Evidence:  verify.Evidence{Status: 200, FirstDiff: -1},
		Diagnosis: "no check could decide: no deployed file to compare, no origin, no debug headers in the answer",
		Hint:      "pass --site-dir DIR, set verify.origin, or give the property's Enhanced Debug key"}
}

func goneFresh(u string) verify.Result {
	return verify.Result{URL: u, Result: verify.Fresh, Attempts: 2, Seconds: 5.05, Batch: 1,
		Checks:   []verify.Check{{Name: verify.CheckStatus, Result: verify.Fresh, Detail: "404 for a deleted file"}},
		Evidence: verify.Evidence{Status: 404, XCache: "TCP_MISS", FirstDiff: -1}}
}
