package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/admin"
	"github.com/sagashop/sagashop/mq/remoting"
)

// Run prepares the topic, loads the broker as opts say and returns the
// figures. Every goroutine and connection it starts has ended when it
// returns. A Result is returned with ErrAllFailed, ErrNotDrained and
// ErrVerifyFailed too.
func Run(ctx context.Context, opts Options) (Result, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return Result{}, err
	}
	ac, err := admin.New(o.NamesrvAddrs)
	if err != nil {
		return Result{}, fmt.Errorf("bench: %w", err)
	}
	defer ac.Close()
	if err := prepareTopic(ctx, ac, &o); err != nil {
		return Result{}, err
	}
	r := &run{o: &o, res: Result{Options: o}}
	var h remoting.Handler
	switch {
	case o.Mode == Transaction:
		r.tx = newTxState(&o)
		h = remoting.HandlerFunc(r.tx.serve)
	case o.Mode.delayed():
		r.dl = newDelayState(&o)
	}
	var pconns, cconns []*remoting.Conn
	defer func() {
		for _, c := range append(pconns, cconns...) {
			c.Close()
			c.Wait()
		}
	}()
	if o.Mode != Consume {
		if pconns, err = dialAll(ctx, o.BrokerAddr, o.Conns, h); err != nil {
			return Result{}, err
		}
	}
	if o.consumes() {
		if cconns, err = dialAll(ctx, o.BrokerAddr, min(o.Conns, o.Queues), nil); err != nil {
			return Result{}, err
		}
	}
	switch {
	case o.Mode == Produce, o.Mode == Latency:
		err = r.produce(ctx, pconns)
	case o.Mode == Consume:
		err = r.consume(ctx, cconns)
	case o.Mode == Transaction:
		err = r.transaction(ctx, pconns, cconns)
	default: // Both, Delay, DelayBurst
		err = r.both(ctx, pconns, cconns)
	}
	return r.res, err
}

// run is the state of one Run.
type run struct {
	o     *Options
	res   Result
	start time.Time
	p     *producer
	c     *consumer
	tx    *txState    // Transaction mode
	dl    *delayState // Delay and DelayBurst modes
}

// attach lets the mode's state configure the producer and the consumer
// (nil when there is none) once r.start is set, before they start.
func (r *run) attach() {
	switch {
	case r.tx != nil:
		r.tx.attach(r.p, r.c)
	case r.dl != nil:
		r.dl.attach(r.p, r.c, r.start)
	}
}

// transaction registers the producer group, runs transactions (with a
// verifying consumer when asked) and checks what the consumer saw.
func (r *run) transaction(ctx context.Context, pconns, cconns []*remoting.Conn) error {
	if err := r.tx.heartbeat(ctx, pconns); err != nil {
		return err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	r.tx.keepRegistered(ctx, &wg, pconns, stop)
	var err error
	if r.o.Verify {
		err = r.both(ctx, pconns, cconns)
	} else {
		err = r.produce(ctx, pconns)
	}
	close(stop)
	wg.Wait()
	r.tx.setResult(&r.res)
	if err != nil {
		return err
	}
	return r.res.Transaction.verifyErr(r.res.Produced)
}

// watch runs the progress printer until stop is closed.
func (r *run) watch(wg *sync.WaitGroup, stop <-chan struct{}) {
	if r.o.Progress == nil {
		return
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Second)
		defer t.Stop()
		var lastP, lastC int64
		for {
			select {
			case <-stop:
				return
			case now := <-t.C:
				var p, c int64
				if r.p != nil {
					p = r.p.acked.Load()
				}
				if r.c != nil {
					c = r.c.consumed.Load()
				}
				fmt.Fprintf(r.o.Progress, "%5.0fs  produced %10d  %8d msg/s   consumed %10d  %8d msg/s\n",
					now.Sub(r.start).Seconds(), p, p-lastP, c, c-lastC)
				lastP, lastC = p, c
			}
		}
	}()
}

// sendUntilDone runs the producer: Duration sets its stop flag, and
// DrainTimeout later ctx is cancelled to abandon replies that never come.
func (r *run) sendUntilDone(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var expire <-chan time.Time
		if r.o.Duration > 0 {
			t := time.NewTimer(r.o.Duration)
			defer t.Stop()
			expire = t.C
		}
		select {
		case <-expire:
		case <-ctx.Done():
		case <-done:
			return
		}
		r.p.stop.Store(true)
		grace := time.NewTimer(r.o.DrainTimeout)
		defer grace.Stop()
		select {
		case <-grace.C:
			cancel()
		case <-done:
		}
	}()
	r.p.run(ctx)
	close(done)
	wg.Wait()
	r.res.setProduced(r.p, r.start)
}

func (r *run) produce(ctx context.Context, conns []*remoting.Conn) error {
	r.p = newProducer(r.o, conns)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	r.start = time.Now()
	r.attach()
	r.watch(&wg, stop)
	r.sendUntilDone(ctx)
	close(stop)
	wg.Wait()
	return r.res.err()
}

func (r *run) consume(ctx context.Context, conns []*remoting.Conn) error {
	start := make([]int64, r.o.Queues)
	ends, err := maxOffsets(ctx, conns[0], r.o.Topic, r.o.Queues)
	if err != nil {
		return err
	}
	if r.o.FromEnd {
		start = ends
	}
	var target []int64
	if r.o.Duration == 0 && r.o.Count == 0 {
		target = ends
		var backlog int64
		for q := range ends {
			backlog += ends[q] - start[q]
		}
		if backlog <= 0 {
			return fmt.Errorf("%w: topic %s has no messages past the start; produce first or give a duration", ErrNothingToConsume, r.o.Topic)
		}
	}
	r.c = newConsumer(r.o, conns, start)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	r.start = time.Now()
	r.watch(&wg, stop)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer cancel()
		deadline := time.Time{}
		if r.o.Duration > 0 {
			deadline = r.start.Add(r.o.Duration)
		}
		r.waitFor(cctx, deadline, func() bool {
			return (target != nil && r.c.reached(target)) || (r.o.Count > 0 && r.c.consumed.Load() >= r.o.Count)
		})
	}()
	r.c.run(cctx)
	close(stop)
	wg.Wait()
	r.res.setConsumed(r.c, r.start)
	if err := r.c.commit(ctx, conns[0]); err != nil {
		return err
	}
	if target != nil {
		r.res.Drained = r.c.reached(target)
	}
	return r.res.err()
}

func (r *run) both(ctx context.Context, pconns, cconns []*remoting.Conn) error {
	start, err := maxOffsets(ctx, cconns[0], r.o.Topic, r.o.Queues)
	if err != nil {
		return err
	}
	r.p = newProducer(r.o, pconns)
	r.c = newConsumer(r.o, cconns, start)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	r.start = time.Now()
	r.attach()
	r.watch(&wg, stop)
	wg.Add(1)
	go func() {
		defer wg.Done()
		r.c.run(cctx)
	}()
	r.sendUntilDone(ctx)
	r.res.LagAtProduceEnd = r.p.acked.Load() - r.c.consumed.Load()
	drainStart := time.Now()
	drainFor := r.o.DrainTimeout
	if r.dl != nil {
		drainFor += r.o.Delay // the last message is due a delay after it was parked
	}
	// The store may answer a send before its ConsumeQueue entry is
	// written, so the ends are at least the start plus what was acked.
	want := make([]int64, len(start))
	for q := range want {
		want[q] = start[q] + r.p.perQueue[q].Load()
	}
	target, err := maxOffsets(ctx, cconns[0], r.o.Topic, r.o.Queues)
	if err == nil {
		for q := range target {
			target[q] = max(target[q], want[q])
		}
		r.waitFor(cctx, drainStart.Add(drainFor), func() bool { return r.c.reached(target) })
		r.res.Drained = r.c.reached(target)
		r.res.DrainTime = time.Since(drainStart)
	}
	var ends []int64
	if err == nil && r.o.Mode != Both {
		// Anything past what was produced, once drained, is a message
		// stored twice (or another producer's).
		ends, err = maxOffsets(ctx, cconns[0], r.o.Topic, r.o.Queues)
	}
	for q := range ends {
		r.res.Extra += max(ends[q]-want[q], 0)
	}
	cancel()
	close(stop)
	wg.Wait()
	r.res.setConsumed(r.c, r.start)
	r.res.Lag = r.res.Produced - r.res.Consumed
	if r.dl != nil {
		r.dl.setResult(&r.res, r.p.lastAck)
	}
	if err != nil {
		return err
	}
	if err := r.c.commit(ctx, cconns[0]); err != nil {
		return err
	}
	if rerr := r.res.err(); rerr != nil {
		return rerr
	}
	if !r.res.Drained {
		return fmt.Errorf("%w in %v: lag %d", ErrNotDrained, drainFor, r.res.Lag)
	}
	return nil
}

// waitFor polls cond until it holds, the deadline (if set) passes or ctx
// ends.
func (r *run) waitFor(ctx context.Context, deadline time.Time, cond func() bool) {
	t := time.NewTicker(2 * time.Millisecond)
	defer t.Stop()
	for !cond() {
		if !deadline.IsZero() && time.Now().After(deadline) {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
