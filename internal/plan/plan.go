// Package plan turns mapped objects into the batches that will be sent:
// threshold fallback, de-duplication, one object type per request, at most
// MaxObjects objects and MaxBodyBytes bytes of JSON each. The Plan is also
// the JSON document `ccu-purge plan --output json` prints.
package plan

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/diff"
	"github.com/ccu-purge/ccu-purge/internal/mapper"
)

// Limits of one purge request, from Akamai's documentation.
const (
	MaxObjects   = 500
	MaxBodyBytes = 50000
	// bodyOverhead bounds the JSON around the objects array in either API's
	// request body ({"objects":[…],"type":"arl","action":"invalidate",
	// "domain":"production"} is under 80 bytes); counting more than needed
	// keeps every body under the limit however the client formats it.
	bodyOverhead = 200
)

// Plan is everything a purge will do, and why.
type Plan struct {
	From      string        `json:"from"`
	To        string        `json:"to"`
	Changes   []diff.Change `json:"changes"`
	Unmatched []string      `json:"unmatched"`
	Ignored   []string      `json:"ignored"`
	Fallback  Fallback      `json:"fallback"`
	Batches   []Batch       `json:"batches"`
}

// Fallback records whether the threshold replaced URLs with CP codes.
type Fallback struct {
	Used   bool   `json:"used"`
	Reason string `json:"reason,omitempty"`
}

// Batch is one purge request.
type Batch struct {
	API     string   `json:"api"`             // fast-purge or ccu-v2
	Action  string   `json:"action"`          // invalidate or delete
	Network string   `json:"network"`         // production or staging
	Queue   string   `json:"queue,omitempty"` // ccu-v2 only
	Type    string   `json:"type"`            // url, arl or cpcode
	Objects []string `json:"objects"`
}

// Settings are the request settings every batch shares.
type Settings struct {
	API, Action, Network, Queue string
	Threshold                   int
	FallbackCPCodes             []int64
	MaxObjects                  int // 0 = MaxObjects
	// ForceFallback, when set, purges FallbackCPCodes whatever the count,
	// with this reason (the base commit is unknown, say).
	ForceFallback string
}

// Build makes the plan for changes mapped by res.
func Build(from, to string, changes []diff.Change, res mapper.Result, s Settings) *Plan {
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
	objects := res.Objects
	if s.ForceFallback != "" {
		objects = fallback(nil, s.FallbackCPCodes)
		p.Fallback = Fallback{Used: true, Reason: s.ForceFallback}
	} else if n := countURLs(objects); s.Threshold > 0 && n > s.Threshold {
		objects = fallback(objects, s.FallbackCPCodes)
		p.Fallback = Fallback{Used: true, Reason: fmt.Sprintf("%d URLs exceed threshold %d: purging CP codes %s instead", n, s.Threshold, joinInts(s.FallbackCPCodes))}
	}
	p.Batches = batches(objects, s)
	if p.Batches == nil {
		p.Batches = []Batch{}
	}
	return p
}

func countURLs(objs []mapper.Object) int {
	n := 0
	for _, o := range objs {
		if o.Kind == mapper.URL || o.Kind == mapper.ARL {
			n++
		}
	}
	return n
}

// fallback drops URLs and ARLs for the fallback CP codes, keeping the CP
// codes rules asked for.
func fallback(objs []mapper.Object, cpcodes []int64) []mapper.Object {
	var out []mapper.Object
	seen := map[mapper.Object]bool{}
	add := func(o mapper.Object) {
		if !seen[o] {
			seen[o] = true
			out = append(out, o)
		}
	}
	for _, cp := range cpcodes {
		add(mapper.Object{Kind: mapper.CPCode, Value: strconv.FormatInt(cp, 10)})
	}
	for _, o := range objs {
		if o.Kind == mapper.CPCode {
			add(o)
		}
	}
	return out
}

// batches groups objects by kind (url, arl, cpcode, in that order) and cuts
// each group by count and body size, keeping the objects' order.
func batches(objs []mapper.Object, s Settings) []Batch {
	limit := s.MaxObjects
	if limit <= 0 || limit > MaxObjects {
		limit = MaxObjects
	}
	var out []Batch
	for _, kind := range []mapper.Kind{mapper.URL, mapper.ARL, mapper.CPCode} {
		var cur *Batch
		size := 0
		for _, o := range objs {
			if o.Kind != kind {
				continue
			}
			n := encodedLen(o.Value) + 1 // the comma
			if cur == nil || len(cur.Objects) >= limit || size+n > MaxBodyBytes {
				out = append(out, s.batch(string(kind)))
				cur, size = &out[len(out)-1], bodyOverhead
			}
			cur.Objects = append(cur.Objects, o.Value)
			size += n
		}
	}
	return out
}

func (s Settings) batch(kind string) Batch {
	b := Batch{API: s.API, Action: s.Action, Network: s.Network, Type: kind}
	if s.API == mapper.APICCUv2 {
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
