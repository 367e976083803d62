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

// sender does one unit of a producer goroutine's work: one send request,
// or a whole transaction. Each goroutine has its own, so a sender need not
// be safe for concurrent use.
type sender interface {
	// send does the work for n messages to queue, numbered from seq, and
	// returns how long the work took (what the latency histogram records)
	// and nil when the broker accepted all of them.
	send(ctx context.Context, c *remoting.Conn, queue, n int, seq uint64) (time.Duration, error)
	// close is called once when the goroutine ends, to merge what the
	// sender counted on its own.
	close()
}

// producer runs Conns × InFlight sending goroutines.
type producer struct {
	o      *Options
	conns  []*remoting.Conn
	prefix string
	qids   []string
	// newSender makes each goroutine's sender; default plain sends. Modes
	// replace it before the producer runs.
	newSender func() sender

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
	p.newSender = func() sender { return &plainSender{req: newSendRequest(p.o, p.qids, p.prefix, "", 0)} }
	return p
}

// plainSender sends SEND_MESSAGE or SEND_BATCH_MESSAGE requests.
type plainSender struct {
	req *sendRequest
}

func (s *plainSender) send(ctx context.Context, c *remoting.Conn, queue, n int, seq uint64) (time.Duration, error) {
	return invokeSend(ctx, c, s.req, queue, n, seq)
}

// invokeSend sends req prepared for n messages to queue and times it.
func invokeSend(ctx context.Context, c *remoting.Conn, req *sendRequest, queue, n int, seq uint64) (time.Duration, error) {
	start := time.Now()
	resp, err := c.Invoke(ctx, req.prepare(queue, n, start, seq))
	if err == nil {
		err = resp.Err()
	}
	return time.Since(start), err
}

func (s *plainSender) close() {}

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
		s       = p.newSender()
		lastAck time.Time
		err     error
	)
	defer func() {
		s.close()
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
		took, ierr := s.send(ctx, c, queue, int(n), p.seq.Add(1))
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
		h.record(took)
		lastAck = end
		p.requests.Add(1)
		p.acked.Add(n)
		p.perQueue[queue].Add(n)
	}
}
