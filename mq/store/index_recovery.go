package store

import (
	"encoding/binary"
	"fmt"
	"os"
	"sort"
)

// recoverIndex makes the message index agree with the CommitLog up to
// end; doc.go ("Index", recovery) describes it. from is where the
// ConsumeQueues were re-dispatched from: every index entry of a record
// below it is durable. It runs before any goroutine starts.
func (s *Store) recoverIndex(from, end int64, clean bool) error {
	x := s.idx
	clMin := s.cl.segs[0].base
	if !x.existed || x.damaged {
		from = clMin // never built, removed or damaged: index the whole log
	}
	from = min(max(from, clMin), end)
	files := x.files

	// The cursor (fi, n): entries 1..n of files[fi] are verified; fi is
	// -1 before the first file.
	fi := sort.Search(len(files), func(i int) bool { return files[i].seg.base > from }) - 1
	var n uint32
	if fi >= 0 {
		f := files[fi]
		n = uint32(sort.Search(int(f.count.Load()), func(i int) bool {
			e := f.entry(uint32(i + 1))
			return e.hash == 0 || e.phys >= from || e.phys < f.seg.base
		}))
	}
	first := max(fi, 0)
	restart := end
	err := s.walkRecords(from, end, func(off int64, rec []byte) bool {
		r, ok := parseKeyed(rec)
		k := r.countKeys()
		if !ok || k == 0 {
			return true
		}
		if fi < 0 || !files[fi].fits(n, k, r.ts) {
			if fi >= 0 && files[fi].count.Load() != n {
				restart = off // the file goes on past where it should end
				return false
			}
			fi, n = fi+1, 0
			if fi == len(files) || files[fi].seg.base != off || files[fi].baseTS != r.ts {
				restart = off
				return false
			}
		}
		f := files[fi]
		k = min(k, int(f.capacity-n))
		if !f.holds(n, &r, k, off) {
			restart = off
			return false
		}
		n += uint32(k)
		return true
	})
	if err != nil {
		return err
	}

	// Drop what lies past the cursor, then relink the slots of the files
	// that may hold torn writes (all from the first one checked, after a
	// crash) or lost entries.
	keep, cut := max(fi, 0), false
	if n > 0 {
		keep, cut = fi+1, files[fi].count.Load() > n
		files[fi].count.Store(n)
	}
	if keep > 0 && (cut || !clean) {
		if f := files[keep-1]; f.seg.zeroFrom(f.entryPos(f.count.Load() + 1)) {
			f.dirty.Store(true)
		}
		if cut && clean {
			files[keep-1].relink()
		}
	}
	for _, f := range files[keep:] {
		s.log.Warn("store: deleting index file past the verified index", "file", f.seg.path)
		if err := os.Remove(f.seg.path); err != nil {
			return err
		}
		f.seg.decRef()
	}
	x.mu.Lock()
	x.files = files[:keep]
	x.mu.Unlock()
	if !clean {
		for _, f := range x.files[min(first, keep):] {
			f.relink()
		}
	}
	x.active = nil
	if keep > 0 {
		x.active = x.files[keep-1]
	}
	for i := len(x.files) - 1; i >= 0; i-- {
		if f := x.files[i]; f.count.Load() > 0 {
			e := f.entry(f.count.Load())
			x.lastPhys.Store(e.phys)
			x.lastTS.Store(f.baseTS + int64(e.delta))
			break
		}
	}

	if err := s.walkRecords(restart, end, func(off int64, rec []byte) bool {
		x.add(rec, off)
		return true
	}); err != nil {
		return err
	}
	if restart < end || keep < len(files) {
		s.log.Info("store: message index rebuilt", "verifiedFrom", from, "rebuiltFrom", restart, "end", end,
			"files", len(x.files))
	}
	if err := os.MkdirAll(x.dir, 0o755); err != nil {
		return err
	}
	if !x.existed || keep < len(files) {
		if err := syncDir(x.dir); err != nil {
			return err
		}
		return syncDir(s.opts.Dir)
	}
	return nil
}

// walkRecords calls fn with the offset and bytes (trailer excluded) of
// each record in [from, end), a range of whole records, until fn returns
// false. Recovery only.
func (s *Store) walkRecords(from, end int64, fn func(off int64, rec []byte) bool) error {
	be := binary.BigEndian
	for off := from; off < end; {
		seg := s.cl.findLocked(off)
		if seg == nil {
			return fmt.Errorf("%w: no commitlog segment holds %d", ErrCorrupt, off)
		}
		d := seg.data[off-seg.base:]
		size := int64(int32(be.Uint32(d)))
		if be.Uint32(d[4:]) == blankMagic {
			off = seg.end()
			continue
		}
		if size < minRecordSize || off-seg.base+size+trailerSize > seg.size() {
			return fmt.Errorf("%w: record at %d: size %d", ErrCorrupt, off, size)
		}
		if !fn(off, d[:size]) {
			return nil
		}
		off += size + trailerSize
	}
	return nil
}

// holds reports whether entries n+1..n+k are the first k keys of r, the
// record at off.
func (f *indexFile) holds(n uint32, r *keyedRecord, k int, off int64) bool {
	if n+uint32(k) > f.count.Load() {
		return false
	}
	delta := uint32(r.ts - f.baseTS)
	for j := uint32(1); j <= uint32(k); j++ {
		key, _ := r.nextKey()
		if e := f.entry(n + j); e.hash != keyHash(r.topic, key) || e.phys != off || e.delta != delta {
			return false
		}
	}
	return true
}

// relink rewrites the slot heads and prev links from the entries, so
// that after a crash or a truncation every chain holds exactly the
// entries in use. Only words that differ are written. Recovery only.
func (f *indexFile) relink() {
	heads := make([]uint32, f.slots)
	count := f.count.Load()
	be := binary.BigEndian
	for n := uint32(1); n <= count; n++ {
		e := f.entry(n)
		slot := e.hash % f.slots
		if e.prev != heads[slot] {
			be.PutUint32(f.seg.data[f.entryPos(n)+16:], heads[slot])
			f.dirty.Store(true)
		}
		heads[slot] = n
	}
	for i, h := range heads {
		if f.head(uint32(i)) != h {
			f.setHead(uint32(i), h)
			f.dirty.Store(true)
		}
	}
}
