package bench

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sagashop/sagashop/mq/remoting"
)

// consumer pulls every queue, one pull in flight per queue.
type consumer struct {
	o     *Options
	conns []*remoting.Conn
	pos   []atomic.Int64 // next offset to pull, per queue
	// inspect, when set, sees every record pulled, with the time its
	// reply arrived. It is called from queue q's goroutine only, so it may
	// keep per-queue state without locking.
	inspect func(q int, rec []byte, arrived time.Time)

	consumed    atomic.Int64
	pulls       atomic.Int64
	errs        atomic.Int64
	outOfOrder  atomic.Int64
	offsetMoved atomic.Int64
	lastMsg     atomic.Int64 // UnixNano of the last reply with messages

	mu       sync.Mutex // guards firstErr
	firstErr error
}

func newConsumer(o *Options, conns []*remoting.Conn, start []int64) *consumer {
	c := &consumer{o: o, conns: conns, pos: make([]atomic.Int64, len(start))}
	for q, off := range start {
		c.pos[q].Store(off)
	}
	return c
}

// run pulls until ctx ends; the caller cancels ctx once its stop
// condition holds (see reached).
func (c *consumer) run(ctx context.Context) {
	var wg sync.WaitGroup
	for q := range c.pos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.pullQueue(ctx, q, c.conns[q%len(c.conns)])
		}()
	}
	wg.Wait()
}

// reached reports whether every queue's position is at or past target.
func (c *consumer) reached(target []int64) bool {
	for q := range c.pos {
		if c.pos[q].Load() < target[q] {
			return false
		}
	}
	return true
}

func (c *consumer) fail(err error) {
	c.errs.Add(1)
	c.mu.Lock()
	if c.firstErr == nil {
		c.firstErr = err
	}
	c.mu.Unlock()
}

func (c *consumer) pullQueue(ctx context.Context, q int, conn *remoting.Conn) {
	req := newPullRequest(c.o, q)
	for ctx.Err() == nil {
		off := c.pos[q].Load()
		resp, err := conn.Invoke(ctx, req.prepare(off))
		arrived := time.Now()
		if err != nil {
			if ctx.Err() == nil {
				c.fail(err)
			}
			if errors.Is(err, remoting.ErrConnClosed) {
				return
			}
			continue
		}
		c.pulls.Add(1)
		next, perr := strconv.ParseInt(resp.Ext("nextBeginOffset"), 10, 64)
		switch remoting.ResponseCode(resp.Code) {
		case remoting.Success:
			var visit func([]byte)
			if c.inspect != nil {
				visit = func(rec []byte) { c.inspect(q, rec, arrived) }
			}
			n, bad, cerr := countRecords(resp.Body, off, visit)
			if cerr != nil {
				c.fail(cerr)
			}
			if n > 0 {
				c.consumed.Add(int64(n))
				c.lastMsg.Store(time.Now().UnixNano())
			}
			c.outOfOrder.Add(int64(bad))
		case remoting.PullNotFound, remoting.PullRetryImmediately:
		case remoting.PullOffsetMoved:
			c.offsetMoved.Add(1)
		default:
			c.fail(resp.Err())
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		if perr != nil {
			c.fail(perr)
			sleep(ctx, 100*time.Millisecond)
			continue
		}
		c.pos[q].Store(next)
	}
}

// commit stores every queue's position as the group's consumed offset
// (UPDATE_CONSUMER_OFFSET), once the pulls have ended, so that
// `mqd admin consumerProgress` shows where the run got to. The pulls
// themselves carry no commit, as the pull consumer's do not.
func (c *consumer) commit(ctx context.Context, conn *remoting.Conn) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	for q := range c.pos {
		resp, err := conn.Invoke(ctx, remoting.NewRequest(remoting.UpdateConsumerOffset, map[string]string{
			"consumerGroup": c.o.Group, "topic": c.o.Topic, "queueId": strconv.Itoa(q),
			"commitOffset": strconv.FormatInt(c.pos[q].Load(), 10),
		}, nil))
		if err == nil {
			err = resp.Err()
		}
		if err != nil {
			return fmt.Errorf("bench: commit offset of %s:%d: %w", c.o.Topic, q, err)
		}
	}
	return nil
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
