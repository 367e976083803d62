package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"
)

// segment is one fixed-size file of the CommitLog or of a ConsumeQueue,
// mapped shared and read-write, so that a store into data is in the page
// cache at once and survives a crash of the process.
//
// Lifetime: the owning list holds one reference. Readers copy out of data
// while holding the list's read lock; the flushers, which fsync without
// that lock, take an extra reference. Removal from the list drops the
// list's reference under the list's write lock, and the last reference
// unmaps and closes the file.
type segment struct {
	path string
	base int64 // logical offset of data[0]
	fd   int
	f    *os.File
	data []byte
	refs atomic.Int32

	// allocated is the prefix of the file known to be fallocated. It is
	// owned by the segment's single writer.
	allocated int64
	// noAlloc is set once fallocate is found unsupported.
	noAlloc bool
	// needDirSync is set on a new file until its directory is fsynced.
	needDirSync atomic.Bool
}

// segmentName is the file name of the segment starting at base.
func segmentName(base int64) string { return fmt.Sprintf("%020d", base) }

// openSegment opens (or, with create, creates empty) the file at path and
// maps size bytes of it, growing the file to size if it is shorter.
func openSegment(path string, base, size int64, create bool) (*segment, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if st.Size() < size {
		if err := f.Truncate(size); err != nil {
			f.Close()
			return nil, fmt.Errorf("grow %s to %d: %w", path, size, err)
		}
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("mmap %s: %w", path, err)
	}
	s := &segment{path: path, base: base, fd: int(f.Fd()), f: f, data: data}
	s.refs.Store(1)
	if create {
		s.needDirSync.Store(true)
	}
	return s, nil
}

func (s *segment) size() int64 { return int64(len(s.data)) }
func (s *segment) end() int64  { return s.base + int64(len(s.data)) }

func (s *segment) incRef() { s.refs.Add(1) }

// decRef drops a reference; the last one unmaps and closes the file.
func (s *segment) decRef() {
	if s.refs.Add(-1) == 0 {
		syscall.Munmap(s.data)
		s.data = nil
		s.f.Close()
	}
}

// sync makes the file's data durable. For a shared mapping fdatasync
// writes back the pages dirtied through the mapping.
func (s *segment) sync() error {
	if err := syscall.Fdatasync(s.fd); err != nil {
		return fmt.Errorf("fdatasync %s: %w", s.path, err)
	}
	return nil
}

// modTime is the file's modification time.
func (s *segment) modTime() (time.Time, error) {
	st, err := s.f.Stat()
	if err != nil {
		return time.Time{}, err
	}
	return st.ModTime(), nil
}

// ensureAllocated reserves disk blocks up to end (rounded up to chunk) so
// that a store through the mapping cannot fault with SIGBUS when the disk
// fills up. The caller is the segment's single writer.
func (s *segment) ensureAllocated(end, chunk int64) error {
	if end <= s.allocated || s.noAlloc {
		return nil
	}
	to := min((end+chunk-1)/chunk*chunk, s.size())
	err := syscall.Fallocate(s.fd, 0, s.allocated, to-s.allocated)
	switch {
	case err == nil:
		s.allocated = to
		return nil
	case errors.Is(err, syscall.EOPNOTSUPP) || errors.Is(err, syscall.ENOSYS):
		s.noAlloc = true
		return nil
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT):
		return fmt.Errorf("%w: fallocate %s: %w", ErrDiskFull, s.path, err)
	}
	return fmt.Errorf("fallocate %s: %w", s.path, err)
}

// zeroFrom clears every non-zero byte from pos to the end of the file. It
// asks the file system for its data regions (SEEK_DATA/SEEK_HOLE) so that
// holes are neither read nor allocated.
func (s *segment) zeroFrom(pos int64) (cleared bool) {
	const chunk = 64 << 10
	var zero [chunk]byte
	for pos < s.size() {
		from, to := pos, s.size()
		if d, err := syscall.Seek(s.fd, pos, 3 /* SEEK_DATA */); err == nil {
			if d >= s.size() {
				return cleared
			}
			from = d
			if h, err := syscall.Seek(s.fd, d, 4 /* SEEK_HOLE */); err == nil {
				to = min(h, s.size())
			}
		} else if errors.Is(err, syscall.ENXIO) {
			return cleared
		}
		for off := from; off < to; {
			n := min(chunk-off%chunk, to-off)
			if b := s.data[off : off+n]; !bytes.Equal(b, zero[:n]) {
				clear(b)
				cleared = true
			}
			off += n
		}
		pos = to
	}
	return cleared
}

// segmentFile is a segment file found on disk.
type segmentFile struct {
	base int64
	size int64
	path string
}

// listSegments returns the files of dir whose names are 20-digit offsets,
// sorted by offset. Other names are ignored.
func listSegments(dir string) ([]segmentFile, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	var out []segmentFile
	for _, e := range ents {
		if len(e.Name()) != 20 || !e.Type().IsRegular() {
			continue
		}
		base, err := strconv.ParseInt(e.Name(), 10, 64)
		if err != nil || base < 0 {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, err
		}
		out = append(out, segmentFile{base: base, size: info.Size(), path: filepath.Join(dir, e.Name())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].base < out[j].base })
	return out, nil
}

// syncDir fsyncs a directory so that entries created or removed in it are
// durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("fsync dir %s: %w", dir, err)
	}
	return nil
}

// statfsUsage is the default Options.DiskUsage.
func statfsUsage(dir string) (used, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	total = st.Blocks * uint64(st.Bsize)
	used = (st.Blocks - st.Bfree) * uint64(st.Bsize)
	return used, total, nil
}
