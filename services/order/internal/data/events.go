package data

import (
	"context"
	"fmt"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// Outbox adds an event to outbox_events through tx, the transaction of
// ctx, and hands it to the relay once that transaction commits
// (outbox.Relay.Add).
type Outbox interface {
	Add(ctx context.Context, tx *gorm.DB, rec outbox.Record) error
}

// eventPublisher is the outbox biz.EventPublisher.
type eventPublisher struct {
	tx    *db.Tx
	relay Outbox
}

// NewEventPublisher returns a publisher that stores each event in
// outbox_events inside the transaction in ctx with relay.Add, which hands
// the row to the outbox relay after the commit. With relay nil it uses
// outbox.Add, and the relay's poll finds the row.
func NewEventPublisher(tx *db.Tx, relay Outbox) biz.EventPublisher {
	return &eventPublisher{tx: tx, relay: relay}
}

// Publish implements biz.EventPublisher.
func (p *eventPublisher) Publish(ctx context.Context, e event.Envelope) error {
	body, err := event.Encode(e)
	if err != nil {
		return fmt.Errorf("data: encode %s: %w", e.EventID, err)
	}
	rec := outbox.Record{EventID: e.EventID, Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}
	add := outbox.Add
	if p.relay != nil {
		add = p.relay.Add
	}
	if err := add(ctx, p.tx.DB(ctx), rec); err != nil {
		return fmt.Errorf("data: outbox %s: %w", e.EventID, err)
	}
	return nil
}

// deduper is the consumed_events biz.Deduper of one consumer group.
type deduper struct {
	tx    *db.Tx
	group string
}

// NewDeduper returns the dedup claim of consumer group.
func NewDeduper(tx *db.Tx, group string) biz.Deduper {
	return &deduper{tx: tx, group: group}
}

// Claim implements biz.Deduper.
func (d *deduper) Claim(ctx context.Context, eventID string) (bool, error) {
	fresh, err := db.Claim(ctx, d.tx.DB(ctx), d.group, eventID)
	if err != nil {
		return false, fmt.Errorf("data: claim: %w", err)
	}
	return fresh, nil
}
