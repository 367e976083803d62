package store

import "errors"

// Sentinel errors. The store wraps them with the values involved; match
// them with errors.Is.
var (
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store: closed")
	// ErrDiskFull means the disk holding Dir is used past
	// Options.DiskMaxUsedSpaceRatio, or space could not be reserved.
	ErrDiskFull = errors.New("store: disk usage past diskMaxUsedSpaceRatio")
	// ErrMessageTooLarge means a record is larger than Options.MaxMessageSize
	// or than what fits in one CommitLog segment.
	ErrMessageTooLarge = errors.New("store: message too large")
	// ErrNotFound means no message exists at the given offset (never
	// written, not yet visible, or deleted by retention).
	ErrNotFound = errors.New("store: not found")
	// ErrCorrupt means on-disk data failed a check (CRC, size, layout).
	ErrCorrupt = errors.New("store: corrupt data")
	// ErrInvalidOptions means Options failed validation in Open.
	ErrInvalidOptions = errors.New("store: invalid options")
	// ErrInvalidEntry means a Put was empty, mixed topics or queues, or
	// named a topic that cannot be a directory name.
	ErrInvalidEntry = errors.New("store: invalid entry")
	// ErrLocked means another process has the store directory open.
	ErrLocked = errors.New("store: directory locked by another process")
)
