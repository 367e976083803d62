package store

import (
	"context"
	"time"
)

// waiter is an OnDurable registration.
type waiter struct {
	off int64
	fn  func(error)
}

// OnDurable calls fn once the CommitLog is durable up to off; see
// MessageStore.OnDurable.
func (s *Store) OnDurable(off int64, fn func(error)) {
	if fn == nil {
		return
	}
	if !s.sync {
		fn(s.failure())
		return
	}
	s.waitMu.Lock()
	switch {
	case s.dispatched.Load() >= off:
		s.waitMu.Unlock()
		fn(nil)
		return
	case s.waitClosed:
		s.waitMu.Unlock()
		fn(ErrClosed)
		return
	}
	if err := s.failure(); err != nil {
		s.waitMu.Unlock()
		fn(err)
		return
	}
	s.waiters = append(s.waiters, waiter{off, fn})
	s.waitMu.Unlock()
	s.signalCommit()
}

func (s *Store) signalCommit() {
	select {
	case s.commitSig <- struct{}{}:
	default:
	}
}

// runCommitter is the SyncFlush flusher: each round fsyncs the CommitLog
// up to its end, dispatches the records it covers and completes waiters,
// so that one fsync serves every Put made meanwhile (group commit).
func (s *Store) runCommitter(ctx context.Context) {
	defer s.wg.Done()
	var work []dispatchReq
	var ready []waiter
	for {
		select {
		case <-ctx.Done():
			work, ready = s.commitOnce(work, ready)
			s.waitMu.Lock()
			s.waitClosed = true
			late := s.waiters
			s.waiters = nil
			s.waitMu.Unlock()
			for _, w := range late {
				w.fn(ErrClosed)
			}
			return
		case <-s.commitSig:
			work, ready = s.commitOnce(work, ready)
		}
	}
}

// commitOnce runs one group commit. work and ready are the caller's
// reusable buffers.
func (s *Store) commitOnce(work []dispatchReq, ready []waiter) ([]dispatchReq, []waiter) {
	s.writeMu.Lock()
	target := s.wrote.Load()
	work, s.pending = s.pending, work[:0]
	s.writeMu.Unlock()

	err := s.failure()
	if err == nil && target > s.flushed.Load() {
		if h := s.opts.hooks; h != nil && h.beforeCommitSync != nil {
			h.beforeCommitSync()
		}
		s.fsyncs.Add(1)
		if err = s.cl.syncRange(s.flushed.Load(), target); err != nil {
			s.fail(err)
		} else {
			s.flushed.Store(target)
		}
	}
	if err == nil {
		s.dispatch(work, target)
	}

	s.waitMu.Lock()
	keep := s.waiters[:0]
	for _, w := range s.waiters {
		if err != nil || w.off <= target {
			ready = append(ready, w)
		} else {
			keep = append(keep, w)
		}
	}
	clear(s.waiters[len(keep):])
	s.waiters = keep
	s.waitMu.Unlock()
	for _, w := range ready {
		w.fn(err)
	}
	clear(ready)
	clear(work)
	return work[:0], ready[:0]
}

// dispatch writes the units and index entries of fsynced records, makes
// each batch visible and reports it to OnDispatch. Queues deleted
// meanwhile get no units.
func (s *Store) dispatch(work []dispatchReq, target int64) {
	s.visible.Store(target)
	s.dispatchMu.Lock()
	for i := range work {
		r := &work[i]
		pos := r.u.phys - r.seg.base
		s.idx.add(r.seg.data[pos:pos+int64(r.u.size)], r.u.phys)
		if r.q.removed {
			r.q = nil
			continue
		}
		r.q.put(r.qoff, r.u)
		if r.last {
			r.q.max.Store(r.qoff + 1)
		}
	}
	s.dispatched.Store(target)
	s.dispatchMu.Unlock()
	if f := s.opts.OnDispatch; f != nil {
		for _, r := range work {
			if r.q != nil {
				f(r.q.topic, r.q.id, r.qoff+1, r.u.tags)
			}
		}
	}
}

// runFlusher periodically fsyncs the CommitLog (AsyncFlush) and the
// ConsumeQueues and writes the checkpoint.
func (s *Store) runFlusher(ctx context.Context) {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.FlushInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.flushMu.Lock()
			if err := s.checkpointLocked(false); err != nil {
				s.fail(err)
			}
			s.flushMu.Unlock()
		}
	}
}

// Flush fsyncs everything written so far and writes the checkpoint.
func (s *Store) Flush() error {
	if s.isClosed.Load() {
		return ErrClosed
	}
	if s.sync {
		done := make(chan error, 1)
		s.OnDurable(s.wrote.Load(), func(err error) { done <- err })
		if err := <-done; err != nil {
			return err
		}
	}
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	if err := s.checkpointLocked(false); err != nil {
		s.fail(err)
		return err
	}
	return s.failure()
}

// checkpointLocked fsyncs the CommitLog (AsyncFlush) and the ConsumeQueues
// and writes the checkpoint if it changed. flushMu is held.
func (s *Store) checkpointLocked(clean bool) error {
	if err := s.failure(); err != nil {
		return err
	}
	if s.isClosed.Load() {
		return ErrClosed
	}
	durable := s.dispatched.Load() // every unit for records below is written
	if !s.sync {
		if w := s.wrote.Load(); w > s.flushed.Load() {
			s.fsyncs.Add(1)
			if err := s.cl.syncRange(s.flushed.Load(), w); err != nil {
				return err
			}
			s.flushed.Store(w)
		}
	}
	qs := s.queueList()
	queues := uint32(0)
	for _, q := range qs {
		if err := q.sync(); err != nil {
			return err
		}
		if q.hasFiles.Load() {
			queues++
		}
	}
	if err := s.idx.sync(); err != nil {
		return err
	}
	now := time.Now().UnixMilli()
	cp := checkpoint{Flushed: s.flushed.Load(), CQDurable: durable, ActiveFrom: s.activeFrom.Load(),
		Clean: clean, Queues: queues,
		FlushedAt: s.lastCP.FlushedAt, CQDurableAt: s.lastCP.CQDurableAt, WrittenAt: now}
	if cp.Flushed != s.lastCP.Flushed || cp.FlushedAt == 0 {
		cp.FlushedAt = now
	}
	if cp.CQDurable != s.lastCP.CQDurable || cp.CQDurableAt == 0 {
		cp.CQDurableAt = now
	}
	if cp.Flushed == s.lastCP.Flushed && cp.CQDurable == s.lastCP.CQDurable && cp.Queues == s.lastCP.Queues &&
		cp.ActiveFrom == s.lastCP.ActiveFrom &&
		cp.Clean == s.lastCP.Clean && s.lastCP.WrittenAt != 0 {
		return nil
	}
	if err := writeCheckpoint(s.opts.Dir, cp); err != nil {
		return err
	}
	s.lastCP = cp
	return nil
}
