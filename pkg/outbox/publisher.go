package outbox

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/event"
)

// Adder adds a record to outbox_events through tx; *Relay implements it
// (the row is handed to the relay once the transaction commits).
type Adder interface {
	Add(ctx context.Context, tx *gorm.DB, rec Record) error
}

// EventPublisher stores saga events in outbox_events inside the
// transaction carried by ctx, so that an event commits or rolls back with
// the change it announces. The three services' biz.EventPublisher ports
// are this type.
type EventPublisher struct {
	tx    *db.Tx
	adder Adder
}

// NewEventPublisher returns a publisher writing through tx's transaction in
// ctx with adder.Add; with adder nil it uses Add, and the relay's poll
// finds the row.
func NewEventPublisher(tx *db.Tx, adder Adder) *EventPublisher {
	return &EventPublisher{tx: tx, adder: adder}
}

// Publish adds e to the outbox: topic and tag from its type, its keys, and
// its JSON envelope as the body.
func (p *EventPublisher) Publish(ctx context.Context, e event.Envelope) error {
	body, err := event.Encode(e)
	if err != nil {
		return fmt.Errorf("outbox: encode %s: %w", e.EventID, err)
	}
	rec := Record{EventID: e.EventID, Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}
	add := Add
	if p.adder != nil {
		add = p.adder.Add
	}
	if err := add(ctx, p.tx.DB(ctx), rec); err != nil {
		return fmt.Errorf("outbox: %s: %w", e.EventID, err)
	}
	return nil
}
