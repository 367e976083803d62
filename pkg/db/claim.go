package db

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Column limits of consumed_events (see schema.md).
const (
	maxGroupLen   = 64
	maxEventIDLen = 160
)

// consumedEvent is a row of consumed_events.
type consumedEvent struct {
	ConsumerGroup string    `gorm:"column:consumer_group;primaryKey"`
	EventID       string    `gorm:"column:event_id;primaryKey"`
	ConsumedAt    time.Time `gorm:"column:consumed_at"`
}

// TableName implements gorm's schema.Tabler.
func (consumedEvent) TableName() string { return "consumed_events" }

// Claim records that consumer group has handled eventID by inserting into
// consumed_events through tx, which must be the transaction that makes the
// business change, so that both commit or roll back together.
//
// fresh is true when the row is new; false (and a nil error) when the event
// was already claimed: the caller acks without doing the work again. A
// duplicate key does not abort the transaction on MySQL or SQLite.
func Claim(ctx context.Context, tx *gorm.DB, group, eventID string) (fresh bool, err error) {
	switch {
	case group == "" || len(group) > maxGroupLen:
		return false, fmt.Errorf("%w: consumer group %q: want 1..%d bytes", ErrBadArgument, group, maxGroupLen)
	case eventID == "" || len(eventID) > maxEventIDLen:
		return false, fmt.Errorf("%w: event id %q: want 1..%d bytes", ErrBadArgument, eventID, maxEventIDLen)
	}
	row := consumedEvent{ConsumerGroup: group, EventID: eventID, ConsumedAt: tx.NowFunc()}
	err = tx.Session(&gorm.Session{NewDB: true, Context: ctx}).Create(&row).Error
	switch {
	case err == nil:
		return true, nil
	case IsDuplicateKey(err):
		return false, nil
	default:
		return false, fmt.Errorf("db: claim %s/%s: %w", group, eventID, classify(err))
	}
}
