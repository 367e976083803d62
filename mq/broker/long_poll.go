package broker

import (
	"sync"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

type queueKey struct {
	topic   string
	queueID int32
}

// heldPull is a pull parked until a message arrives or its timer fires.
type heldPull struct {
	conn  *remoting.Conn
	req   *remoting.Command
	p     pullRequest
	key   queueKey
	timer *time.Timer
	done  bool // guarded by longPoll.mu
}

// longPoll parks pulls that found nothing. The store reports every
// message made visible through notify; a held pull whose queue grew past
// its offset with a matching tag is answered at once by the run
// goroutine, and otherwise by its timer.
type longPoll struct {
	b *Broker

	mu    sync.Mutex
	held  map[queueKey][]*heldPull
	ready []*heldPull
	wake  chan struct{}
}

func newLongPoll(b *Broker) *longPoll {
	return &longPoll{b: b, held: map[queueKey][]*heldPull{}, wake: make(chan struct{}, 1)}
}

func (lp *longPoll) hold(c *remoting.Conn, req *remoting.Command, p pullRequest, timeout time.Duration) {
	h := &heldPull{conn: c, req: req, p: p, key: queueKey{p.topic, p.queueID}}
	lp.mu.Lock()
	lp.held[h.key] = append(lp.held[h.key], h)
	h.timer = time.AfterFunc(timeout, func() { lp.release(h) })
	lp.mu.Unlock()
	// A message may have landed between the read and the hold.
	if lp.b.store.MaxOffset(p.topic, p.queueID) > p.offset {
		lp.release(h)
	}
}

// release moves h from the held table to the ready list once.
func (lp *longPoll) release(h *heldPull) {
	lp.mu.Lock()
	if h.done {
		lp.mu.Unlock()
		return
	}
	lp.removeLocked(h)
	lp.ready = append(lp.ready, h)
	lp.mu.Unlock()
	lp.signal()
}

// removeLocked marks h done and drops it from the table; lp.mu is held.
func (lp *longPoll) removeLocked(h *heldPull) {
	h.done = true
	h.timer.Stop()
	list := lp.held[h.key]
	for i, x := range list {
		if x == h {
			list = append(list[:i], list[i+1:]...)
			break
		}
	}
	if len(list) == 0 {
		delete(lp.held, h.key)
	} else {
		lp.held[h.key] = list
	}
}

func (lp *longPoll) signal() {
	select {
	case lp.wake <- struct{}{}:
	default:
	}
}

// notify is the store's OnDispatch hook: a message with tagsCode made
// queue (topic, queueID) grow to maxOffset. It must not block.
func (lp *longPoll) notify(topic string, queueID int32, maxOffset int64, tagsCode int64) {
	key := queueKey{topic, queueID}
	lp.mu.Lock()
	list := lp.held[key]
	if len(list) == 0 {
		lp.mu.Unlock()
		return
	}
	woke := false
	for i := 0; i < len(list); {
		h := list[i]
		if maxOffset > h.p.offset && h.p.filter.match(tagsCode) {
			h.done = true
			h.timer.Stop()
			lp.ready = append(lp.ready, h)
			list = append(list[:i], list[i+1:]...)
			woke = true
			continue
		}
		i++
	}
	if len(list) == 0 {
		delete(lp.held, key)
	} else {
		lp.held[key] = list
	}
	lp.mu.Unlock()
	if woke {
		lp.signal()
	}
}

// dropConn forgets the pulls held for a closed connection.
func (lp *longPoll) dropConn(c *remoting.Conn) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	var gone []*heldPull
	for _, list := range lp.held {
		for _, h := range list {
			if h.conn == c {
				gone = append(gone, h)
			}
		}
	}
	for _, h := range gone {
		lp.removeLocked(h)
	}
}

// run answers released pulls until the broker stops; each is pulled again
// without holding.
func (lp *longPoll) run() {
	for {
		select {
		case <-lp.b.ctx.Done():
			lp.mu.Lock()
			for _, list := range lp.held {
				for _, h := range list {
					h.timer.Stop()
				}
			}
			lp.held = map[queueKey][]*heldPull{}
			lp.mu.Unlock()
			return
		case <-lp.wake:
		}
		lp.mu.Lock()
		ready := lp.ready
		lp.ready = nil
		lp.mu.Unlock()
		for _, h := range ready {
			if resp := lp.b.pull(h.conn, h.req, &h.p, false); resp != nil {
				_ = h.conn.Send(resp)
			}
		}
	}
}
