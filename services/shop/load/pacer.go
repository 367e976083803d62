package load

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// pacer decides whether a buyer may place another order: before the
// deadline, within the order count and, with a rate, at evenly spaced
// slots (a token bucket holding one token).
type pacer struct {
	deadline time.Time // zero = none
	limit    int64     // 0 = none
	issued   atomic.Int64

	every time.Duration // 0 = no rate limit
	mu    sync.Mutex
	next  time.Time // the next free slot; guarded by mu
}

func newPacer(start time.Time, o Options) *pacer {
	p := &pacer{limit: int64(o.Orders), next: start}
	if o.Duration > 0 {
		p.deadline = start.Add(o.Duration)
	}
	if o.Rate > 0 {
		p.every = time.Duration(float64(time.Second) / o.Rate)
	}
	return p
}

// admit blocks until the caller may place an order, or reports false when
// the run is over for it (deadline, count or ctx).
func (p *pacer) admit(ctx context.Context) bool {
	if ctx.Err() != nil || p.over(time.Now()) {
		return false
	}
	if p.limit > 0 && p.issued.Add(1) > p.limit {
		return false
	}
	if p.every == 0 {
		return true
	}
	p.mu.Lock()
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	slot := p.next
	p.next = p.next.Add(p.every)
	p.mu.Unlock()
	if p.over(slot) {
		return false
	}
	t := time.NewTimer(time.Until(slot))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func (p *pacer) over(t time.Time) bool {
	return !p.deadline.IsZero() && !t.Before(p.deadline)
}
