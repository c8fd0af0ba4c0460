// Package plan turns mapped objects into the batches that will be sent:
// threshold fallback, de-duplication, one object type per request, at most
// purge.MaxObjects objects and purge.MaxBodyBytes bytes of JSON each. The Plan is also
// the JSON document `ccu-purge plan --output json` prints.
package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// bodyOverhead bounds the JSON around the objects array in either API's
// request body ({"objects":[…],"type":"arl","action":"invalidate",
// "domain":"production"} is under 80 bytes); counting more than needed
// keeps every body under the limit however the client formats it.
const bodyOverhead = 200

// Plan is everything a purge will do, and why.
type Plan struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	Changes   []diff.Change `json:"changes"`
	Unmatched []string      `json:"unmatched"`
	Ignored   []string      `json:"ignored"`
	// UnmatchedBytes and IgnoredBytes hold, when a name in Unmatched or
	// Ignored is not valid UTF-8, every name's bytes in the same order
	// (base64; null for a valid name): JSON prints each invalid byte as
	// U+FFFD, so two such files would read alike, as in Change.PathBytes.
	UnmatchedBytes [][]byte      `json:"unmatchedBytes,omitempty"`
	IgnoredBytes   [][]byte      `json:"ignoredBytes,omitempty"`
	Fallback       Fallback      `json:"fallback"`
	Batches        []purge.Batch `json:"batches"`
	// Submodules are the gitlinks the range changed that no ignore glob
	// drops: each one's files changed in another repository, which the
	// diff does not read, so the submodules policy decides (see submodules).
	Submodules []Submodule `json:"submodules,omitempty"`
	// Warnings are what CI should show without failing: unmatched files
	// under unmatched: warn, a threshold_share that could not be applied.
	Warnings []string `json:"warnings,omitempty"`
	// Notes say what the plan decided that changes no outcome: URLs left
	// out because a CP code the plan purges covers their host.
	Notes []string `json:"notes,omitempty"`
	// UnmatchedPolicy is the unmatched policy the plan applied: with
	// ignore, Unmatched still lists the files, but nothing warns of them.
	UnmatchedPolicy string `json:"-"`
	// Mode is "output" when the changes are the build output's files
	// whose hashes differ from the last purged build's manifest, "" for
	// the git diff; Output counts what the comparison found.
	Mode   string       `json:"mode,omitempty"`
	Output *OutputStats `json:"output,omitempty"`
	// Errors make the plan unusable (see Err): unmatched files under
	// unmatched: error, more objects than max_objects with no fallback.
	Errors []string `json:"errors,omitempty"`

	errs []error
}

// OutputStats are a build-output plan's counts: the files of the new
// build, and how they compare with the manifest of the commit that was
// last purged whole ("" on a first run).
type OutputStats struct {
	Dir       string `json:"dir"`
	Manifest  string `json:"manifest"`
	Commit    string `json:"manifestCommit"`
	Files     int    `json:"files"`
	Added     int    `json:"added"`
	Changed   int    `json:"changed"`
	Removed   int    `json:"removed"`
	Immutable int    `json:"immutable"`
}

// Range says which commits were compared and how they were chosen: the
// "range" of the plan's JSON document.
type Range struct {
	From   string `json:"from"` // full SHA, "" when the base was unknown
	To     string `json:"to"`
	Source string `json:"source"` // flags, state, github:push, gitlab:merge_request, jenkins…
	Reason string `json:"reason,omitempty"`
	Policy string `json:"policy,omitempty"` // the on_unknown_base policy that fired
}

// Fallback records whether the threshold replaced URLs with CP codes.
type Fallback struct {
	Used   bool   `json:"used"`
	Reason string `json:"reason,omitempty"`
}

// Submodule is a submodule the range moved, from which commit to which
// (a side is empty when it was added or removed).
type Submodule struct {
	Path string `json:"path"`
	diff.SubmoduleMove
	// Covered is true when the plan's fallback CP codes or tags purge its
	// files; false, they are not purged.
	Covered bool `json:"covered"`
}

// String says what moved, with short SHAs: submodule "public" moved from
// 1a2b3c4d5e6f to 6f5e4d3c2b1a.
func (m Submodule) String() string {
	switch {
	case m.From == "":
		return fmt.Sprintf("submodule %q was added at %.12s", m.Path, m.To)
	case m.To == "":
		return fmt.Sprintf("submodule %q was removed (it was at %.12s)", m.Path, m.From)
	}
	return fmt.Sprintf("submodule %q moved from %.12s to %.12s", m.Path, m.From, m.To)
}

// Settings are the request settings every batch shares.
type Settings struct {
	API             purge.API
	Action          purge.Action
	Network         purge.Network
	Queue           purge.Queue
	Threshold       int
	FallbackCPCodes []int64
	MaxObjects      int // 0 = MaxObjects
	// ForceFallback, when set, purges FallbackCPCodes whatever the count,
	// with this reason (the base commit is unknown, say).
	ForceFallback string
	// FallbackTags are cache tags purged on fallback, with FallbackCPCodes.
	FallbackTags []string
	// ThresholdShare falls back when the changed files a rule matched are
	// more than this share of SiteFiles (the files of the head commit);
	// 0, or SiteFiles 0 (unknown), never.
	ThresholdShare float64
	SiteFiles      int
	// MaxTotal is max_objects, a hard cap on the plan's objects: past it
	// the plan falls back if it can and fails (Err) if not. 0 = no cap.
	MaxTotal int
	// Unmatched is the unmatched policy: warn (""), error or ignore.
	Unmatched string
	// Submodules is the submodules policy: warn (""), cpcode or error.
	Submodules string
	// Timeout is the time budget of the purge (--timeout): a Fast Purge
	// plan the rate buckets cannot let through within it falls back to
	// FallbackCPCodes, or fails (Err). 0 = not checked (plan prints a plan
	// for no particular run).
	Timeout time.Duration
	// Buckets are the account's Fast Purge rate buckets the time budget is
	// measured against; nil = purge.AkamaiBuckets.
	Buckets *purge.Buckets
	// CPCodeCovers maps a CP code to the hosts it serves (cpcode_covers):
	// a plan that purges the CP code leaves out the URLs on those hosts.
	CPCodeCovers map[int64][]string
}

// SettingsOf is the config's settings for a plan; the caller adds what
// the command line decides (MaxObjects, Timeout) and the run finds out
// (SiteFiles, ForceFallback).
func SettingsOf(cfg *mapper.Config) Settings {
	return Settings{
		API: cfg.API, Action: cfg.Action, Network: cfg.Network, Queue: cfg.Queue,
		Threshold: cfg.Threshold, FallbackCPCodes: cfg.CPCodes, FallbackTags: cfg.Tags,
		ThresholdShare: cfg.ThresholdShare, MaxTotal: cfg.MaxObjects, Unmatched: cfg.Unmatched,
		Submodules: cfg.Submodules, CPCodeCovers: cfg.CPCodeCovers,
	}
}

// ErrUnmatched, ErrTooMany and ErrSubmodule are wrapped by Plan.Err.
var (
	ErrUnmatched = errors.New("changed files no rule covers")
	ErrTooMany   = errors.New("too many objects")
	ErrSubmodule = errors.New("a submodule moved")
)

// ErrTooLarge is wrapped by Plan.Err when an object cannot be sent even
// alone (see MaxObjectBytes).
var ErrTooLarge = errors.New("objects too large for any request")

// MaxObjectBytes is the most one object may take in JSON: a request of it
// alone must fit MaxBodyBytes with the body's other fields (bodyOverhead).
const MaxObjectBytes = purge.MaxBodyBytes - bodyOverhead - 1

// oversized fails the plan when an object cannot be sent even alone: the
// API would answer 413 however the batches were cut, and only the purge
// would find out. Saying so here makes plan and --dry-run refuse it too.
func (p *Plan) oversized(objs []mapper.Object) {
	var big []string
	for _, o := range objs {
		if n := encodedLen(o.Value); n > MaxObjectBytes {
			big = append(big, fmt.Sprintf("%s %q (%d bytes)", o.Kind, shorten(o.Value), n))
		}
	}
	if len(big) == 0 {
		return
	}
	if len(big) > 5 {
		big = append(big[:5], fmt.Sprintf("and %d more", len(big)-5))
	}
	p.fail(fmt.Errorf("%w: %s; one object may take at most %d bytes in JSON, since the API refuses a request over %d bytes: shorten the path or the template, or purge it by CP code or cache tag (a rule's cpcodes: or tags:)", ErrTooLarge, strings.Join(big, ", "), MaxObjectBytes, purge.MaxBodyBytes))
}

// shorten keeps an object's start and end, which name it, for a message.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= 100 {
		return s
	}
	return string(r[:70]) + "…" + string(r[len(r)-25:])
}

// RawNames is names' bytes, one per name (nil for a valid UTF-8 name),
// when any of them is not valid UTF-8; else nil.
func RawNames(names []string) [][]byte {
	var out [][]byte
	for i, n := range names {
		if utf8.ValidString(n) {
			continue
		}
		if out == nil {
			out = make([][]byte, len(names))
		}
		out[i] = []byte(n)
	}
	return out
}

// Build makes the plan for changes mapped by res. A plan that must not be
// sent (see Err) is still complete, so it can be printed with its reasons.
// A plan the API cannot take whole (see budget) fails, or is made again
// with the fallback CP codes, so plan, --dry-run and purge agree on it.
func Build(from, to string, changes []diff.Change, res mapper.Result, s Settings) *Plan {
	p := build(from, to, changes, res, s)
	fallback, err := s.budget(p)
	switch {
	case err != nil:
		p.fail(err)
	case fallback != "":
		s.ForceFallback = fallback
		return build(from, to, changes, res, s)
	}
	return p
}

// build is Build without the budget check.
func build(from, to string, changes []diff.Change, res mapper.Result, s Settings) *Plan {
	p := &Plan{From: from, To: to, Changes: changes, Unmatched: res.Unmatched, Ignored: res.Ignored}
	if p.Changes == nil {
		p.Changes = []diff.Change{}
	}
	if p.Unmatched == nil {
		p.Unmatched = []string{}
	}
	if p.Ignored == nil {
		p.Ignored = []string{}
	}
	p.UnmatchedBytes, p.IgnoredBytes = RawNames(p.Unmatched), RawNames(p.Ignored)
	p.submodules(changes, res)
	p.UnmatchedPolicy = s.Unmatched
	p.unmatched(s.Unmatched)
	objects := res.Objects
	if s.ForceFallback != "" {
		objects = fallback(nil, s.FallbackCPCodes, s.FallbackTags)
		p.Fallback = Fallback{Used: true, Reason: s.ForceFallback}
	} else if reason := s.fallbackReason(res, p.Submodules); reason != "" {
		objects = fallback(objects, s.FallbackCPCodes, s.FallbackTags)
		p.Fallback = Fallback{Used: true, Reason: reason + ": purging " + s.fallbackWhat() + " instead"}
	}
	p.submodulePolicy(s)
	objects = p.dropCovered(objects, s.CPCodeCovers)
	if s.ThresholdShare > 0 && s.SiteFiles <= 0 {
		p.Warnings = append(p.Warnings, fmt.Sprintf("threshold_share %s is not applied: the number of the site's files is unknown", percent(s.ThresholdShare)))
	}
	if n := len(objects); s.MaxTotal > 0 && n > s.MaxTotal {
		p.fail(fmt.Errorf("%w: %d objects exceed max_objects %d and there is no fallback: add cpcodes: or tags: to the config, or raise max_objects", ErrTooMany, n, s.MaxTotal))
	}
	p.oversized(objects)
	p.Batches = batches(objects, s)
	if p.Batches == nil {
		p.Batches = []purge.Batch{}
	}
	return p
}

// fallbackReason says which limit fired, with the numbers, or "".
func (s Settings) fallbackReason(res mapper.Result, subs []Submodule) string {
	hasFallback := len(s.FallbackCPCodes)+len(s.FallbackTags) > 0
	n := countURLs(res.Objects)
	matched := countMatched(res)
	switch {
	case len(subs) > 0 && s.Submodules == mapper.SubmodulesCPCode && hasFallback:
		return submoduleList(subs) + ", and submodules is cpcode"
	case s.Threshold > 0 && n > s.Threshold:
		return fmt.Sprintf("%d URLs exceed threshold %d", n, s.Threshold)
	case s.ThresholdShare > 0 && s.SiteFiles > 0 && float64(matched) > s.ThresholdShare*float64(s.SiteFiles):
		return fmt.Sprintf("%d changed files of %d in the site (%s) exceed threshold_share %s", matched, s.SiteFiles, percent(float64(matched)/float64(s.SiteFiles)), percent(s.ThresholdShare))
	case s.MaxTotal > 0 && len(res.Objects) > s.MaxTotal && hasFallback:
		return fmt.Sprintf("%d objects exceed max_objects %d", len(res.Objects), s.MaxTotal)
	}
	return ""
}

func (s Settings) fallbackWhat() string {
	var parts []string
	if len(s.FallbackCPCodes) > 0 {
		parts = append(parts, "CP codes "+joinInts(s.FallbackCPCodes))
	}
	if len(s.FallbackTags) > 0 {
		parts = append(parts, "cache tags "+strings.Join(s.FallbackTags, ", "))
	}
	if len(parts) == 0 {
		return "nothing (no cpcodes or tags are configured)"
	}
	return strings.Join(parts, " and ")
}

// percent writes a share for a person: rounded to one decimal (1/3 is
// 33.3%, 0.25 is 25%), and, below 0.05%, to one significant digit, so a
// share above zero never reads as 0%.
func percent(f float64) string {
	r := math.Round(f*1000) / 10
	if r == 0 && f > 0 {
		return strconv.FormatFloat(f*100, 'g', 1, 64) + "%"
	}
	return strconv.FormatFloat(r, 'f', -1, 64) + "%"
}

// countMatched is the number of paths a rule took (not ignored, not
// rejected): the changed share of the site.
func countMatched(res mapper.Result) int {
	n := 0
	for _, m := range res.Matches {
		if m.Rule > 0 && !m.Ignored && m.Rejected == "" {
			n++
		}
	}
	return n
}

// submodules lists the gitlink changes no ignore glob drops, and takes
// them out of Unmatched: a submodule at a path no rule covers ("public"
// itself, when public/ is the submodule) is not a forgotten file but a
// folder whose files the diff cannot see, which the submodules policy
// decides. An ignored gitlink stays ignored: the config said so.
func (p *Plan) submodules(changes []diff.Change, res mapper.Result) {
	gitlinks := map[string]bool{}
	for _, c := range changes {
		if c.Submodule != nil && !slices.Contains(res.Ignored, c.Path) {
			p.Submodules = append(p.Submodules, Submodule{Path: c.Path, SubmoduleMove: *c.Submodule})
			gitlinks[c.Path] = true
		}
	}
	if len(gitlinks) == 0 {
		return
	}
	files := []string{}
	for _, u := range p.Unmatched {
		if !gitlinks[u] {
			files = append(files, u)
		}
	}
	p.Unmatched = files
}

// submodulePolicy applies the submodules policy once the fallback is
// decided: error fails the plan whatever else it does; a fallback (for
// whatever reason) covers every submodule; otherwise warn (or cpcode
// without anything to fall back to) says what is not purged.
func (p *Plan) submodulePolicy(s Settings) {
	if len(p.Submodules) == 0 {
		return
	}
	list := submoduleList(p.Submodules)
	const why = "the files it serves changed in the submodule's own repository, which the diff does not read"
	if s.Submodules == mapper.SubmodulesError {
		p.fail(fmt.Errorf("%w (submodules: error): %s: %s; set submodules: cpcode with cpcodes: to purge the CP codes instead, add its path to ignore: if it serves nothing, or set submodules: warn", ErrSubmodule, list, why))
		return
	}
	if p.Fallback.Used {
		for i := range p.Submodules {
			p.Submodules[i].Covered = true
		}
		return
	}
	p.Warnings = append(p.Warnings, fmt.Sprintf("%s, so its files are not purged: %s; set submodules: cpcode with cpcodes: to purge the CP codes instead, or add its path to ignore: if it serves nothing", list, why))
}

// submoduleList says which submodules moved, from which commit to which.
func submoduleList(subs []Submodule) string {
	parts := make([]string, len(subs))
	for i, m := range subs {
		parts[i] = m.String()
	}
	return strings.Join(parts, "; ")
}

// unmatched applies the unmatched policy.
func (p *Plan) unmatched(policy string) {
	if len(p.Unmatched) == 0 || policy == mapper.UnmatchedIgnore {
		return
	}
	list := fmt.Sprintf("%d changed file(s) no rule covers, so not purged: %s", len(p.Unmatched), quoteList(p.Unmatched))
	if policy == mapper.UnmatchedError {
		p.fail(fmt.Errorf("%w (unmatched: error): %s; add a rule or an ignore glob for them", ErrUnmatched, list))
		return
	}
	p.Warnings = append(p.Warnings, list)
}

func (p *Plan) fail(err error) {
	p.errs = append(p.errs, err)
	p.Errors = append(p.Errors, err.Error())
}

// Err is why the plan must not be sent (exit 2), or nil; it wraps
// ErrUnmatched, ErrTooMany or ErrSubmodule, or says which budget the plan
// exceeds (see budget).
func (p *Plan) Err() error { return errors.Join(p.errs...) }

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = strconv.Quote(x)
	}
	return strings.Join(q, ", ")
}

func countURLs(objs []mapper.Object) int {
	n := 0
	for _, o := range objs {
		if o.Kind.IsURL() {
			n++
		}
	}
	return n
}

// fallback drops URLs and ARLs for the fallback CP codes and tags,
// keeping the CP codes and tags rules asked for.
func fallback(objs []mapper.Object, cpcodes []int64, tags []string) []mapper.Object {
	var out []mapper.Object
	seen := map[mapper.Object]bool{}
	add := func(o mapper.Object) {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	for _, cp := range cpcodes {
		add(mapper.Object{Kind: purge.CPCode, Value: strconv.FormatInt(cp, 10)})
	}
	for _, t := range tags {
		add(mapper.Object{Kind: purge.Tag, Value: t})
	}
	for _, o := range objs {
		if o.Kind == purge.CPCode || o.Kind == purge.Tag {
			add(o)
		}
	}
	return out
}

// batches groups objects by kind (url, arl, cpcode, tag, in that order) and cuts
// each group by count and body size, keeping the objects' order.
func batches(objs []mapper.Object, s Settings) []purge.Batch {
	limit := s.MaxObjects
	if limit <= 0 || limit > purge.MaxObjects {
		limit = purge.MaxObjects
	}
	var out []purge.Batch
	for _, kind := range purge.Kinds {
		per := limit
		if kind == purge.CPCode && s.API == purge.FastPurge {
			per = min(per, purge.MaxFastPurgeCPCodes)
		}
		var cur *purge.Batch
		size := 0
		for _, o := range objs {
			if o.Kind != kind {
				continue
			}
			n := encodedLen(o.Value) + 1 // the comma
			if cur == nil || len(cur.Objects) >= per || size+n > purge.MaxBodyBytes {
				out = append(out, s.batch(kind))
				cur, size = &out[len(out)-1], bodyOverhead
			}
			cur.Objects = append(cur.Objects, o.Value)
			size += n
		}
	}
	return out
}

func (s Settings) batch(kind purge.Kind) purge.Batch {
	b := purge.Batch{API: s.API, Action: s.Action, Network: s.Network, Type: kind}
	if s.API == purge.CCUv2 {
		b.Queue = s.Queue
	}
	return b
}

// encodedLen is the length of s as a JSON string, as encoding/json writes
// it (HTML characters escaped), so the byte limit is never underestimated.
func encodedLen(s string) int {
	b, _ := json.Marshal(s)
	return len(b)
}

func joinInts(xs []int64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.FormatInt(x, 10)
	}
	return strings.Join(parts, ", ")
}

// ObjectCount is the number of objects across all batches.
func (p *Plan) ObjectCount() int {
	n := 0
	for _, b := range p.Batches {
		n += len(b.Objects)
	}
	return n
}
