package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/sagashop/sagashop/mq/message"
)

// deletedPrefix names a topic directory that DeleteTopic is removing.
const deletedPrefix = ".deleted-"

// loadQueues maps every ConsumeQueue under consumequeue/ and finishes
// removing the directories of deleted topics.
func (s *Store) loadQueues() error {
	if err := os.MkdirAll(s.cqRoot, 0o755); err != nil {
		return err
	}
	topics, err := os.ReadDir(s.cqRoot)
	if err != nil {
		return err
	}
	for _, t := range topics {
		if strings.HasPrefix(t.Name(), deletedPrefix) {
			os.RemoveAll(filepath.Join(s.cqRoot, t.Name()))
			continue
		}
		if !t.IsDir() || !validTopic(t.Name()) {
			continue
		}
		ids, err := os.ReadDir(filepath.Join(s.cqRoot, t.Name()))
		if err != nil {
			return err
		}
		for _, d := range ids {
			id, err := strconv.ParseInt(d.Name(), 10, 32)
			if err != nil || id < 0 || !d.IsDir() {
				continue
			}
			q, err := loadConsumeQueue(s.cqRoot, t.Name(), int32(id), int64(s.opts.ConsumeQueueSegmentEntries))
			if errors.Is(err, ErrCorrupt) {
				// Dropping it makes the queue count short of the
				// checkpoint's, so recovery rebuilds every queue.
				s.log.Warn("store: dropping a damaged consume queue", "err", err)
				if err := os.RemoveAll(filepath.Join(s.cqRoot, t.Name(), d.Name())); err != nil {
					return err
				}
				s.forceFull = true
				continue
			}
			if err != nil {
				return err
			}
			s.queues[queueKey{q.topic, q.id}] = q
		}
	}
	return nil
}

// recover brings the CommitLog and the ConsumeQueues back to a consistent
// state; doc.go ("Recovery") describes the algorithm. It runs before any
// goroutine starts.
func (s *Store) recover(cp checkpoint, cpOK, clean bool) error {
	cl := s.cl
	fresh := len(cl.segs) == 0
	if fresh {
		if _, err := cl.createSegment(0); err != nil {
			return err
		}
	}
	clMin, clEnd := cl.segs[0].base, cl.segs[len(cl.segs)-1].end()
	full := !cpOK || s.forceFull || len(s.queues) < int(cp.Queues)
	// Verify and re-dispatch from a Put boundary at or before both the
	// checkpoint and the start of the active segment.
	scanFrom := clMin
	if !full {
		scanFrom = min(max(min(cp.CQDurable, cp.ActiveFrom), clMin), clEnd)
	}
	validEnd, activeFrom, lastTS := s.scanValid(scanFrom)
	if err := s.truncateLog(validEnd); err != nil {
		return err
	}
	from := scanFrom
	for {
		for _, q := range s.queues {
			q.truncateFrom(validEnd) // units ahead of the log
		}
		gap, err := s.redispatch(from, validEnd, cp.CQDurable, full)
		if err != nil {
			return err
		}
		if !gap {
			break
		}
		s.log.Warn("store: a consume queue misses units; rebuilding all from the commitlog")
		full, from = true, clMin
	}
	for _, q := range s.queues {
		q.trimAfter(q.written)
		if !clean && q.tail != nil {
			q.tail.zeroFrom(max(q.written*unitSize-q.tail.base, 0))
		}
	}
	clMin = cl.segs[0].base
	for _, q := range s.queues {
		q.next, q.flushed = q.written, 0
		q.max.Store(q.written)
		q.min.Store(0)
		q.dropBelow(clMin)
	}
	if err := s.recoverIndex(from, validEnd, clean); err != nil {
		return err
	}
	s.idx.dropBelow(clMin)
	seg := cl.findLocked(validEnd)
	if seg == nil { // validEnd is the end of a full segment
		var err error
		if seg, err = cl.createSegment(validEnd); err != nil {
			return err
		}
	}
	s.active, s.pos, s.lastTS = seg, validEnd-seg.base, lastTS
	s.activeFrom.Store(min(activeFrom, seg.base))
	s.wrote.Store(validEnd)
	s.visible.Store(validEnd)
	s.dispatched.Store(validEnd)
	if fresh {
		s.log.Info("store: created", "dir", s.opts.Dir)
	} else {
		s.log.Info("store: recovered", "clean", clean, "full", full, "verifiedFrom", from,
			"checkpoint", cp.CQDurable, "end", validEnd, "queues", len(s.queues))
	}
	if err := cl.syncRange(cl.segs[0].base, cl.segs[len(cl.segs)-1].end()); err != nil {
		return err
	}
	s.flushed.Store(validEnd)
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	return s.checkpointLocked(false)
}

// scanValid walks the CommitLog from from, a Put boundary, checking every
// record, and returns the end of the last complete Put (a record whose
// trailer CRC is not marked batchContinued), the Put boundary at or before
// the start of the segment holding that end, and the last store time.
func (s *Store) scanValid(from int64) (validEnd, activeFrom, lastTS int64) {
	validEnd, activeFrom = from, from
	segFrom := map[*segment]int64{} // Put boundary on entering each segment
	off := from
	defer func() {
		if seg := s.cl.findLocked(validEnd); seg != nil {
			if b, ok := segFrom[seg]; ok {
				activeFrom = b
			}
		}
	}()
	for {
		seg := s.cl.findLocked(off)
		if seg == nil {
			return validEnd, activeFrom, lastTS
		}
		pos := off - seg.base
		if pos == 0 {
			segFrom[seg] = validEnd
		}
		if pos+blankSize > seg.size() {
			return validEnd, activeFrom, lastTS
		}
		d := seg.data[pos:]
		size := int64(int32(binary.BigEndian.Uint32(d)))
		magic := binary.BigEndian.Uint32(d[4:])
		if magic == blankMagic && size == seg.size()-pos {
			off = seg.end()
			continue
		}
		if magic != message.MagicCode || size < minRecordSize || pos+size+trailerSize+blankSize > seg.size() ||
			int64(binary.BigEndian.Uint64(d[message.PosPhysicalOffset:])) != off {
			return validEnd, activeFrom, lastTS
		}
		sum := recordChecksum(d[:size+8])
		switch binary.BigEndian.Uint32(d[size+8:]) {
		case sum:
			validEnd = off + size + trailerSize
			sysFlag := int32(binary.BigEndian.Uint32(d[message.PosSysFlag:]))
			lastTS = int64(binary.BigEndian.Uint64(d[message.StoreTimestampPos(sysFlag):]))
		case sum ^ batchContinued:
		default:
			return validEnd, activeFrom, lastTS
		}
		off += size + trailerSize
	}
}

// truncateLog zeroes the CommitLog from end on and deletes the segments
// that start after the one holding end.
func (s *Store) truncateLog(end int64) error {
	cl := s.cl
	for len(cl.segs) > 1 && cl.segs[len(cl.segs)-1].base > end {
		last := cl.segs[len(cl.segs)-1]
		s.log.Warn("store: deleting commitlog segment past the valid end", "file", last.path, "end", end)
		if err := os.Remove(last.path); err != nil {
			return err
		}
		last.decRef()
		cl.segs = cl.segs[:len(cl.segs)-1]
	}
	if err := syncDir(cl.dir); err != nil {
		return err
	}
	if seg := cl.findLocked(end); seg != nil && seg.zeroFrom(end-seg.base) {
		s.log.Warn("store: truncated torn or garbage commitlog tail", "file", seg.path, "at", end)
		return seg.sync()
	}
	return nil
}

// truncateFrom drops the trailing units that point at or after off.
// Units are in CommitLog order, so they form a suffix. Recovery only.
func (q *consumeQueue) truncateFrom(off int64) {
	idx := q.written
	first := int64(0)
	if len(q.segs) > 0 {
		first = q.segs[0].base / unitSize
	}
	for idx > first {
		u, ok := q.unitLocked(idx - 1)
		if !ok || u.size <= 0 || u.phys < off {
			break
		}
		idx--
	}
	q.truncate(idx)
}

// redispatch checks the units of the records in [from, end) and writes
// those that are missing (equal ones are not rewritten, so a clean start
// dirties nothing). Records below durable (the checkpoint's CQDurable)
// whose queue is gone belong to a deleted topic, and records older than a
// queue's first unit to an earlier, deleted incarnation of it: both are
// skipped. A record whose unit differs, or lies past the end of a queue
// loaded from disk, means the queue is damaged: without full it returns
// gap so that the caller starts again from the CommitLog's start; with
// full the queue is truncated there and missing units become holes.
func (s *Store) redispatch(from, end, durable int64, full bool) (gap bool, err error) {
	var last *consumeQueue
	for off := from; off < end; {
		seg := s.cl.findLocked(off)
		d := seg.data[off-seg.base:]
		size := int64(int32(binary.BigEndian.Uint32(d)))
		if binary.BigEndian.Uint32(d[4:]) == blankMagic {
			off = seg.end()
			continue
		}
		if size < minRecordSize || off-seg.base+size+trailerSize > seg.size() {
			return false, fmt.Errorf("%w: record at %d: size %d", ErrCorrupt, off, size)
		}
		topic, id, qoff, ok := recordRoute(d[:size])
		if !ok {
			return false, fmt.Errorf("%w: record at %d: bad layout", ErrCorrupt, off)
		}
		want := unit{phys: off, size: int32(size), tags: int64(binary.BigEndian.Uint64(d[size:]))}
		off += size + trailerSize
		q := last
		if q == nil || q.id != id || q.topic != string(topic) {
			if q = s.queue(string(topic), id); q == nil {
				if !full && want.phys < durable {
					continue
				}
				q = s.queueOrCreate(string(topic), id)
			}
			last = q
		}
		if want.phys < q.firstPhys {
			continue
		}
		damaged := q.fromDisk && q.tail != nil && !full
		if qoff < q.written {
			if u, ok := q.unitLocked(qoff); ok && u == want {
				continue
			}
			if damaged {
				return true, nil
			}
			s.log.Warn("store: consume queue disagrees with the commitlog; truncating it",
				"topic", q.topic, "queue", q.id, "at", qoff, "had", q.written)
			q.truncate(qoff)
		}
		if qoff > q.written && damaged {
			return true, nil
		}
		if q.tail == nil {
			q.written = qoff
		}
		if err := q.reserve(qoff + 1); err != nil {
			return false, err
		}
		for i := q.written; i < qoff; i++ {
			q.put(i, unit{size: holeSize})
		}
		q.put(qoff, want)
	}
	return false, nil
}

// recordRoute reads the topic, queue id and queue offset of a V1 record.
func recordRoute(rec []byte) (topic []byte, id int32, qoff int64, ok bool) {
	be := binary.BigEndian
	sysFlag := int32(be.Uint32(rec[message.PosSysFlag:]))
	p := message.StoreTimestampPos(sysFlag) + 8 + 8 // store timestamp, store host (IPv4)
	if sysFlag&message.FlagStoreHostV6 != 0 {
		p += 12
	}
	p += 4 + 8 // reconsume times, prepared transaction offset
	if p+4 > len(rec) {
		return nil, 0, 0, false
	}
	p += 4 + int(be.Uint32(rec[p:])) // body
	if p < 0 || p+1 > len(rec) {
		return nil, 0, 0, false
	}
	n := int(rec[p])
	if p+1+n > len(rec) {
		return nil, 0, 0, false
	}
	return rec[p+1 : p+1+n], int32(be.Uint32(rec[message.PosQueueID:])), int64(be.Uint64(rec[message.PosQueueOffset:])), true
}
