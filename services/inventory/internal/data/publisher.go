package data

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// Outbox adds an event to outbox_events through tx, the transaction of
// ctx, and hands it to the relay once that transaction commits
// (outbox.Relay.Add).
type Outbox interface {
	Add(ctx context.Context, tx *gorm.DB, rec outbox.Record) error
}

type publisher struct {
	d     *Data
	relay Outbox
}

// NewPublisher returns the outbox publisher: Publish adds the event to
// outbox_events in the transaction of ctx with relay.Add, which hands the
// row to the outbox relay after the commit. With relay nil it uses
// outbox.Add, and the relay's poll finds the row.
func NewPublisher(d *Data, relay Outbox) biz.EventPublisher { return publisher{d: d, relay: relay} }

func (p publisher) Publish(ctx context.Context, e event.Envelope) error {
	body, err := event.Encode(e)
	if err != nil {
		return fmt.Errorf("data: encode %s: %w", e.EventID, err)
	}
	rec := outbox.Record{EventID: e.EventID, Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}
	add := outbox.Add
	if p.relay != nil {
		add = p.relay.Add
	}
	if err := add(ctx, p.d.tx.DB(ctx), rec); err != nil {
		return fmt.Errorf("data: outbox %s: %w", e.EventID, err)
	}
	return nil
}
