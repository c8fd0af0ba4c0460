package ccu

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ccu-purge/ccu-purge/internal/purge"
)

// Absurd X-Ratelimit-* figures are ignored: "-Inf" and "-1e12" made the
// pacer's wait overflow into a negative duration, so it spun on one core
// until the budget ended and the later batches were never sent; "NaN"
// turned pacing off. With a request bucket of 1 refilled 10 times a
// second, four requests take about 300 ms, whatever the headers say.
func TestSubmitAbsurdRateLimitHeaders(t *testing.T) {
	for _, v := range []string{"-Inf", "-1e12", "-1", "NaN", "+Inf", "1e400", " 5 "} {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewTLSServer(accept201(http.Header{"X-Ratelimit-Remaining": {v}, "X-Ratelimit-Remaining-Objects": {v}}))
			defer srv.Close()
			c := stubClient(t, hostOf(srv), srv)
			// A budget far above 300 ms: a stuck pacer spends it all, and a
			// loaded machine's TLS handshakes do not come near it.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			o := fast
			o.Concurrency = 1
			o.Buckets = &purge.Buckets{Requests: purge.Bucket{Burst: 1, PerSecond: 10}, URL: purge.AkamaiBuckets.URL, CPCode: purge.AkamaiBuckets.CPCode, Tag: purge.AkamaiBuckets.Tag}
			var batches []purge.Batch
			for i := range 4 {
				batches = append(batches, urlBatch(2, fmt.Sprint("b", i)))
			}
			began := time.Now()
			sent := c.Submit(ctx, batches, o)
			took := time.Since(began)
			for _, s := range sent {
				if s.Err != nil {
					t.Errorf("batch %d: %v", s.Batch, s.Err)
				}
			}
			if took < 250*time.Millisecond || took > 10*time.Second {
				t.Errorf("4 requests through a 1-token bucket at 10/s took %v, want about 300ms (pacing %s)", took, map[bool]string{true: "off", false: "stuck"}[took < 250*time.Millisecond])
			}
		})
	}
}

// The pacer's own figures stay finite and at least 0 whatever a header
// says, and every wait it computes is a usable duration.
func TestPacerIgnoresAbsurdFigures(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, v := range []string{"-Inf", "-1e12", "-0.5", "NaN", "nan", "Inf", "1e400", "0x10", ""} {
		p := newPacer(purge.AkamaiBuckets, func() time.Time { return at })
		p.observe("url", http.Header{"X-Ratelimit-Remaining": {v}, "X-Ratelimit-Remaining-Objects": {v}})
		for k, b := range p.buckets {
			if b.have != b.Burst {
				t.Errorf("header %q: bucket %s holds %v, want it untouched (%v)", v, k, b.have, b.Burst)
			}
		}
	}
	for _, tc := range []struct {
		secs float64
		want time.Duration
	}{{-1, 0}, {0, 0}, {1.5, 1500 * time.Millisecond}, {1e12, maxWait}, {1e300, maxWait}, {nan(), 0}} {
		if got := seconds(tc.secs); got != tc.want {
			t.Errorf("seconds(%v) = %v, want %v", tc.secs, got, tc.want)
		}
	}
}

func nan() float64 { var z float64; return z / z }

// estimatedSeconds and pingAfterSeconds are kept within [0, a day]: a
// huge one overflowed time.Duration into a negative wait, so --wait said
// Done at once; a negative one is nothing to wait for.
func TestAnswerSecondsClamped(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		body      string
		est, ping int
	}{
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":10000000000,"pingAfterSeconds":9223372036854775807}`, maxAnswerSeconds, maxAnswerSeconds},
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":-5,"pingAfterSeconds":-9223372036854775808}`, 0, 0},
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":420,"pingAfterSeconds":60}`, 420, 60},
		// Any JSON number, not only an int's literal: read as an int, these
		// failed, the figure was 0 and --wait did not wait at all.
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":1e10,"pingAfterSeconds":99999999999999999999}`, maxAnswerSeconds, maxAnswerSeconds},
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":1e400,"pingAfterSeconds":-1e400}`, maxAnswerSeconds, 0},
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":4.2e2,"pingAfterSeconds":0.5}`, 420, 1},
		{`{"httpStatus":201,"purgeId":"p","estimatedSeconds":"600","pingAfterSeconds":true}`, 0, 0},
	} {
		r, err := accepted(&http.Response{StatusCode: 201, Header: http.Header{}}, []byte(tc.body))
		if err != nil || r.EstimatedSeconds != tc.est || r.PingAfterSeconds != tc.ping {
			t.Errorf("%s: estimated %d ping %d (%v), want %d and %d", tc.body, r.EstimatedSeconds, r.PingAfterSeconds, err, tc.est, tc.ping)
		}
	}
}
