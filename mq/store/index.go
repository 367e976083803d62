package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"log/slog"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"unsafe"
)

// Layout constants of the message index; doc.go ("Index") describes them.
const (
	indexDir        = "index"
	indexHeaderSize = 64
	indexEntrySize  = 20
	indexMagic      = 0x53494458 // "SIDX"
	indexVersion    = 1
	// indexAllocChunk is how far ahead index blocks are fallocated.
	indexAllocChunk = 1 << 20
	// Slots and entries of a new index file by default: 84 MiB, of
	// which 4 MiB (the slot table) is allocated at creation.
	defaultIndexSlots   = 1 << 20
	defaultIndexEntries = 4 << 20
)

// nativeLE says whether the host is little-endian: slot heads are
// big-endian on disk but read and written with sync/atomic.
var nativeLE = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

func beSwap(v uint32) uint32 {
	if nativeLE {
		return bits.ReverseBytes32(v)
	}
	return v
}

// indexEntry is one decoded index entry.
type indexEntry struct {
	hash  uint32 // keyHash; 0 = never written
	phys  int64  // CommitLog offset of the record
	delta uint32 // store timestamp - the file's base timestamp, ms
	prev  uint32 // previous entry of the same slot, 0 = none
}

// indexFile is one mapped index file.
//
// Entries are written once, only above count, by the holder of
// Store.dispatchMu, before the slot head that makes them reachable is
// stored; slot heads are loaded and stored atomically. Readers therefore
// need no lock: they follow a slot head to entries that no longer change.
type indexFile struct {
	seg      *segment // base = CommitLog offset of the first record indexed
	slots    uint32
	capacity uint32
	baseTS   int64
	count    atomic.Uint32 // entries written; stored by the writer only
	dirty    atomic.Bool   // written since the last fsync
}

func indexFileSize(slots, capacity uint32) int64 {
	return indexHeaderSize + 4*int64(slots) + indexEntrySize*int64(capacity)
}

func (f *indexFile) entryPos(n uint32) int64 {
	return indexHeaderSize + 4*int64(f.slots) + indexEntrySize*int64(n-1)
}

// slotWord points at slot i's head in the mapping (4-byte aligned: the
// mapping is page-aligned and the table starts at byte 64).
func (f *indexFile) slotWord(i uint32) *uint32 {
	return (*uint32)(unsafe.Pointer(&f.seg.data[indexHeaderSize+4*int64(i)]))
}

func (f *indexFile) head(i uint32) uint32       { return beSwap(atomic.LoadUint32(f.slotWord(i))) }
func (f *indexFile) setHead(i uint32, n uint32) { atomic.StoreUint32(f.slotWord(i), beSwap(n)) }

// entry reads entry n (1-based, at most capacity).
func (f *indexFile) entry(n uint32) indexEntry {
	b := f.seg.data[f.entryPos(n):]
	be := binary.BigEndian
	return indexEntry{be.Uint32(b), int64(be.Uint64(b[4:])), be.Uint32(b[12:]), be.Uint32(b[16:])}
}

func (f *indexFile) putEntry(n uint32, e indexEntry) {
	b := f.seg.data[f.entryPos(n):]
	be := binary.BigEndian
	be.PutUint32(b, e.hash)
	be.PutUint64(b[4:], uint64(e.phys))
	be.PutUint32(b[12:], e.delta)
	be.PutUint32(b[16:], e.prev)
}

// fits reports whether the k keys of a record stored at ts go into this
// file after its first count entries. A record's keys never span files;
// an empty file takes the first capacity keys of any record.
func (f *indexFile) fits(count uint32, k int, ts int64) bool {
	return ts >= f.baseTS && ts-f.baseTS <= math.MaxUint32 &&
		(count == 0 || int64(count)+int64(k) <= int64(f.capacity))
}

// msgIndex is the key index of the CommitLog: index files, oldest first.
type msgIndex struct {
	dir      string
	slots    uint32 // of new files
	capacity uint32 // of new files
	log      *slog.Logger

	mu    sync.RWMutex
	files []*indexFile // guarded by mu; by base, ascending

	active  *indexFile // last file; guarded by Store.dispatchMu
	growErr bool       // the last add found no room; guarded by Store.dispatchMu
	// existed and damaged are what openIndex found, for recovery: whether
	// the directory existed, and whether files failed their checks.
	existed, damaged bool
	// lastPhys and lastTS are the CommitLog offset and store time of the
	// last record indexed (Java's indexLastUpdatePhyoffset/Timestamp).
	lastPhys atomic.Int64
	lastTS   atomic.Int64
}

// openIndex maps the index files under dir. A file that fails its checks
// is deleted with every later one, and recovery then rebuilds the index.
func openIndex(dir string, slots, capacity uint32, log *slog.Logger) (*msgIndex, error) {
	x := &msgIndex{dir: dir, slots: slots, capacity: capacity, log: log}
	if _, err := os.Stat(dir); err == nil {
		x.existed = true
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	files, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	for i, sf := range files {
		f, err := loadIndexFile(sf)
		if err != nil && !errors.Is(err, ErrCorrupt) {
			x.close()
			return nil, err
		}
		if err != nil {
			log.Warn("store: dropping damaged index files; rebuilding the index", "from", sf.path, "err", err)
			x.damaged = true
			for _, rest := range files[i:] {
				if err := os.Remove(rest.path); err != nil {
					x.close()
					return nil, err
				}
			}
			break
		}
		x.files = append(x.files, f)
	}
	return x, nil
}

// loadIndexFile checks a file's header, maps it and finds its count: the
// entries in use form a prefix, ended by the first hash of 0.
func loadIndexFile(sf segmentFile) (*indexFile, error) {
	hdr := make([]byte, indexHeaderSize)
	fd, err := os.Open(sf.path)
	if err != nil {
		return nil, err
	}
	_, err = fd.ReadAt(hdr, 0)
	fd.Close()
	if err != nil {
		return nil, fmt.Errorf("%w: index file %s: header: %w", ErrCorrupt, sf.path, err)
	}
	be := binary.BigEndian
	slots, capacity := be.Uint32(hdr[8:]), be.Uint32(hdr[12:])
	base, baseTS := int64(be.Uint64(hdr[16:])), int64(be.Uint64(hdr[24:]))
	switch {
	case be.Uint32(hdr) != indexMagic || be.Uint32(hdr[4:]) != indexVersion:
		return nil, fmt.Errorf("%w: index file %s: magic %#x version %d", ErrCorrupt, sf.path, be.Uint32(hdr), be.Uint32(hdr[4:]))
	case be.Uint32(hdr[32:]) != crc32.Checksum(hdr[:32], castagnoli):
		return nil, fmt.Errorf("%w: index file %s: header crc", ErrCorrupt, sf.path)
	case slots == 0 || capacity == 0 || base != sf.base || sf.size > indexFileSize(slots, capacity):
		return nil, fmt.Errorf("%w: index file %s: %d bytes, %d slots, %d entries, base %d",
			ErrCorrupt, sf.path, sf.size, slots, capacity, base)
	}
	seg, err := openSegment(sf.path, base, indexFileSize(slots, capacity), false)
	if err != nil {
		return nil, err
	}
	f := &indexFile{seg: seg, slots: slots, capacity: capacity, baseTS: baseTS}
	lo, hi := uint32(0), capacity // entries 1..lo are used, lo+1.. beyond hi are not
	for lo < hi {
		mid := lo + (hi-lo+1)/2
		if be.Uint32(seg.data[f.entryPos(mid):]) != 0 {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	f.count.Store(lo)
	return f, nil
}

// create makes the file for a record at base stored at ts and makes it
// the active one. Store.dispatchMu is held (or recovery runs).
func (x *msgIndex) create(base, ts int64) (*indexFile, error) {
	if err := os.MkdirAll(x.dir, 0o755); err != nil {
		return nil, err
	}
	path := filepath.Join(x.dir, segmentName(base))
	seg, err := openSegment(path, base, indexFileSize(x.slots, x.capacity), true)
	if err != nil {
		return nil, err
	}
	f := &indexFile{seg: seg, slots: x.slots, capacity: x.capacity, baseTS: ts}
	if err := seg.ensureAllocated(f.entryPos(1), indexAllocChunk); err != nil {
		seg.decRef()
		os.Remove(path)
		return nil, err
	}
	be := binary.BigEndian
	h := seg.data[:indexHeaderSize]
	be.PutUint32(h, indexMagic)
	be.PutUint32(h[4:], indexVersion)
	be.PutUint32(h[8:], f.slots)
	be.PutUint32(h[12:], f.capacity)
	be.PutUint64(h[16:], uint64(base))
	be.PutUint64(h[24:], uint64(ts))
	be.PutUint32(h[32:], crc32.Checksum(h[:32], castagnoli))
	f.dirty.Store(true)
	x.mu.Lock()
	x.files = append(x.files, f)
	x.mu.Unlock()
	x.active = f
	return f, nil
}

// add indexes the keys of rec, the record at phys (trailer excluded).
// Records must be added in CommitLog order. If no file can take the keys
// (the disk is full), the record stays unindexed and this is logged.
// Store.dispatchMu is held (or recovery runs).
func (x *msgIndex) add(rec []byte, phys int64) {
	r, ok := parseKeyed(rec)
	if !ok {
		return
	}
	k := r.countKeys()
	if k == 0 {
		return
	}
	f := x.active
	if f == nil || !f.fits(f.count.Load(), k, r.ts) {
		var err error
		if f, err = x.create(phys, r.ts); err != nil {
			x.noRoom(phys, err)
			return
		}
	}
	n := f.count.Load()
	k = min(k, int(f.capacity-n))
	if err := f.seg.ensureAllocated(f.entryPos(n+uint32(k)+1), indexAllocChunk); err != nil {
		x.noRoom(phys, err)
		return
	}
	th := topicHash(r.topic)
	for key, ok := r.nextKey(); ok && k > 0; key, ok = r.nextKey() {
		h := keyHashFrom(th, key)
		slot := h % f.slots
		n++
		f.putEntry(n, indexEntry{hash: h, phys: phys, delta: uint32(r.ts - f.baseTS), prev: f.head(slot)})
		f.setHead(slot, n)
		k--
	}
	f.count.Store(n)
	if !f.dirty.Load() {
		f.dirty.Store(true)
	}
	x.lastPhys.Store(phys)
	x.lastTS.Store(r.ts)
	if x.growErr {
		x.growErr = false
		x.log.Info("store: indexing messages again", "at", phys)
	}
}

// noRoom logs, once per episode, that a record could not be indexed.
func (x *msgIndex) noRoom(phys int64, err error) {
	if !x.growErr {
		x.growErr = true
		x.log.Error("store: cannot grow the message index; records stay unindexed until it can", "at", phys, "err", err)
	}
}

// pin returns the files, oldest first, each with a reference the caller
// drops with unpin.
func (x *msgIndex) pin() []*indexFile {
	x.mu.RLock()
	defer x.mu.RUnlock()
	out := make([]*indexFile, len(x.files))
	for i, f := range x.files {
		f.seg.incRef()
		out[i] = f
	}
	return out
}

func unpin(files []*indexFile) {
	for _, f := range files {
		f.seg.decRef()
	}
}

// sync fsyncs the files written since the last call, and the directory
// when one of them is new. Store.flushMu is held.
func (x *msgIndex) sync() error {
	var dirty []*indexFile
	x.mu.RLock()
	for _, f := range x.files {
		if f.dirty.Load() {
			f.seg.incRef()
			dirty = append(dirty, f)
		}
	}
	x.mu.RUnlock()
	defer unpin(dirty)
	dirSync := false
	for _, f := range dirty {
		f.dirty.Store(false)
		if err := f.seg.sync(); err != nil {
			f.dirty.Store(true)
			return err
		}
		dirSync = f.seg.needDirSync.Swap(false) || dirSync
	}
	if dirSync {
		return syncDir(x.dir)
	}
	return nil
}

// dropBelow deletes the files (never the last) whose records all lie
// below clMin: those followed by a file starting at or below it, since a
// record's keys never span files.
func (x *msgIndex) dropBelow(clMin int64) {
	var gone []*indexFile
	x.mu.Lock()
	for len(x.files) > 1 && x.files[1].seg.base <= clMin {
		gone = append(gone, x.files[0])
		x.files = x.files[1:]
	}
	x.mu.Unlock()
	for _, f := range gone {
		if err := os.Remove(f.seg.path); err != nil {
			x.log.Warn("store: remove expired index file", "file", f.seg.path, "err", err)
		}
		f.seg.decRef()
	}
	if len(gone) > 0 {
		if err := syncDir(x.dir); err != nil {
			x.log.Warn("store: fsync index dir", "err", err)
		}
	}
}

// close unmaps every file (pinned ones when their readers let go).
func (x *msgIndex) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, f := range x.files {
		f.seg.decRef()
	}
	x.files, x.active = nil, nil
}
