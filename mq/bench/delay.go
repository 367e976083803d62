package bench

import (
	"context"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sagashop/sagashop/mq/message"
	"github.com/sagashop/sagashop/mq/remoting"
)

// propBenchDelay carries a delayed message's delay in milliseconds: the
// broker drops DELAY when it delivers, and with several burst levels the
// consumer could not tell otherwise when a message was due.
const propBenchDelay = "BENCH_DELAY_MS"

// delayState is what the goroutines of a Delay or DelayBurst run share:
// the levels and their schedule for the producer, and what the consumer
// recorded, per queue, so each queue's goroutine writes its own without
// locking.
type delayState struct {
	o       *Options
	steps   []DelayStep // longest delay first
	start   time.Time
	claimed atomic.Int64 // messages given a step so far
	prefix  string       // UNIQ_KEY prefix of this run's messages
	queues  []delayQueue

	mu       sync.Mutex   // guards parkedAt, merged as senders close
	parkedAt []parkWindow // per step: its first send to its last ack
}

// parkWindow is when a step's messages were sent: from the first send to
// the last acknowledgement, and how many were acknowledged.
type parkWindow struct {
	first, last time.Time
	n           int64
}

func (p *parkWindow) add(o parkWindow) {
	if o.n == 0 {
		return
	}
	if p.n == 0 || o.first.Before(p.first) {
		p.first = o.first
	}
	p.last = latest(p.last, o.last)
	p.n += o.n
}

// delayQueue is what the consumer saw on one queue.
type delayQueue struct {
	lateness  histogram // arrival − due, for deliveries at or after due
	restored  histogram // store timestamp of the delivered copy − due
	delivered int64
	early     int64 // arrived before born + delay
	foreign   int64 // not sent by this run
	minLate   time.Duration
	first     time.Time // first and last arrival
	last      time.Time
	firstDue  time.Time
	lastDue   time.Time
}

func newDelayState(o *Options) *delayState {
	d := &delayState{o: o, steps: o.BurstLevels, queues: make([]delayQueue, o.Queues)}
	if len(d.steps) == 0 {
		d.steps = []DelayStep{{Level: o.DelayLevel, Delay: o.Delay}}
	}
	d.parkedAt = make([]parkWindow, len(d.steps))
	for q := range d.queues {
		d.queues[q].minLate = math.MaxInt64
	}
	return d
}

// stepProps are the properties a step's messages carry before UNIQ_KEY.
func stepProps(st DelayStep) string {
	return message.PropDelayLevel + "\x01" + strconv.Itoa(st.Level) + "\x02" +
		propBenchDelay + "\x01" + strconv.FormatInt(st.Delay.Milliseconds(), 10) + "\x02"
}

// offset is when step i's messages start being sent, after the start:
// such that they fall due with the first step's.
func (d *delayState) offset(i int) time.Duration { return d.steps[0].Delay - d.steps[i].Delay }

// attach makes p send delayed messages and c measure their lateness;
// start is the start of the run.
func (d *delayState) attach(p *producer, c *consumer, start time.Time) {
	d.prefix, d.start = p.prefix, start
	p.newSender = func() sender {
		s := &delaySender{d: d, parked: make([]parkWindow, len(d.steps))}
		for _, st := range d.steps {
			s.reqs = append(s.reqs, newSendRequest(p.o, p.qids, p.prefix, stepProps(st), 0))
		}
		return s
	}
	c.inspect = d.inspect
}

// delaySender sends delayed messages, each step's share when its time
// has come.
type delaySender struct {
	d      *delayState
	reqs   []*sendRequest // per step
	parked []parkWindow   // per step
}

func (s *delaySender) send(ctx context.Context, c *remoting.Conn, queue, n int, seq uint64) (time.Duration, error) {
	i := 0
	if k := len(s.reqs); k > 1 {
		// Count > 0 here (options), and the producer claims no more.
		i = min(int(s.d.claimed.Add(1)-1)*k/int(s.d.o.Count), k-1)
		sleep(ctx, time.Until(s.d.start.Add(s.d.offset(i))))
	}
	start := time.Now()
	took, err := invokeSend(ctx, c, s.reqs[i], queue, n, seq)
	if err == nil {
		s.parked[i].add(parkWindow{first: start, last: start.Add(took), n: int64(n)})
	}
	return took, err
}

func (s *delaySender) close() {
	s.d.mu.Lock()
	defer s.d.mu.Unlock()
	for i, w := range s.parked {
		s.d.parkedAt[i].add(w)
	}
}

// inspect records one delivered message: its lateness is its arrival at
// the consumer minus its due time, born timestamp + its delay. The born
// timestamp has millisecond resolution, so lateness may be overstated by
// up to 1ms. The store timestamp of the delivered copy, also minus the
// due time, is the scheduler's part of it (when bench and broker share a
// clock).
func (d *delayState) inspect(q int, rec []byte, arrived time.Time) {
	dq := &d.queues[q]
	m, _, err := message.Decode(rec)
	uniq, _ := message.Property(m.Properties, message.PropUniqKey)
	if err != nil || d.prefix == "" || !strings.HasPrefix(uniq, d.prefix) {
		dq.foreign++
		return
	}
	delay := d.o.Delay
	if v, ok := message.Property(m.Properties, propBenchDelay); ok {
		if ms, err := strconv.ParseInt(v, 10, 64); err == nil {
			delay = time.Duration(ms) * time.Millisecond
		}
	}
	due := time.UnixMilli(m.BornTimestamp).Add(delay)
	late := arrived.Sub(due)
	dq.restored.record(time.UnixMilli(m.StoreTimestamp).Sub(due))
	dq.delivered++
	dq.minLate = min(dq.minLate, late)
	if late < 0 {
		dq.early++
	} else {
		dq.lateness.record(late)
	}
	if dq.first.IsZero() {
		dq.first, dq.firstDue, dq.lastDue = arrived, due, due
	}
	dq.last = arrived
	if due.Before(dq.firstDue) {
		dq.firstDue = due
	}
	if due.After(dq.lastDue) {
		dq.lastDue = due
	}
}

// setResult fills res.Delay once every goroutine has ended; lastAck is
// when the producer's last send was acknowledged.
func (d *delayState) setResult(res *Result, lastAck time.Time) {
	dr := DelayResult{Burst: d.o.Mode == DelayBurst}
	for i, st := range d.steps {
		w := d.parkedAt[i]
		bs := BurstStep{DelayStep: st, Start: d.offset(i), Parked: w.n}
		if w.n > 0 {
			bs.ParkTime = w.last.Sub(w.first)
		}
		dr.Steps = append(dr.Steps, bs)
	}
	var h, restored histogram
	var first, last, firstDue, lastDue time.Time
	for i := range d.queues {
		dq := &d.queues[i]
		dr.Delivered += dq.delivered
		dr.Early += dq.early
		dr.Foreign += dq.foreign
		h.merge(&dq.lateness)
		restored.merge(&dq.restored)
		if dq.delivered == 0 {
			continue
		}
		if first.IsZero() {
			first, last, firstDue, lastDue, dr.MinLateness = dq.first, dq.last, dq.firstDue, dq.lastDue, dq.minLate
		}
		first, last = earliest(first, dq.first), latest(last, dq.last)
		firstDue, lastDue = earliest(firstDue, dq.firstDue), latest(lastDue, dq.lastDue)
		dr.MinLateness = min(dr.MinLateness, dq.minLate)
	}
	dr.Lateness, dr.Restored = h.summary(), restored.summary()
	if dr.Delivered > 0 {
		dr.FirstDelivery, dr.LastDelivery = first.Sub(d.start), last.Sub(d.start)
		dr.FirstDue, dr.LastDue = firstDue.Sub(d.start), lastDue.Sub(d.start)
		dr.ParkedBeforeDue = !lastAck.IsZero() && lastAck.Before(firstDue)
	}
	res.Delay = dr
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
