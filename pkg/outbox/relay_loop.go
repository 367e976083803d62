package outbox

import (
	"context"
	"fmt"
	"time"
)

// loop is the relay's goroutine. A round either reads the table (at start,
// after a Notify, a poll tick, a dropped hand-off or a failure) or sends the
// rows handed over; then it deletes what it sent. Between rounds it waits
// for one of those, or Stop. After a failed round it waits out a backoff
// instead (Notify does not shorten it: a broker that is down would only
// fail again), and reads the table next: the failed row is still there.
func (r *Relay) loop(ctx context.Context) {
	defer close(r.done)
	tick := time.NewTicker(r.o.PollInterval)
	defer tick.Stop()
	s := newSentLog()
	read := true // the start-up drain
	var first *row
	var backoff time.Duration
	for {
		err := r.round(ctx, s, read || r.overflow.Load(), first)
		if r.quitting() {
			return
		}
		read, first = false, nil
		if err != nil {
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			r.log.WithContext(ctx).Warnf("outbox: %v; retrying in %v", err, backoff)
			if !r.sleep(backoff) {
				return
			}
			read = true
			continue
		}
		backoff = 0
		select {
		case <-r.quit:
			return
		case <-r.wake:
			read = true
		case <-tick.C:
			read = true
		case rw := <-r.handoff:
			first = &rw
		}
	}
}

// round sends first (when not nil) and the queued rows, or, when read is
// set, the rows of the table; then it deletes the rows it sent, also after
// a failed send.
func (r *Relay) round(ctx context.Context, s *sentLog, read bool, first *row) error {
	var err error
	if first != nil && !r.quitting() { // the select may pick a hand-off over a closed quit
		err = r.send(ctx, s, *first)
	}
	if err == nil {
		if read {
			err = r.drain(ctx, s)
		} else {
			err = r.sendQueued(ctx, s)
		}
	}
	if ferr := r.flush(ctx, s); err == nil {
		err = ferr
	}
	return err
}

// sendQueued sends up to BatchSize handed-over rows without reading the
// table, until the queue is empty, a send fails, a hand-off was dropped
// (the table must be read first) or Stop is called.
func (r *Relay) sendQueued(ctx context.Context, s *sentLog) error {
	for range r.o.BatchSize {
		if r.quitting() || r.overflow.Load() {
			return nil
		}
		select {
		case rw := <-r.handoff:
			if err := r.send(ctx, s, rw); err != nil {
				return err
			}
		default:
			s.prune(r.handoff)
			return nil
		}
	}
	return nil
}

// send sends the handed-over row rw, unless a read of the table sent it.
func (r *Relay) send(ctx context.Context, s *sentLog, rw row) error {
	if s.readBefore(rw.ID) {
		return nil
	}
	if err := r.o.Sender.Send(ctx, rw.message()); err != nil {
		return fmt.Errorf("send %s (id %d): %w", rw.EventID, rw.ID, err)
	}
	s.sent(rw.ID)
	return nil
}

// drain sends the rows of the table in id order, batch after batch, until
// the table is empty, a read, send or delete fails, or Stop is called.
func (r *Relay) drain(ctx context.Context, s *sentLog) error {
	for !r.quitting() {
		// Every row sent is deleted before the next read, so a read never
		// returns a row this relay sent.
		if err := r.flush(ctx, s); err != nil {
			return err
		}
		s.prune(r.handoff)
		// Rows dropped from here on are committed after the read starts,
		// or are read by it.
		r.overflow.Store(false)
		var rows []row
		if err := r.o.DB.WithContext(ctx).Order("id").Limit(r.o.BatchSize).Find(&rows).Error; err != nil {
			return fmt.Errorf("read outbox_events: %w", err)
		}
		readAt := time.Now() // after the commit of every row read
		for _, rw := range rows {
			if r.quitting() {
				return nil
			}
			if err := r.o.Sender.Send(ctx, rw.message()); err != nil {
				return fmt.Errorf("send %s (id %d): %w", rw.EventID, rw.ID, err)
			}
			s.sent(rw.ID)
			s.read(rw.ID, readAt)
		}
		if len(rows) < r.o.BatchSize {
			return nil
		}
	}
	return nil
}

// flush deletes the rows sent since the last flush, BatchSize ids per
// statement. A failure keeps the ids for the next flush; the rows stay in
// the table meanwhile and are sent again after a crash: at least once.
func (r *Relay) flush(ctx context.Context, s *sentLog) error {
	for done := 0; done < len(s.unacked); {
		ids := s.unacked[done:min(done+r.o.BatchSize, len(s.unacked))]
		if err := r.o.DB.WithContext(ctx).Where("id IN ?", ids).Delete(&row{}).Error; err != nil {
			s.unacked = append(s.unacked[:0], s.unacked[done:]...)
			return fmt.Errorf("delete %d sent rows (ids %d..%d): %w", len(ids), ids[0], ids[len(ids)-1], err)
		}
		done += len(ids)
	}
	s.unacked = s.unacked[:0]
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
