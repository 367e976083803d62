package data

import (
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// NewPublisher returns the outbox publisher: Publish adds the event to
// outbox_events in the transaction of ctx with relay.Add, which hands the
// row to the outbox relay after the commit. With relay nil it uses
// outbox.Add, and the relay's poll finds the row.
func NewPublisher(d *Data, relay outbox.Adder) biz.EventPublisher {
	return outbox.NewEventPublisher(d.tx, relay)
}
