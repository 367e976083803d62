package outbox

import (
	"context"
	"fmt"
	"time"
)

// loop is the relay's goroutine: drain the table, then wait for a Notify, a
// poll tick or Stop. After a failed round it waits out a backoff instead
// (Notify does not shorten it: a broker that is down would only fail again).
func (r *Relay) loop(ctx context.Context) {
	defer close(r.done)
	tick := time.NewTicker(r.o.PollInterval)
	defer tick.Stop()
	var backoff time.Duration
	for {
		err := r.drain(ctx)
		if r.quitting() {
			return
		}
		if err != nil {
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			r.log.WithContext(ctx).Warnf("outbox: %v; retrying in %v", err, backoff)
			if !r.sleep(backoff) {
				return
			}
			continue
		}
		backoff = 0
		select {
		case <-r.quit:
			return
		case <-r.wake:
		case <-tick.C:
		}
	}
}

// drain sends the rows in id order, batch after batch, until the table is
// empty, a send or delete fails, or Stop is called.
func (r *Relay) drain(ctx context.Context) error {
	for !r.quitting() {
		var rows []row
		if err := r.o.DB.WithContext(ctx).Order("id").Limit(r.o.BatchSize).Find(&rows).Error; err != nil {
			return fmt.Errorf("read outbox_events: %w", err)
		}
		for _, rw := range rows {
			if r.quitting() {
				return nil
			}
			if err := r.o.Sender.Send(ctx, rw.message()); err != nil {
				return fmt.Errorf("send %s (id %d): %w", rw.EventID, rw.ID, err)
			}
			// A failure here sends the row again later: at least once.
			if err := r.o.DB.WithContext(ctx).Delete(&row{}, rw.ID).Error; err != nil {
				return fmt.Errorf("delete %s (id %d) after send: %w", rw.EventID, rw.ID, err)
			}
		}
		if len(rows) < r.o.BatchSize {
			return nil
		}
	}
	return nil
}

// quitting reports whether Stop was called.
func (r *Relay) quitting() bool {
	select {
	case <-r.quit:
		return true
	default:
		return false
	}
}

// sleep waits for d; it returns false when Stop was called meanwhile.
func (r *Relay) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-r.quit:
		return false
	case <-t.C:
		return true
	}
}
