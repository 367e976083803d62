package store

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/sagashop/sagashop/mq/message"
)

// Layout constants of the CommitLog; doc.go describes them.
const (
	// trailerSize follows every record: int64 tagsCode + uint32 CRC32-C.
	trailerSize = 12
	// blankSize is the end-of-segment marker: int32 size + uint32 magic.
	blankSize = 8
	// blankMagic marks the unused tail of a full segment (Java's BLANK_MAGIC_CODE).
	blankMagic uint32 = 0xCBD43194
	// batchContinued is XORed into the CRC of every record of a Put but
	// the last, so recovery keeps a batch whole or not at all.
	batchContinued uint32 = 0x9E3779B9
	// minRecordSize is the smallest V1 record: empty body, topic and
	// properties, IPv4 hosts.
	minRecordSize = 91
	// allocChunk is how far ahead CommitLog blocks are fallocated.
	allocChunk = 4 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// commitLog is the list of CommitLog segments. Appends are made by the
// Store under writeMu; the list itself is guarded by mu.
type commitLog struct {
	dir     string
	segSize int64 // size of new segments

	mu   sync.RWMutex
	segs []*segment // contiguous: segs[i+1].base == segs[i].end()
}

// openCommitLog maps every segment found in dir. Each but the last must
// end where the next starts; the last is grown to segSize if shorter.
func openCommitLog(dir string, segSize int64) (*commitLog, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	files, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	c := &commitLog{dir: dir, segSize: segSize}
	for i, f := range files {
		size := max(f.size, segSize)
		if i+1 < len(files) {
			// A gap or an overlap means lost data: refuse rather than guess.
			if size = files[i+1].base - f.base; size != f.size {
				c.close()
				return nil, fmt.Errorf("%w: commitlog segment %s has %d bytes but the next starts at %d",
					ErrCorrupt, f.path, f.size, files[i+1].base)
			}
		}
		s, err := openSegment(f.path, f.base, size, false)
		if err != nil {
			c.close()
			return nil, err
		}
		c.segs = append(c.segs, s)
	}
	return c, nil
}

// createSegment creates the segment starting at base and appends it to
// the list. The caller is the writer.
func (c *commitLog) createSegment(base int64) (*segment, error) {
	s, err := openSegment(filepath.Join(c.dir, segmentName(base)), base, c.segSize, true)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.segs = append(c.segs, s)
	c.mu.Unlock()
	return s, nil
}

// after returns the segment that follows s, creating it if needed (a
// Put that failed half way may have created it already).
func (c *commitLog) after(s *segment) (*segment, error) {
	c.mu.RLock()
	last := c.segs[len(c.segs)-1]
	c.mu.RUnlock()
	if last != s && last.base == s.end() {
		return last, nil
	}
	return c.createSegment(s.end())
}

// findLocked returns the segment holding off, or nil; c.mu is held.
func (c *commitLog) findLocked(off int64) *segment {
	i := sort.Search(len(c.segs), func(i int) bool { return c.segs[i].end() > off })
	if i == len(c.segs) || off < c.segs[i].base {
		return nil
	}
	return c.segs[i]
}

// minOffset is the start of the oldest segment.
func (c *commitLog) minOffset() int64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.segs) == 0 {
		return 0
	}
	return c.segs[0].base
}

// recordLocked returns the record that starts at off and ends before
// limit, aliasing the mapping, or nil. It checks the size, the magic code
// and that the record's PHYSICALOFFSET is off. c.mu is held.
func (c *commitLog) recordLocked(off, limit int64) []byte {
	s := c.findLocked(off)
	if s == nil {
		return nil
	}
	pos := off - s.base
	if pos+blankSize > s.size() {
		return nil
	}
	size := int64(int32(binary.BigEndian.Uint32(s.data[pos:])))
	if size < minRecordSize || pos+size+trailerSize > s.size() || off+size+trailerSize > limit ||
		binary.BigEndian.Uint32(s.data[pos+message.PosMagic:]) != message.MagicCode ||
		int64(binary.BigEndian.Uint64(s.data[pos+message.PosPhysicalOffset:])) != off {
		return nil
	}
	return s.data[pos : pos+size+trailerSize]
}

// syncRange fsyncs the segments holding [from, to), and the directory
// first if one of them is new. Segments are pinned so that retention can
// drop them meanwhile.
func (c *commitLog) syncRange(from, to int64) error {
	if from >= to {
		return nil
	}
	var pinned [4]*segment
	segs := pinned[:0]
	c.mu.RLock()
	for _, s := range c.segs {
		if s.end() > from && s.base < to {
			s.incRef()
			segs = append(segs, s)
		}
	}
	c.mu.RUnlock()
	defer func() {
		for _, s := range segs {
			s.decRef()
		}
	}()
	dirSync := false
	for _, s := range segs {
		if err := s.sync(); err != nil {
			return err
		}
		dirSync = s.needDirSync.Swap(false) || dirSync
	}
	if dirSync {
		return syncDir(c.dir)
	}
	return nil
}

// close unmaps every segment.
func (c *commitLog) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.segs {
		s.decRef()
	}
	c.segs = nil
}

// recordChecksum is the trailer CRC of rec followed by its tagsCode.
func recordChecksum(recAndTags []byte) uint32 { return crc32.Checksum(recAndTags, castagnoli) }
