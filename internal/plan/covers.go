package plan

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ccu-purge/ccu-purge/internal/mapper"
	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// dropCovered leaves out the URLs whose host a CP code of objs is said
// (covers, from cpcode_covers) to serve: purging the CP code purges them
// too, and sending them costs requests and rate budget for nothing (an
// Astro range: 8,791 URLs in 18 requests besides the CP code). ARLs stay:
// an ARL names its own CP code, which may not be the one purged. A note
// says what was dropped, and how many URLs are still sent.
func (p *Plan) dropCovered(objs []mapper.Object, covers map[int64][]string) []mapper.Object {
	purged := purgedCovers(objs, covers)
	if len(purged) == 0 {
		return objs
	}
	dropped := make([]int, len(purged))
	sent := 0
	out := slices.DeleteFunc(slices.Clone(objs), func(o mapper.Object) bool {
		if o.Kind != purge.URL {
			return false
		}
		if i := coveredBy(purged, o.Value); i >= 0 {
			dropped[i]++
			return true
		}
		sent++
		return false
	})
	p.coverNotes(purged, dropped, sent)
	return out
}

// cover is a CP code the plan purges and the hosts it serves.
type cover struct {
	cpcode string
	hosts  []string
}

// purgedCovers are the CP codes of objs that covers names, in plan order.
func purgedCovers(objs []mapper.Object, covers map[int64][]string) []cover {
	var out []cover
	for _, o := range objs {
		if o.Kind != purge.CPCode {
			continue
		}
		cp, _ := strconv.ParseInt(o.Value, 10, 64)
		if hosts := covers[cp]; len(hosts) > 0 {
			out = append(out, cover{cpcode: o.Value, hosts: hosts})
		}
	}
	return out
}

// coveredBy is the index of the first cover serving u's host, or -1. The
// port is not compared: a CP code serves a host name.
func coveredBy(covers []cover, u string) int {
	parsed, err := url.Parse(u)
	if err != nil {
		return -1
	}
	host := parsed.Hostname()
	return slices.IndexFunc(covers, func(c cover) bool { return slices.Contains(c.hosts, host) })
}

func (p *Plan) coverNotes(purged []cover, dropped []int, sent int) {
	for i, c := range purged {
		if dropped[i] > 0 {
			p.Notes = append(p.Notes, fmt.Sprintf("%s dropped: CP code %s (%s) is purged in this plan", urlCount(dropped[i]), c.cpcode, strings.Join(c.hosts, ", ")))
		}
	}
	if sent > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf("%s on hosts no purged CP code is said to cover %s sent (cpcode_covers names the hosts each CP code serves)", urlCount(sent), plural(sent, "is", "are")))
	}
}

func urlCount(n int) string {
	return strconv.Itoa(n) + plural(n, " URL", " URLs")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
