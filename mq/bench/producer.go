package bench

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// producer runs Conns × InFlight sending goroutines.
type producer struct {
	o      *Options
	conns  []*remoting.Conn
	prefix string
	qids   []string

	stop     atomic.Bool  // no new sends once set
	reserved atomic.Int64 // messages claimed, against Count
	rr       atomic.Uint64
	seq      atomic.Uint64
	acked    atomic.Int64   // messages acknowledged SUCCESS
	requests atomic.Int64   // requests acknowledged SUCCESS
	errs     atomic.Int64   // failed requests
	perQueue []atomic.Int64 // messages acknowledged, per queue

	mu       sync.Mutex // guards the fields below, merged as workers end
	hist     histogram
	lastAck  time.Time
	firstErr error
}

func newProducer(o *Options, conns []*remoting.Conn) *producer {
	p := &producer{o: o, conns: conns, prefix: uniqPrefix(), perQueue: make([]atomic.Int64, o.Queues)}
	for q := range o.Queues {
		p.qids = append(p.qids, strconv.Itoa(q))
	}
	return p
}

// run sends until stop is set, Count is reached or ctx ends, and returns
// once every request in flight is answered.
func (p *producer) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, c := range p.conns {
		for range p.o.InFlight {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.worker(ctx, c)
			}()
		}
	}
	wg.Wait()
}

func (p *producer) worker(ctx context.Context, c *remoting.Conn) {
	var (
		h       = new(histogram)
		req     = newSendRequest(p.o, p.qids, p.prefix)
		lastAck time.Time
		err     error
	)
	defer func() {
		p.mu.Lock()
		p.hist.merge(h)
		if lastAck.After(p.lastAck) {
			p.lastAck = lastAck
		}
		if p.firstErr == nil && err != nil {
			p.firstErr = err
		}
		p.mu.Unlock()
	}()
	batch := int64(p.o.Batch)
	for !p.stop.Load() && ctx.Err() == nil {
		n := batch
		if p.o.Count > 0 {
			before := p.reserved.Add(batch) - batch
			if before >= p.o.Count {
				return
			}
			n = min(batch, p.o.Count-before)
		}
		queue := int(p.rr.Add(1) % uint64(len(p.qids)))
		start := time.Now()
		cmd := req.prepare(queue, int(n), start, p.seq.Add(1))
		resp, ierr := c.Invoke(ctx, cmd)
		if ierr == nil {
			ierr = resp.Err()
		}
		end := time.Now()
		if ierr != nil {
			p.errs.Add(1)
			if err == nil {
				err = ierr
			}
			if errors.Is(ierr, remoting.ErrConnClosed) || ctx.Err() != nil {
				return
			}
			continue
		}
		h.record(end.Sub(start))
		lastAck = end
		p.requests.Add(1)
		p.acked.Add(n)
		p.perQueue[queue].Add(n)
	}
}
