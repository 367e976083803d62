package store

import (
	"fmt"

	"github.com/sagashop/sagashop/mq/message"
)

// MessageStore is the broker's message store: a CommitLog of V1 records
// indexed per topic and queue by ConsumeQueues, and by message key. All
// methods are safe for concurrent use; none blocks on disk I/O except
// Put's page faults, Flush, DeleteTopic and Close.
type MessageStore interface {
	// Put appends entries atomically and in order. All entries of one call
	// must have the same topic and queue (a batch); they get consecutive
	// queue offsets. It sets each Msg's QueueOffset, PhysicalOffset and
	// StoreTimestamp and returns once the records are in the OS page cache.
	// Under SyncFlush the entries become visible to GetMessages (and
	// ReadAt) only after they are fsynced.
	Put(entries []Entry) (PutResult, error)
	// OnDurable calls fn once the CommitLog is durable up to offset (after
	// the fsync that covers it under SyncFlush; at once under AsyncFlush).
	// fn must not block; it runs on the flusher goroutine, or on the
	// caller's goroutine when it can run at once. Group commit: one fsync
	// serves all waiters. fn gets ErrClosed if the store closes first, or
	// the fsync error.
	OnDurable(offset int64, fn func(error))
	// GetMessages reads from queue offset `offset` at most maxMsgs messages
	// (<=0 means 1) and about maxBytes bytes (<=0: no limit; always at least
	// one message if one matches), scanning at most maxScan ConsumeQueue
	// units (<=0: 800); filter (nil = all) is called with each unit's
	// tagsCode, must be quick and must not call the store. Status and
	// NextBeginOffset follow RocketMQ's rules:
	//   queue missing or empty: NoMessageInQueue, next = 0;  offset < min: OffsetTooSmall, next = min;
	//   offset == max: OffsetOverflowOne, next = offset;     offset > max: OffsetOverflowBadly, next = max;
	//   some match: Found, next = offset + units scanned;    none match: NoMatchedMessage, next = offset + units scanned.
	GetMessages(topic string, queueID int32, offset int64, maxMsgs, maxBytes, maxScan int, filter func(tagsCode int64) bool) (GetResult, error)
	// MaxOffset is the next queue offset to be written (visible); 0 for a
	// missing queue.
	MaxOffset(topic string, queueID int32) int64
	// MinOffset is the first queue offset still readable; 0 for a missing queue.
	MinOffset(topic string, queueID int32) int64
	// SearchOffset returns the first queue offset whose store timestamp
	// >= ts (ms); MaxOffset if none; MinOffset if ts is before all.
	SearchOffset(topic string, queueID int32, ts int64) int64
	// StoreTime returns the store timestamp of the message at a queue
	// offset, or ErrNotFound.
	StoreTime(topic string, queueID int32, offset int64) (int64, error)
	// ReadAt returns a copy of the complete record at a CommitLog offset
	// (ErrNotFound if none starts there, it is not visible yet or it was
	// deleted; ErrCorrupt if its CRC fails).
	ReadAt(physicalOffset int64) ([]byte, error)
	// QueryByKey returns copies of the complete records of topic that carry
	// key as their UNIQ_KEY or as one of the space-separated entries of
	// their KEYS, newest first, each record once, at most maxNum of them
	// (<= 0 or above 64 means 64), stored within [begin, end] (store
	// timestamps in ms; end <= 0 means no upper bound, so 0, 0 is all).
	// Records deleted by retention or not visible yet are left out; none
	// found is an empty result, not an error.
	QueryByKey(topic, key string, maxNum int, begin, end int64) ([][]byte, error)
	// IndexLastUpdate returns the store timestamp and CommitLog offset of
	// the last record the key index covers (0, 0 before any).
	IndexLastUpdate() (storeTimestamp, physicalOffset int64)
	// Topics lists, sorted, the topics that have any ConsumeQueue.
	Topics() []string
	// Queues lists, sorted, the queue ids that have a ConsumeQueue for topic.
	Queues(topic string) []int32
	// DeleteTopic drops the ConsumeQueues of topic. Its records stay in the
	// CommitLog until retention deletes them. Later Puts start it again at
	// queue offset 0.
	DeleteTopic(topic string) error
	// CommitLogMinOffset is the start of the oldest CommitLog segment.
	CommitLogMinOffset() int64
	// CommitLogMaxOffset is the offset just past the last record written
	// (not necessarily durable or visible yet under SyncFlush).
	CommitLogMaxOffset() int64
	// Flush fsyncs everything written so far and writes the checkpoint.
	Flush() error
	// Close flushes everything, writes the checkpoint, removes the abort
	// marker and stops the store's goroutines. Calls after the first
	// return nil; other methods then fail with ErrClosed or report empty.
	Close() error
}

// Entry is one message to append; Msg.QueueOffset, PhysicalOffset and
// StoreTimestamp are assigned by the store.
type Entry struct {
	Msg *message.Message
	// TagsCode is stored in the ConsumeQueue unit and passed to filters
	// (message.TagsCode of TAGS, or a delivery time for delay queues).
	TagsCode int64
}

// PutResult describes the records one Put appended.
type PutResult struct {
	QueueOffset     int64   // queue offset of the first entry
	PhysicalOffset  int64   // commitlog offset of the first record
	PhysicalOffsets []int64 // of every record, in order (for msg ids of a batch)
	StoreTimestamp  int64   // ms
	EndOffset       int64   // commitlog offset just past the last record (its trailer included)
}

// GetStatus is the outcome of GetMessages (Java GetMessageStatus).
type GetStatus int

// GetMessages outcomes; see MessageStore.GetMessages.
const (
	Found GetStatus = iota
	NoMatchedMessage
	NoMessageInQueue
	OffsetOverflowOne
	OffsetOverflowBadly
	OffsetTooSmall
)

var getStatusNames = [...]string{"FOUND", "NO_MATCHED_MESSAGE", "NO_MESSAGE_IN_QUEUE",
	"OFFSET_OVERFLOW_ONE", "OFFSET_OVERFLOW_BADLY", "OFFSET_TOO_SMALL"}

// String returns Java's name of the status.
func (s GetStatus) String() string {
	if s >= 0 && int(s) < len(getStatusNames) {
		return getStatusNames[s]
	}
	return fmt.Sprintf("GetStatus(%d)", int(s))
}

// GetResult is what GetMessages read.
type GetResult struct {
	Status                                GetStatus
	NextBeginOffset, MinOffset, MaxOffset int64
	// Records are complete V1 records, sub-slices of one buffer owned by
	// the caller, in queue order.
	Records [][]byte
}

var _ MessageStore = (*Store)(nil)
