package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
)

const (
	checkpointFile  = "checkpoint"
	checkpointSize  = 68
	checkpointMagic = 0x53434B50 // "SCKP"
	checkpointV1    = 1
	cpFlagClean     = 1
)

// checkpoint is the content of the checkpoint file; doc.go gives its layout.
type checkpoint struct {
	// Flushed is the CommitLog offset below which the log is fsynced.
	Flushed int64
	// CQDurable is the CommitLog offset below which every record's
	// ConsumeQueue unit is fsynced. CQDurable <= Flushed.
	CQDurable int64
	// ActiveFrom is the start of the Put that first wrote into the active
	// segment: a Put boundary at or before that segment's start, from which
	// recovery verifies the log even after a clean exit.
	ActiveFrom int64
	// FlushedAt and CQDurableAt are when those were reached (Unix ms).
	FlushedAt   int64
	CQDurableAt int64
	// WrittenAt is when the file was written (Unix ms).
	WrittenAt int64
	// Clean is set only by Close.
	Clean bool
	// Queues is the number of ConsumeQueues that existed; recovery
	// rebuilds them all if it finds fewer directories.
	Queues uint32
}

func (c checkpoint) marshal() []byte {
	b := make([]byte, checkpointSize)
	be := binary.BigEndian
	be.PutUint32(b[0:], checkpointMagic)
	be.PutUint32(b[4:], checkpointV1)
	be.PutUint64(b[8:], uint64(c.Flushed))
	be.PutUint64(b[16:], uint64(c.CQDurable))
	be.PutUint64(b[24:], uint64(c.ActiveFrom))
	be.PutUint64(b[32:], uint64(c.FlushedAt))
	be.PutUint64(b[40:], uint64(c.CQDurableAt))
	be.PutUint64(b[48:], uint64(c.WrittenAt))
	if c.Clean {
		be.PutUint32(b[56:], cpFlagClean)
	}
	be.PutUint32(b[60:], c.Queues)
	be.PutUint32(b[64:], crc32.Checksum(b[:64], castagnoli))
	return b
}

// unmarshalCheckpoint decodes and checks a checkpoint file's bytes.
func unmarshalCheckpoint(b []byte) (checkpoint, error) {
	var c checkpoint
	be := binary.BigEndian
	if len(b) != checkpointSize {
		return c, fmt.Errorf("%w: checkpoint of %d bytes", ErrCorrupt, len(b))
	}
	if m, v := be.Uint32(b), be.Uint32(b[4:]); m != checkpointMagic || v != checkpointV1 {
		return c, fmt.Errorf("%w: checkpoint magic %#x version %d", ErrCorrupt, m, v)
	}
	if got, want := be.Uint32(b[64:]), crc32.Checksum(b[:64], castagnoli); got != want {
		return c, fmt.Errorf("%w: checkpoint crc %#x, want %#x", ErrCorrupt, got, want)
	}
	c.Flushed = int64(be.Uint64(b[8:]))
	c.CQDurable = int64(be.Uint64(b[16:]))
	c.ActiveFrom = int64(be.Uint64(b[24:]))
	c.FlushedAt = int64(be.Uint64(b[32:]))
	c.CQDurableAt = int64(be.Uint64(b[40:]))
	c.WrittenAt = int64(be.Uint64(b[48:]))
	c.Clean = be.Uint32(b[56:])&cpFlagClean != 0
	c.Queues = be.Uint32(b[60:])
	if c.Flushed < 0 || c.CQDurable < 0 || c.ActiveFrom < 0 || c.CQDurable > c.Flushed {
		return c, fmt.Errorf("%w: checkpoint offsets flushed %d, cq durable %d, active from %d",
			ErrCorrupt, c.Flushed, c.CQDurable, c.ActiveFrom)
	}
	return c, nil
}

// readCheckpoint loads dir's checkpoint; ok is false if there is none.
func readCheckpoint(dir string) (c checkpoint, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, checkpointFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, false, nil
	}
	if err != nil {
		return c, false, err
	}
	c, err = unmarshalCheckpoint(b)
	return c, err == nil, err
}

// writeCheckpoint replaces dir's checkpoint atomically: temp file, fsync,
// rename, fsync of the directory.
func writeCheckpoint(dir string, c checkpoint) error {
	tmp := filepath.Join(dir, checkpointFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(c.marshal()); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, checkpointFile)); err != nil {
		return err
	}
	return syncDir(dir)
}
