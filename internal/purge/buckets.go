package purge

import (
	"math"
	"time"
)

// Bucket is one of Fast Purge's account-wide token buckets: it holds at
// most Burst tokens and refills at PerSecond.
type Bucket struct {
	Burst     float64
	PerSecond float64
}

// Buckets are the limits Fast Purge applies per account. A request takes a
// token from Requests and one per object from its kind's bucket.
type Buckets struct {
	Requests, URL, CPCode, Tag Bucket
}

// AkamaiBuckets are Akamai's published Fast Purge limits.
var AkamaiBuckets = Buckets{
	Requests: Bucket{Burst: 100, PerSecond: 50},
	URL:      Bucket{Burst: 10000, PerSecond: 200},
	CPCode:   Bucket{Burst: 300, PerSecond: 30.0 / 60},
	Tag:      Bucket{Burst: 5000, PerSecond: 500.0 / 60},
}

// For is the bucket objects of kind draw from (see Kind.Bucket).
func (b Buckets) For(kind Kind) Bucket {
	switch kind.Bucket() {
	case string(CPCode):
		return b.CPCode
	case string(Tag):
		return b.Tag
	}
	return b.URL
}

// Bucket names the rate bucket objects of kind draw from: "cpcode",
// "tag", else "url" (ARLs count as URLs).
func (k Kind) Bucket() string {
	if k == CPCode || k == Tag {
		return string(k)
	}
	return string(URL)
}

// Estimate is how long the buckets need to let these requests through,
// starting full: what a plan costs in time before any is sent.
func (b Buckets) Estimate(kind Kind, requests, objects int) time.Duration {
	secs := math.Max(over(b.Requests, requests), over(b.For(kind), objects))
	return time.Duration(secs * float64(time.Second))
}

func over(b Bucket, n int) float64 {
	if float64(n) <= b.Burst || b.PerSecond <= 0 {
		return 0
	}
	return (float64(n) - b.Burst) / b.PerSecond
}
