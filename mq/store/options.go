package store

import (
	"fmt"
	"log/slog"
	"time"
)

// FlushMode says when Put's data is fsynced and becomes visible.
type FlushMode int

const (
	// AsyncFlush makes a Put visible at once; a background flusher fsyncs
	// every FlushInterval (RocketMQ ASYNC_FLUSH).
	AsyncFlush FlushMode = iota
	// SyncFlush makes a Put visible only once a group-commit fsync covers it
	// (RocketMQ SYNC_FLUSH).
	SyncFlush
)

// String returns the RocketMQ name of the mode.
func (m FlushMode) String() string {
	switch m {
	case AsyncFlush:
		return "ASYNC_FLUSH"
	case SyncFlush:
		return "SYNC_FLUSH"
	}
	return fmt.Sprintf("FlushMode(%d)", int(m))
}

// minSegmentSize is the smallest CommitLog segment Open accepts: it must
// hold at least one small record, its trailer and the blank marker.
const minSegmentSize = 1024

// Options configures a Store. A zero field takes the default named on it.
type Options struct {
	// Dir is the store's root directory. Required.
	Dir string
	// FlushMode defaults to AsyncFlush.
	FlushMode FlushMode
	// FlushInterval is the period of the background flush of the CommitLog
	// (AsyncFlush only) and of the ConsumeQueues plus checkpoint (both
	// modes). Default 500ms.
	FlushInterval time.Duration
	// CommitLogSegmentSize is the size of each CommitLog file. Default 1 GiB.
	CommitLogSegmentSize int64
	// ConsumeQueueSegmentEntries is the number of 20-byte units per
	// ConsumeQueue file. Default 300000.
	ConsumeQueueSegmentEntries int
	// MaxMessageSize bounds one record (its V1 encoding, trailer excluded);
	// larger ones fail with ErrMessageTooLarge. Default 4 MiB. A record must
	// also fit in one segment (CommitLogSegmentSize - 20 bytes).
	MaxMessageSize int
	// FileReservedTime is how long a CommitLog segment is kept after its
	// last modification. Default 72h.
	FileReservedTime time.Duration
	// DeleteHours are the local hours of the day (0-23) at which expired
	// segments are deleted. Default [4]. An empty non-nil slice means never
	// (except when the disk is past DiskMaxUsedSpaceRatio).
	DeleteHours []int
	// DiskMaxUsedSpaceRatio is a percentage of the disk holding Dir: past
	// it Put fails with ErrDiskFull and expired segments are deleted at
	// once, whatever the hour. Default 75.
	DiskMaxUsedSpaceRatio int
	// CleanInterval is the period of the retention check. Default 10s.
	CleanInterval time.Duration
	// DiskUsage reports the used and total bytes of the file system
	// holding dir. Default: statfs(2).
	DiskUsage func(dir string) (used, total uint64, err error)
	// Now is the clock for store timestamps and retention. Default time.Now.
	Now func() time.Time
	// OnDispatch, if set, is called once per message after it became
	// visible in its ConsumeQueue, with the queue's new max offset (the
	// message's queue offset + 1) and its tags code; a batch is visible as
	// a whole before the first of its calls. It must not block. It runs on
	// the Put goroutine (AsyncFlush) or on the flusher goroutine
	// (SyncFlush), never under a store lock, so calls for one queue from
	// concurrent Puts may arrive out of order. Recovery does not call it.
	OnDispatch func(topic string, queueID int32, maxOffset int64, tagsCode int64)
	// Logger receives recovery and retention events. Default: discard.
	Logger *slog.Logger

	hooks *hooks // test hooks; nil outside tests
	// indexSlots and indexEntries size new index files; tests shrink
	// them. Defaults 1<<20 and 4<<20.
	indexSlots, indexEntries uint32
}

// hooks lets tests in this package stop the store at chosen points.
type hooks struct {
	beforeCommitSync func() // SyncFlush flusher, before each commitlog fsync
}

// DefaultOptions returns the defaults named on each Options field, with
// Dir empty.
func DefaultOptions() Options {
	return Options{
		FlushMode:                  AsyncFlush,
		FlushInterval:              500 * time.Millisecond,
		CommitLogSegmentSize:       1 << 30,
		ConsumeQueueSegmentEntries: 300000,
		MaxMessageSize:             4 << 20,
		FileReservedTime:           72 * time.Hour,
		DeleteHours:                []int{4},
		DiskMaxUsedSpaceRatio:      75,
		CleanInterval:              10 * time.Second,
		DiskUsage:                  statfsUsage,
		Now:                        time.Now,
		Logger:                     slog.New(slog.DiscardHandler),
	}
}

// withDefaults fills zero fields and validates the rest.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.FlushInterval == 0 {
		o.FlushInterval = d.FlushInterval
	}
	if o.CommitLogSegmentSize == 0 {
		o.CommitLogSegmentSize = d.CommitLogSegmentSize
	}
	if o.ConsumeQueueSegmentEntries == 0 {
		o.ConsumeQueueSegmentEntries = d.ConsumeQueueSegmentEntries
	}
	if o.MaxMessageSize == 0 {
		o.MaxMessageSize = d.MaxMessageSize
	}
	if o.FileReservedTime == 0 {
		o.FileReservedTime = d.FileReservedTime
	}
	if o.DeleteHours == nil {
		o.DeleteHours = d.DeleteHours
	}
	if o.DiskMaxUsedSpaceRatio == 0 {
		o.DiskMaxUsedSpaceRatio = d.DiskMaxUsedSpaceRatio
	}
	if o.CleanInterval == 0 {
		o.CleanInterval = d.CleanInterval
	}
	if o.DiskUsage == nil {
		o.DiskUsage = d.DiskUsage
	}
	if o.Now == nil {
		o.Now = d.Now
	}
	if o.Logger == nil {
		o.Logger = d.Logger
	}
	if o.indexSlots == 0 {
		o.indexSlots = defaultIndexSlots
	}
	if o.indexEntries == 0 {
		o.indexEntries = defaultIndexEntries
	}
	return o, o.validate()
}

func (o Options) validate() error {
	bad := func(field string, v any) error { return fmt.Errorf("%w: %s = %v", ErrInvalidOptions, field, v) }
	switch {
	case o.Dir == "":
		return bad("Dir", `""`)
	case o.FlushMode != AsyncFlush && o.FlushMode != SyncFlush:
		return bad("FlushMode", o.FlushMode)
	case o.FlushInterval < 0:
		return bad("FlushInterval", o.FlushInterval)
	case o.CommitLogSegmentSize < minSegmentSize:
		return bad("CommitLogSegmentSize", o.CommitLogSegmentSize)
	case o.ConsumeQueueSegmentEntries < 1:
		return bad("ConsumeQueueSegmentEntries", o.ConsumeQueueSegmentEntries)
	case o.MaxMessageSize < 0:
		return bad("MaxMessageSize", o.MaxMessageSize)
	case o.FileReservedTime < 0:
		return bad("FileReservedTime", o.FileReservedTime)
	case o.DiskMaxUsedSpaceRatio < 0 || o.DiskMaxUsedSpaceRatio > 100:
		return bad("DiskMaxUsedSpaceRatio", o.DiskMaxUsedSpaceRatio)
	case o.CleanInterval < 0:
		return bad("CleanInterval", o.CleanInterval)
	}
	for _, h := range o.DeleteHours {
		if h < 0 || h > 23 {
			return bad("DeleteHours", o.DeleteHours)
		}
	}
	return nil
}

// maxRecord is the largest record (trailer excluded) a Put accepts.
func (o Options) maxRecord() int {
	return int(min(int64(o.MaxMessageSize), o.CommitLogSegmentSize-trailerSize-blankSize))
}
