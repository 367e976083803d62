package store

import (
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/sagashop/sagashop/mq/message"
)

// defaultMaxScan is the ConsumeQueue units a GetMessages scans by default
// (Java reads max(16000 bytes, maxMsgNums*20) of ConsumeQueue).
const defaultMaxScan = 800

// unitPool holds the scratch lists of matched units of GetMessages.
var unitPool = sync.Pool{New: func() any { s := make([]unit, 0, 64); return &s }}

// GetMessages reads messages of one queue; see MessageStore.GetMessages.
// filter runs with the queue's read lock held: it must be quick and must
// not call the store.
func (s *Store) GetMessages(topic string, queueID int32, offset int64, maxMsgs, maxBytes, maxScan int,
	filter func(tagsCode int64) bool) (GetResult, error) {
	if s.isClosed.Load() {
		return GetResult{}, ErrClosed
	}
	maxMsgs = max(maxMsgs, 1)
	if maxScan <= 0 {
		maxScan = defaultMaxScan
	}
	q := s.queue(topic, queueID)
	if q == nil {
		return GetResult{Status: NoMessageInQueue}, nil
	}
	maxOff := q.max.Load()
	minOff := min(q.min.Load(), maxOff)
	res := GetResult{MinOffset: minOff, MaxOffset: maxOff}
	switch {
	case maxOff == 0:
		res.Status = NoMessageInQueue
		return res, nil
	case offset < minOff:
		res.Status, res.NextBeginOffset = OffsetTooSmall, minOff
		return res, nil
	case offset == maxOff:
		res.Status, res.NextBeginOffset = OffsetOverflowOne, offset
		return res, nil
	case offset > maxOff:
		res.Status, res.NextBeginOffset = OffsetOverflowBadly, maxOff
		return res, nil
	}

	sp := unitPool.Get().(*[]unit)
	units, total, next := q.match((*sp)[:0], offset, min(maxOff, offset+int64(maxScan)), maxMsgs, maxBytes, filter)
	res.NextBeginOffset = next
	if len(units) > 0 {
		res.Records = s.copyRecords(units, total)
	}
	*sp = units[:0]
	unitPool.Put(sp)
	if len(res.Records) > 0 {
		res.Status = Found
	} else {
		res.Status = NoMatchedMessage
	}
	return res, nil
}

// match scans units [from, to) and appends to dst those the filter keeps,
// stopping before a unit once maxMsgs are kept or the next one would pass
// maxBytes. It returns the offset after the last unit scanned.
func (q *consumeQueue) match(dst []unit, from, to int64, maxMsgs, maxBytes int,
	filter func(int64) bool) (units []unit, total int, next int64) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.deleted {
		return dst, 0, from
	}
	i := from
	for ; i < to && len(dst) < maxMsgs; i++ {
		u, ok := q.unitLocked(i)
		if !ok {
			continue
		}
		if u.size <= 0 {
			continue // hole
		}
		if maxBytes > 0 && len(dst) > 0 && total+int(u.size) > maxBytes {
			break
		}
		if filter != nil && !filter(u.tags) {
			continue
		}
		dst = append(dst, u)
		total += int(u.size)
	}
	return dst, total, i
}

// copyRecords copies the records of units into one buffer. Records that
// retention removed meanwhile are left out. The caller loaded the queue's
// max before calling, so visible covers every unit below it.
func (s *Store) copyRecords(units []unit, total int) [][]byte {
	buf := make([]byte, total)
	recs := make([][]byte, 0, len(units))
	limit := s.visible.Load()
	s.cl.mu.RLock()
	defer s.cl.mu.RUnlock()
	for _, u := range units {
		r := s.cl.recordLocked(u.phys, limit)
		if r == nil || len(r)-trailerSize != int(u.size) {
			continue
		}
		n := copy(buf, r[:u.size])
		recs = append(recs, buf[:n:n])
		buf = buf[n:]
	}
	return recs
}

// MaxOffset is the next queue offset to be written (visible).
func (s *Store) MaxOffset(topic string, queueID int32) int64 {
	if q := s.queue(topic, queueID); q != nil {
		return q.max.Load()
	}
	return 0
}

// MinOffset is the first queue offset still readable.
func (s *Store) MinOffset(topic string, queueID int32) int64 {
	if q := s.queue(topic, queueID); q != nil {
		return min(q.min.Load(), q.max.Load())
	}
	return 0
}

// storeTimeLocked returns the store timestamp of the record of unit idx;
// q.mu is held.
func (s *Store) storeTimeLocked(q *consumeQueue, idx, limit int64) (int64, bool) {
	u, ok := q.unitLocked(idx)
	if !ok || u.size <= 0 {
		return 0, false
	}
	s.cl.mu.RLock()
	defer s.cl.mu.RUnlock()
	r := s.cl.recordLocked(u.phys, limit)
	if r == nil {
		return 0, false
	}
	sysFlag := int32(binary.BigEndian.Uint32(r[message.PosSysFlag:]))
	return int64(binary.BigEndian.Uint64(r[message.StoreTimestampPos(sysFlag):])), true
}

// SearchOffset returns the first queue offset whose store timestamp is at
// or after ts; MaxOffset if none. Store timestamps never decrease along
// a queue, so this is a binary search. Unreadable units count as older.
func (s *Store) SearchOffset(topic string, queueID int32, ts int64) int64 {
	q := s.queue(topic, queueID)
	if q == nil {
		return 0
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	hi := q.max.Load()
	lo := min(q.min.Load(), hi)
	limit := s.visible.Load() // after max: see Store.visible
	for lo < hi {
		mid := lo + (hi-lo)/2
		if t, ok := s.storeTimeLocked(q, mid, limit); ok && t >= ts {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// StoreTime returns the store timestamp of the message at a queue offset.
func (s *Store) StoreTime(topic string, queueID int32, offset int64) (int64, error) {
	q := s.queue(topic, queueID)
	if q == nil {
		return 0, fmt.Errorf("%w: queue %s/%d", ErrNotFound, topic, queueID)
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	if offset < q.min.Load() || offset >= q.max.Load() {
		return 0, fmt.Errorf("%w: %s/%d offset %d", ErrNotFound, topic, queueID, offset)
	}
	t, ok := s.storeTimeLocked(q, offset, s.visible.Load())
	if !ok {
		return 0, fmt.Errorf("%w: %s/%d offset %d", ErrNotFound, topic, queueID, offset)
	}
	return t, nil
}

// ReadAt returns a copy of the record that starts at physicalOffset.
func (s *Store) ReadAt(physicalOffset int64) ([]byte, error) {
	if s.isClosed.Load() {
		return nil, ErrClosed
	}
	limit := s.visible.Load()
	s.cl.mu.RLock()
	defer s.cl.mu.RUnlock()
	r := s.cl.recordLocked(physicalOffset, limit)
	if r == nil {
		return nil, fmt.Errorf("%w: commitlog offset %d", ErrNotFound, physicalOffset)
	}
	n := len(r) - trailerSize
	sum := binary.BigEndian.Uint32(r[n+8:])
	if want := recordChecksum(r[:n+8]); sum != want && sum != want^batchContinued {
		return nil, fmt.Errorf("%w: record at %d: crc %#x, want %#x", ErrCorrupt, physicalOffset, sum, want)
	}
	return append([]byte(nil), r[:n]...), nil
}
