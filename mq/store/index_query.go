package store

import (
	"math"
	"slices"
)

// maxQueryNum bounds QueryByKey's results (Java's maxMsgsNumBatch).
const maxQueryNum = 64

// QueryByKey returns the records of topic that carry key; see
// MessageStore.QueryByKey.
//
// It walks the key's slot chain in each index file, newest file first.
// Chains run from newer to older entries, so the walk stops at the first
// entry stored before begin or lying below the CommitLog's start. Every
// entry whose hash matches is checked against its record, which settles
// hash and slot collisions.
func (s *Store) QueryByKey(topic, key string, maxNum int, begin, end int64) ([][]byte, error) {
	if s.isClosed.Load() {
		return nil, ErrClosed
	}
	if maxNum <= 0 || maxNum > maxQueryNum {
		maxNum = maxQueryNum
	}
	if end <= 0 {
		end = math.MaxInt64
	}
	if topic == "" || key == "" || begin > end {
		return nil, nil
	}
	files := s.idx.pin()
	defer unpin(files)
	h := keyHash(topic, key)
	clMin := s.CommitLogMinOffset()
	var out [][]byte
	var seen []int64
	for i := len(files) - 1; i >= 0 && len(out) < maxNum; i-- {
		f := files[i]
		if i+1 < len(files) && files[i+1].baseTS < begin {
			break // this file's records, and older ones, were stored before the next file's first
		}
		if f.baseTS > end {
			continue
		}
		for n := f.head(h % f.slots); n != 0 && n <= f.capacity && len(out) < maxNum; {
			e := f.entry(n)
			if ts := f.baseTS + int64(e.delta); ts < begin || e.phys < clMin {
				break
			} else if e.hash == h && ts <= end && !slices.Contains(seen, e.phys) {
				seen = append(seen, e.phys)
				if rec := s.keyedRecord(e.phys, topic, key); rec != nil {
					out = append(out, rec)
				}
			}
			if e.prev >= n {
				break // links only go back; anything else is damage
			}
			n = e.prev
		}
	}
	return out, nil
}

// keyedRecord returns a copy of the visible record at phys (trailer
// excluded) if it is of topic and carries key, else nil.
func (s *Store) keyedRecord(phys int64, topic, key string) []byte {
	limit := s.visible.Load() // after the index entry was read: see Store.visible
	s.cl.mu.RLock()
	defer s.cl.mu.RUnlock()
	r := s.cl.recordLocked(phys, limit)
	if r == nil {
		return nil
	}
	rec := r[:len(r)-trailerSize]
	if kr, ok := parseKeyed(rec); !ok || !kr.matches(topic, key) {
		return nil
	}
	return append([]byte(nil), rec...)
}

// IndexLastUpdate returns the store timestamp and CommitLog offset of the
// last record indexed; see MessageStore.IndexLastUpdate.
func (s *Store) IndexLastUpdate() (storeTimestamp, physicalOffset int64) {
	return s.idx.lastTS.Load(), s.idx.lastPhys.Load()
}
