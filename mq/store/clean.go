package store

import (
	"context"
	"os"
	"slices"
	"time"
)

// runCleaner runs the retention check every CleanInterval, and at once
// when a Put finds the disk past the ratio.
func (s *Store) runCleaner(ctx context.Context) {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.CleanInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.cleanSig:
		}
		s.cleanOnce()
	}
}

// cleanOnce refreshes the disk-full flag and, at a delete hour or when
// the disk is past the ratio, deletes expired segments.
func (s *Store) cleanOnce() {
	s.cleanMu.Lock()
	defer s.cleanMu.Unlock()
	full := s.updateDiskFull()
	now := s.opts.Now()
	if full || slices.Contains(s.opts.DeleteHours, now.Hour()) {
		s.deleteExpired(now)
	}
}

// deleteExpired deletes, oldest first, the CommitLog segments last
// modified FileReservedTime or more before now. It stops at the first one
// that is younger, is the last, or holds records not yet dispatched. Then
// it drops the ConsumeQueue segments that only point below the new start.
func (s *Store) deleteExpired(now time.Time) int {
	limit := s.dispatched.Load()
	var victims []*segment
	s.cl.mu.Lock()
	for len(s.cl.segs) > 1 {
		seg := s.cl.segs[0]
		mtime, err := seg.modTime()
		if err != nil || seg.end() > limit || now.Sub(mtime) < s.opts.FileReservedTime {
			break
		}
		victims = append(victims, seg)
		s.cl.segs = s.cl.segs[1:]
	}
	clMin := s.cl.segs[0].base
	s.cl.mu.Unlock()
	// Out of the list, so no reader can reach them: unlink and unmap (or
	// leave the unmapping to a flusher that pins one) without holding up
	// readers.
	for _, seg := range victims {
		if err := os.Remove(seg.path); err != nil {
			s.log.Warn("store: remove expired segment", "file", seg.path, "err", err)
		}
		seg.decRef()
	}
	if len(victims) == 0 {
		return 0
	}
	s.log.Info("store: deleted expired commitlog segments", "count", len(victims), "minOffset", clMin)
	if err := syncDir(s.cl.dir); err != nil {
		s.log.Warn("store: fsync commitlog dir", "err", err)
	}
	for _, q := range s.queueList() {
		q.dropBelow(clMin)
	}
	s.idx.dropBelow(clMin)
	return len(victims)
}
