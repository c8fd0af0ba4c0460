package report

import (
	"fmt"
	"io"
	"math"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/ccu"
)

// Limits writes the account's Fast Purge rate buckets (the limits
// command): per purge type, the request bucket and the type's object
// bucket, each with what is left, its size, its refill and when it is
// full again.
func Limits(w io.Writer, ls []ccu.RateLimit) {
	if len(ls) == 0 {
		return // the call failed: its error says so
	}
	fmt.Fprintln(w, "Fast Purge rate limits, shared by every client of the account:")
	for _, l := range ls {
		fmt.Fprintf(w, "  %-7s requests %s\n", l.Type, bucket(l.Requests))
		fmt.Fprintf(w, "  %-7s objects  %s\n", "", bucket(l.Objects))
	}
}

// PacingFrom says, before a purge, which figures it paces from: the
// account's, read with ccu.RateLimits, and Akamai's published ones where
// that failed with err.
func PacingFrom(w io.Writer, ls []ccu.RateLimit, err error) {
	if err != nil {
		fmt.Fprintf(w, "Pacing from Akamai's published rate limits: could not %v.\n", err)
	}
	for _, l := range ls {
		fmt.Fprintf(w, "Pacing %s purges from the account's rate limits: %s of %s objects left (%s), %s of %s requests (%s).\n",
			l.Type, tokens(l.Objects.Remaining), tokens(l.Objects.Limit), rate(l.Objects.PerSecond),
			tokens(l.Requests.Remaining), tokens(l.Requests.Limit), rate(l.Requests.PerSecond))
	}
}

func bucket(b ccu.BucketStatus) string {
	full := "full"
	if b.SecondsToRefresh > 0 {
		full = "full in " + roundWait(time.Duration(b.SecondsToRefresh*float64(time.Second))).String()
	}
	return fmt.Sprintf("%5s of %s left, refills %s, %s", tokens(b.Remaining), tokens(b.Limit), rate(b.PerSecond), full)
}

// tokens prints a bucket's whole tokens: the API counts no fractions.
func tokens(f float64) string { return fmt.Sprintf("%.0f", math.Floor(f)) }

// rate prints a refill as Akamai's documentation states it: per second
// for the fast buckets, per minute for CP codes (30/min) and tags
// (500/min), whose per-second figures (0.50, 8.33) read as noise.
func rate(perSecond float64) string {
	if perSecond < 10 {
		return fmt.Sprintf("%.0f/min", perSecond*60)
	}
	return fmt.Sprintf("%.0f/s", perSecond)
}

// roundWait keeps a wait readable: whole seconds past a second (8m59s,
// not 8m59.221s), milliseconds below.
func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(time.Second)
	}
	return d.Round(time.Millisecond)
}
