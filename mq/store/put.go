package store

import (
	"encoding/binary"
	"fmt"
	"strings"
	"time"

	"github.com/sagashop/sagashop/mq/message"
)

// planned is where Put will write one record.
type planned struct {
	seg  *segment
	pos  int64
	size int64 // record size, trailer excluded
}

// dispatchReq is a written record waiting for its ConsumeQueue unit and
// index entries (SyncFlush only).
type dispatchReq struct {
	q    *consumeQueue
	seg  *segment // holds the record; retention keeps it until dispatched
	qoff int64
	u    unit
	last bool // last record of its Put: the batch becomes visible here
}

// Put appends entries atomically and in order; see MessageStore.Put.
func (s *Store) Put(entries []Entry) (PutResult, error) {
	var res PutResult
	if err := s.validate(entries); err != nil {
		return res, err
	}
	if err := s.failure(); err != nil {
		return res, err
	}
	if s.checkDisk(false) {
		return res, ErrDiskFull
	}
	n := len(entries)
	m0 := entries[0].Msg

	s.writeMu.Lock()
	if s.closed {
		s.writeMu.Unlock()
		return res, ErrClosed
	}
	offs := s.carveLocked(n)
	q := s.queueOrCreate(m0.Topic, m0.QueueID)
	if err := s.planLocked(entries, q); err != nil {
		s.writeMu.Unlock()
		return res, err
	}
	ts := max(s.opts.Now().UnixMilli(), s.lastTS)
	qoff := q.next
	seg, pos := s.active, s.pos
	pending := len(s.pending)
	for i := range entries {
		p := s.plan[i]
		if p.seg != seg {
			writeBlank(seg, pos)
			seg = p.seg
		}
		m := entries[i].Msg
		m.QueueOffset, m.PhysicalOffset, m.StoreTimestamp = qoff+int64(i), p.seg.base+p.pos, ts
		d := p.seg.data[p.pos : p.pos+p.size+trailerSize]
		// Encoded in place: d[:0] has the capacity, so nothing is copied.
		if _, err := message.AppendRecord(d[:0], m); err != nil {
			// Unreachable after validate. Nothing is committed: active,
			// pos and wrote did not move, and the records written so far
			// carry the batch-continues CRC.
			s.pending = s.pending[:pending]
			s.writeMu.Unlock()
			return res, fmt.Errorf("%w: %w", ErrInvalidEntry, err)
		}
		binary.BigEndian.PutUint64(d[p.size:], uint64(entries[i].TagsCode))
		sum := recordChecksum(d[:p.size+8])
		if i < n-1 {
			sum ^= batchContinued
		}
		binary.BigEndian.PutUint32(d[p.size+8:], sum)
		offs[i] = m.PhysicalOffset
		pos = p.pos + p.size + trailerSize
		if s.sync {
			s.pending = append(s.pending, dispatchReq{q: q, seg: p.seg, qoff: m.QueueOffset, last: i == n-1,
				u: unit{phys: m.PhysicalOffset, size: int32(p.size), tags: entries[i].TagsCode}})
		}
	}
	if seg != s.active {
		if s.plan[0].seg == seg {
			s.activeFrom.Store(seg.base) // the Put starts the segment
		} else {
			s.activeFrom.Store(offs[0]) // the Put crosses into it
		}
	}
	s.active, s.pos, s.lastTS = seg, pos, ts
	end := seg.base + pos
	s.wrote.Store(end)
	q.next += int64(n)
	if !s.sync {
		s.visible.Store(end)
		s.dispatchMu.Lock()
		for i := range entries {
			q.put(qoff+int64(i), unit{phys: offs[i], size: int32(s.plan[i].size), tags: entries[i].TagsCode})
		}
		q.max.Store(q.next)
		for i, p := range s.plan[:n] {
			s.idx.add(p.seg.data[p.pos:p.pos+p.size], offs[i])
		}
		s.dispatched.Store(end)
		s.dispatchMu.Unlock()
	}
	s.writeMu.Unlock()

	if s.sync {
		s.signalCommit()
	} else if f := s.opts.OnDispatch; f != nil {
		for i := range entries {
			f(m0.Topic, m0.QueueID, qoff+int64(i)+1, entries[i].TagsCode)
		}
	}
	return PutResult{QueueOffset: qoff, PhysicalOffset: offs[0], PhysicalOffsets: offs, StoreTimestamp: ts, EndOffset: end}, nil
}

// offSlabSize is how many PutResult.PhysicalOffsets one allocation serves.
const offSlabSize = 1024

// carveLocked returns a slice of n int64s for PutResult.PhysicalOffsets,
// cut from a shared slab so that a Put does not allocate. Each slice is
// capped, so appending to it cannot reach a neighbour's. writeMu is held.
func (s *Store) carveLocked(n int) []int64 {
	if n > offSlabSize/4 {
		return make([]int64, n)
	}
	if len(s.offSlab) < n {
		s.offSlab = make([]int64, offSlabSize)
	}
	offs := s.offSlab[:n:n]
	s.offSlab = s.offSlab[n:]
	return offs
}

// validate checks a Put's entries before any lock is taken.
func (s *Store) validate(entries []Entry) error {
	if len(entries) == 0 || entries[0].Msg == nil {
		return fmt.Errorf("%w: no message", ErrInvalidEntry)
	}
	topic, id := entries[0].Msg.Topic, entries[0].Msg.QueueID
	if !validTopic(topic) || id < 0 {
		return fmt.Errorf("%w: topic %q queue %d", ErrInvalidEntry, topic, id)
	}
	maxRec := s.opts.maxRecord()
	for i := range entries {
		m := entries[i].Msg
		if m == nil || m.Topic != topic || m.QueueID != id {
			return fmt.Errorf("%w: batch entry %d is not for %s/%d", ErrInvalidEntry, i, topic, id)
		}
		if len(m.Properties) > 32767 {
			return fmt.Errorf("%w: %w: %d bytes", ErrInvalidEntry, message.ErrPropertiesTooLong, len(m.Properties))
		}
		if size := message.RecordSize(m); size > maxRec {
			return fmt.Errorf("%w: record of %d bytes, limit %d", ErrMessageTooLarge, size, maxRec)
		}
	}
	return nil
}

// planLocked places every record of a Put, creating the next segments and
// reserving disk blocks and ConsumeQueue units, so that writing cannot
// fail half way. writeMu is held.
func (s *Store) planLocked(entries []Entry, q *consumeQueue) error {
	s.plan = s.plan[:0]
	seg, pos := s.active, s.pos
	for i := range entries {
		size := int64(message.RecordSize(entries[i].Msg))
		need := size + trailerSize
		if pos+need+blankSize > seg.size() {
			next, err := s.cl.after(seg)
			if err != nil {
				return err
			}
			seg, pos = next, 0
		}
		if err := seg.ensureAllocated(pos+need+blankSize, allocChunk); err != nil {
			return err
		}
		s.plan = append(s.plan, planned{seg: seg, pos: pos, size: size})
		pos += need
	}
	s.dispatchMu.Lock()
	defer s.dispatchMu.Unlock()
	return q.reserve(q.next + int64(len(entries)))
}

// writeBlank marks the rest of seg from pos as unused.
func writeBlank(seg *segment, pos int64) {
	binary.BigEndian.PutUint32(seg.data[pos:], uint32(seg.size()-pos))
	binary.BigEndian.PutUint32(seg.data[pos+4:], blankMagic)
}

// validTopic reports whether a topic can be stored: it names a directory.
func validTopic(t string) bool {
	return t != "" && len(t) <= message.MaxTopicLen && t[0] != '.' && !strings.ContainsAny(t, "/\\\x00")
}

// checkDisk returns whether the disk is past the ratio, asking
// Options.DiskUsage at most every 100ms (or now, with force).
func (s *Store) checkDisk(force bool) bool {
	now := int64(time.Since(s.started))
	last := s.diskCheck.Load()
	if force || (now-last >= int64(100*time.Millisecond) && s.diskCheck.CompareAndSwap(last, now)) {
		s.updateDiskFull()
	}
	return s.diskFull.Load()
}

// updateDiskFull asks Options.DiskUsage and wakes the cleaner when the
// disk is past the ratio.
func (s *Store) updateDiskFull() bool {
	used, total, err := s.opts.DiskUsage(s.opts.Dir)
	if err != nil {
		s.log.Warn("store: disk usage", "err", err)
		return s.diskFull.Load()
	}
	full := total > 0 && used*100 > uint64(s.opts.DiskMaxUsedSpaceRatio)*total
	if was := s.diskFull.Swap(full); full != was {
		s.log.Warn("store: disk usage crossed diskMaxUsedSpaceRatio", "full", full, "used", used, "total", total)
	}
	if full {
		select {
		case s.cleanSig <- struct{}{}:
		default:
		}
	}
	return full
}
