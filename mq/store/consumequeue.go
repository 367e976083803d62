package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
)

const (
	// unitSize is one ConsumeQueue unit: int64 commitlog offset, int32
	// record size, int64 tagsCode.
	unitSize = 20
	// holeSize marks a unit with no message (a gap found by recovery).
	holeSize = -1
	// cqAllocChunk is how far ahead ConsumeQueue blocks are fallocated.
	cqAllocChunk = 64 << 10
)

// unit is one decoded ConsumeQueue unit.
type unit struct {
	phys int64
	size int32
	tags int64
}

// consumeQueue is the index of one topic/queue: unit N describes the
// message at queue offset N.
//
// Fields are guarded as marked. The unit bytes themselves are written
// only above max, by the holder of Store.dispatchMu, and read only below
// max, so readers need no lock beyond mu for the segment list.
type consumeQueue struct {
	topic  string
	id     int32
	dir    string
	perSeg int64 // units per new segment

	mu      sync.RWMutex
	segs    []*segment // guarded by mu; base = unit index * unitSize
	deleted bool       // guarded by mu

	min atomic.Int64 // first readable queue offset
	max atomic.Int64 // next queue offset; units below are visible

	next    int64    // next queue offset to assign; guarded by Store.writeMu
	written int64    // units below are written; guarded by Store.dispatchMu
	tail    *segment // last segment; guarded by Store.dispatchMu
	flushed int64    // units below are fsynced; guarded by Store.flushMu

	removed  bool        // dropped by DeleteTopic; guarded by Store.dispatchMu
	fromDisk bool        // loaded at Open rather than created since
	hasFiles atomic.Bool // its directory and a first file exist
	// firstPhys is the CommitLog offset of the first unit loaded from
	// disk: older records of the topic belong to a deleted incarnation
	// of the queue. Recovery only; MinInt64 when unknown.
	firstPhys int64
	newDirs   atomic.Bool // its directories are not yet fsynced
}

func newConsumeQueue(root, topic string, id int32, perSeg int64) *consumeQueue {
	return &consumeQueue{topic: topic, id: id, perSeg: perSeg, firstPhys: math.MinInt64,
		dir: filepath.Join(root, topic, strconv.Itoa(int(id)))}
}

// loadConsumeQueue maps the segments of an existing queue directory and
// finds its end: the first unit whose size is zero. Files that do not
// follow each other fail with ErrCorrupt.
func loadConsumeQueue(root, topic string, id int32, perSeg int64) (*consumeQueue, error) {
	q := newConsumeQueue(root, topic, id, perSeg)
	q.fromDisk = true
	files, err := listSegments(q.dir)
	if err != nil {
		return nil, err
	}
	for i, f := range files {
		size := max(f.size, perSeg*unitSize)
		if i+1 < len(files) {
			size = files[i+1].base - f.base
		}
		if f.base%unitSize != 0 || size%unitSize != 0 || (i+1 < len(files) && size != f.size) {
			q.close()
			return nil, fmt.Errorf("%w: consume queue file %s: base %d, size %d, next at %d",
				ErrCorrupt, f.path, f.base, f.size, f.base+size)
		}
		s, err := openSegment(f.path, f.base, size, false)
		if err != nil {
			q.close()
			return nil, err
		}
		q.segs = append(q.segs, s)
	}
	if len(q.segs) == 0 {
		return q, nil
	}
	q.hasFiles.Store(true)
	end := q.findEnd()
	q.trimAfter(end)
	q.written, q.next, q.flushed = end, end, end
	q.max.Store(end)
	q.min.Store(q.segs[0].base / unitSize)
	for i := q.segs[0].base / unitSize; i < end; i++ {
		if u, ok := q.unitLocked(i); ok && u.size > 0 {
			q.firstPhys = u.phys
			break
		}
	}
	return q, nil
}

// findEnd returns the first unit never written. Units are written in
// order, so the used ones form a prefix of the queue; a batch may have
// created files past it that are still empty.
func (q *consumeQueue) findEnd() int64 {
	for i := len(q.segs) - 1; i >= 0; i-- {
		s := q.segs[i]
		k := sort.Search(int(s.size()/unitSize), func(j int) bool { return unitSizeAt(s, int64(j)) == 0 })
		if k > 0 || i == 0 {
			return s.base/unitSize + int64(k)
		}
	}
	return 0
}

// trimAfter deletes the files that start after the one holding unit end.
// Recovery only.
func (q *consumeQueue) trimAfter(end int64) {
	q.mu.Lock()
	for len(q.segs) > 1 && q.segs[len(q.segs)-1].base > end*unitSize {
		s := q.segs[len(q.segs)-1]
		os.Remove(s.path)
		s.decRef()
		q.segs = q.segs[:len(q.segs)-1]
	}
	q.tail = nil
	if len(q.segs) > 0 {
		q.tail = q.segs[len(q.segs)-1]
	}
	q.mu.Unlock()
}

func unitSizeAt(s *segment, i int64) int32 {
	return int32(binary.BigEndian.Uint32(s.data[i*unitSize+8:]))
}

// findLocked returns the segment holding unit idx, or nil; mu is held
// (or the caller is the writer, which owns additions).
func (q *consumeQueue) findLocked(idx int64) *segment {
	pos := idx * unitSize
	i := sort.Search(len(q.segs), func(i int) bool { return q.segs[i].end() > pos })
	if i == len(q.segs) || pos < q.segs[i].base {
		return nil
	}
	return q.segs[i]
}

// unitLocked reads unit idx; mu is held. ok is false if no segment holds it.
func (q *consumeQueue) unitLocked(idx int64) (u unit, ok bool) {
	s := q.findLocked(idx)
	if s == nil {
		return u, false
	}
	b := s.data[idx*unitSize-s.base:]
	return unit{int64(binary.BigEndian.Uint64(b)), int32(binary.BigEndian.Uint32(b[8:])),
		int64(binary.BigEndian.Uint64(b[12:]))}, true
}

// reserve makes sure segments and disk blocks exist for units below end,
// so that put cannot fail. A queue without segments gets its first one at
// the segment boundary at or below written (recovery may start a queue
// past offset 0; written then moves to that boundary and the caller fills
// the gap with holes). Store.dispatchMu is held.
func (q *consumeQueue) reserve(end int64) error {
	if end <= q.written && q.tail != nil {
		return nil
	}
	if q.tail == nil {
		if err := os.MkdirAll(q.dir, 0o755); err != nil {
			return err
		}
		q.newDirs.Store(true)
	}
	for q.tail == nil || q.tail.end() < end*unitSize {
		var base int64
		if q.tail != nil {
			if err := q.tail.ensureAllocated(q.tail.size(), cqAllocChunk); err != nil {
				return err // the batch also writes the rest of this file
			}
			base = q.tail.end()
		} else {
			base = q.written / q.perSeg * q.perSeg * unitSize
		}
		s, err := openSegment(filepath.Join(q.dir, segmentName(base)), base, q.perSeg*unitSize, true)
		if err != nil {
			return err
		}
		q.mu.Lock()
		q.segs = append(q.segs, s)
		q.mu.Unlock()
		if q.tail == nil {
			q.written = base / unitSize
		}
		q.tail = s
		q.hasFiles.Store(true)
	}
	return q.tail.ensureAllocated(end*unitSize-q.tail.base, cqAllocChunk)
}

// put writes unit idx; units below idx must be written and reserve(idx+1)
// must have succeeded. Store.dispatchMu is held.
func (q *consumeQueue) put(idx int64, u unit) {
	s := q.tail
	if idx*unitSize < s.base { // a batch that spans segments, or recovery
		q.mu.RLock()
		s = q.findLocked(idx)
		q.mu.RUnlock()
	}
	b := s.data[idx*unitSize-s.base:]
	binary.BigEndian.PutUint64(b, uint64(u.phys))
	binary.BigEndian.PutUint32(b[8:], uint32(u.size))
	binary.BigEndian.PutUint64(b[12:], uint64(u.tags))
	q.written = max(q.written, idx+1)
}

// truncate zeroes the units from idx on. Recovery only.
func (q *consumeQueue) truncate(idx int64) {
	if idx >= q.written {
		return
	}
	for _, s := range q.segs {
		from, to := max(idx*unitSize, s.base), min(q.written*unitSize, s.end())
		if from < to {
			clear(s.data[from-s.base : to-s.base])
		}
	}
	q.written = min(q.written, idx)
	q.firstPhys = math.MinInt64
}

// sync fsyncs the units written since the last call, and the queue's
// directories if they are new. Store.flushMu is held.
func (q *consumeQueue) sync() error {
	to := q.max.Load()
	if to <= q.flushed && !q.newDirs.Load() {
		return nil
	}
	var pinned [4]*segment
	segs := pinned[:0]
	q.mu.RLock()
	for _, s := range q.segs {
		if s.end() > q.flushed*unitSize && s.base < to*unitSize {
			s.incRef()
			segs = append(segs, s)
		}
	}
	q.mu.RUnlock()
	defer func() {
		for _, s := range segs {
			s.decRef()
		}
	}()
	dirSync := q.newDirs.Swap(false)
	for _, s := range segs {
		if err := s.sync(); err != nil {
			return err
		}
		dirSync = s.needDirSync.Swap(false) || dirSync
	}
	if dirSync {
		for _, d := range []string{q.dir, filepath.Dir(q.dir), filepath.Dir(filepath.Dir(q.dir))} {
			if err := syncDir(d); err != nil {
				return err
			}
		}
	}
	q.flushed = to
	return nil
}

// dropBelow deletes the segments (never the last, nor one with units not
// yet visible) whose units all point below clMin, then moves min to the
// first unit at or above clMin.
func (q *consumeQueue) dropBelow(clMin int64) {
	var gone []*segment
	q.mu.Lock()
	if q.deleted || len(q.segs) == 0 {
		q.mu.Unlock()
		return
	}
	maxOff := q.max.Load()
	for len(q.segs) > 1 {
		s := q.segs[0]
		if s.end()/unitSize > maxOff {
			break // units of a spanning batch not yet dispatched
		}
		last, _ := q.unitLocked(s.end()/unitSize - 1)
		if last.size > 0 && last.phys >= clMin {
			break
		}
		gone = append(gone, s)
		q.segs = q.segs[1:]
	}
	idx := max(q.min.Load(), q.segs[0].base/unitSize)
	for ; idx < maxOff; idx++ {
		if u, ok := q.unitLocked(idx); ok && u.size > 0 && u.phys >= clMin {
			break
		}
	}
	q.min.Store(idx)
	q.mu.Unlock()
	// Out of the list, so no reader can reach them: unlink and unmap
	// without holding up readers.
	for _, s := range gone {
		os.Remove(s.path)
		s.decRef()
	}
}

// close unmaps the segments and marks the queue deleted for readers.
func (q *consumeQueue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for _, s := range q.segs {
		s.decRef()
	}
	q.segs, q.tail, q.deleted = nil, nil, true
}
