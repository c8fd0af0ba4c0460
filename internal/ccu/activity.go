package ccu

import (
	"sync"
	"time"
)

// Activity is what a submission's requests wait for, for a status line:
// the latest wait for a rate bucket (OnPace) and the requests out for an
// answer (OnAsk). Its methods may be called from any goroutine; the
// caller says the time, so it can be tested with literals.
type Activity struct {
	mu     sync.Mutex
	bucket string
	until  time.Time
	next   int
	out    map[int]asked // requests out, by ask number
}

type asked struct {
	batch int
	at    time.Time
}

// Waiting is what the requests wait for at one moment.
type Waiting struct {
	Bucket string        // the rate bucket a request waits for, "" for none
	Refill time.Duration // until it holds enough
	Batch  int           // the plan batch whose request has waited longest for an answer
	Answer time.Duration // how long it has waited; 0 with no request out
}

// Paced records e, seen at now: OnPace's work.
func (a *Activity) Paced(e PaceEvent, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.bucket, a.until = e.Bucket, now.Add(e.Wait)
}

// Asked records that batch's request went out at now, until answered is
// called: OnAsk's work.
func (a *Activity) Asked(batch int, now time.Time) (answered func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.out == nil {
		a.out = map[int]asked{}
	}
	id := a.next
	a.next++
	a.out[id] = asked{batch, now}
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(a.out, id)
	}
}

// At is what the requests wait for at now.
func (a *Activity) At(now time.Time) Waiting {
	a.mu.Lock()
	defer a.mu.Unlock()
	var w Waiting
	if now.Before(a.until) {
		w.Bucket, w.Refill = a.bucket, a.until.Sub(now)
	}
	for _, q := range a.out {
		if d := now.Sub(q.at); d > w.Answer || d == w.Answer && q.batch < w.Batch {
			w.Batch, w.Answer = q.batch, d
		}
	}
	return w
}
