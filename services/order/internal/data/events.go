package data

import (
	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// NewEventPublisher returns the outbox publisher of the service's events:
// each is stored in outbox_events inside the transaction in ctx with
// relay.Add, which hands the row to the outbox relay after the commit
// (relay nil: outbox.Add, and the relay's poll finds the row).
func NewEventPublisher(tx *db.Tx, relay outbox.Adder) biz.EventPublisher {
	return outbox.NewEventPublisher(tx, relay)
}

// NewDeduper returns the consumed_events claim of consumer group.
func NewDeduper(tx *db.Tx, group string) biz.Deduper { return db.NewDeduper(tx, group) }
