package outbox

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/messaging"
)

// Column limits of outbox_events (pkg/db/schema.md) and the broker's
// default maximum message size.
const (
	maxEventIDLen = 160
	maxTopicLen   = 64
	maxTagLen     = 64
	maxKeysLen    = 255
	// MaxBodyBytes is the largest body Add accepts (RocketMQ's default
	// maxMessageSize); larger messages would be refused forever by the broker.
	MaxBodyBytes = 4 << 20
)

// Record is one event to send.
type Record struct {
	// EventID identifies the event (event.ID); unique in the table. Required.
	EventID string
	// Topic and Tag of the message; Topic required.
	Topic, Tag string
	// Keys of the message, without whitespace; default [EventID].
	Keys []string
	// Body of the message; required, at most MaxBodyBytes.
	Body []byte
	// DelayLevel of the message; 0 sends at once.
	DelayLevel int
}

// row is a row of outbox_events.
type row struct {
	ID         int64     `gorm:"column:id;primaryKey;autoIncrement"`
	EventID    string    `gorm:"column:event_id"`
	Topic      string    `gorm:"column:topic"`
	Tag        string    `gorm:"column:tag"`
	MsgKeys    string    `gorm:"column:msg_keys"`
	Body       []byte    `gorm:"column:body"`
	DelayLevel int       `gorm:"column:delay_level"`
	CreatedAt  time.Time `gorm:"column:created_at"`
}

// TableName implements gorm's schema.Tabler.
func (row) TableName() string { return "outbox_events" }

func (r row) message() messaging.Message {
	return messaging.Message{Topic: r.Topic, Tag: r.Tag, Keys: strings.Fields(r.MsgKeys), Body: r.Body, DelayLevel: r.DelayLevel}
}

// Add inserts r into outbox_events through tx, which must be the business
// transaction that decided the event (the row commits or rolls back with
// it). The relay's poll sends the row after the commit; Relay.Add hands it
// to the relay at once instead. Adding an event id that is still in the
// table is a no-op: event ids are deterministic, so it is the same event.
func Add(ctx context.Context, tx *gorm.DB, r Record) error {
	_, _, err := insert(ctx, tx, r)
	return err
}

// insert is Add; it returns the inserted row with its id, and fresh false
// when the event id was already in the table (then rw is not a row).
func insert(ctx context.Context, tx *gorm.DB, r Record) (rw row, fresh bool, err error) {
	if err := r.validate(); err != nil {
		return row{}, false, err
	}
	keys := r.Keys
	if len(keys) == 0 {
		keys = []string{r.EventID}
	}
	rw = row{
		EventID: r.EventID, Topic: r.Topic, Tag: r.Tag, MsgKeys: strings.Join(keys, " "),
		Body: r.Body, DelayLevel: r.DelayLevel, CreatedAt: tx.NowFunc(),
	}
	err = tx.Session(&gorm.Session{NewDB: true, Context: ctx}).Create(&rw).Error
	switch {
	case err == nil:
		return rw, true, nil
	case db.IsDuplicateKey(err):
		return row{}, false, nil
	default:
		return row{}, false, fmt.Errorf("outbox: add %s: %w", r.EventID, err)
	}
}

func (r Record) validate() error {
	switch {
	case r.EventID == "" || len(r.EventID) > maxEventIDLen || hasSpace(r.EventID):
		return fmt.Errorf("%w: event id %q: want 1..%d bytes, no whitespace", ErrBadRecord, r.EventID, maxEventIDLen)
	case r.Topic == "" || len(r.Topic) > maxTopicLen:
		return fmt.Errorf("%w: %s: topic %q: want 1..%d bytes", ErrBadRecord, r.EventID, r.Topic, maxTopicLen)
	case len(r.Tag) > maxTagLen:
		return fmt.Errorf("%w: %s: tag %q: want at most %d bytes", ErrBadRecord, r.EventID, r.Tag, maxTagLen)
	case len(r.Body) == 0 || len(r.Body) > MaxBodyBytes:
		return fmt.Errorf("%w: %s: body of %d bytes: want 1..%d", ErrBadRecord, r.EventID, len(r.Body), MaxBodyBytes)
	case r.DelayLevel < 0:
		return fmt.Errorf("%w: %s: delay level %d", ErrBadRecord, r.EventID, r.DelayLevel)
	case len(strings.Join(r.Keys, " ")) > maxKeysLen:
		return fmt.Errorf("%w: %s: keys longer than %d bytes", ErrBadRecord, r.EventID, maxKeysLen)
	}
	for _, k := range r.Keys {
		if k == "" || hasSpace(k) {
			return fmt.Errorf("%w: %s: key %q: want non-empty, no whitespace", ErrBadRecord, r.EventID, k)
		}
	}
	return nil
}

func hasSpace(s string) bool { return strings.IndexFunc(s, unicode.IsSpace) >= 0 }
