package data

import (
	"context"
	"fmt"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// eventPublisher is the outbox biz.EventPublisher.
type eventPublisher struct {
	tx     *db.Tx
	notify func()
}

// NewEventPublisher returns a publisher that stores each event in
// outbox_events inside the transaction in ctx and calls notify (the relay's
// wake-up; nil for none) after that transaction commits.
func NewEventPublisher(tx *db.Tx, notify func()) biz.EventPublisher {
	return &eventPublisher{tx: tx, notify: notify}
}

// Publish implements biz.EventPublisher.
func (p *eventPublisher) Publish(ctx context.Context, e event.Envelope) error {
	body, err := event.Encode(e)
	if err != nil {
		return fmt.Errorf("data: encode %s: %w", e.EventID, err)
	}
	rec := outbox.Record{EventID: e.EventID, Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}
	if err := outbox.Add(ctx, p.tx.DB(ctx), rec); err != nil {
		return fmt.Errorf("data: outbox %s: %w", e.EventID, err)
	}
	if p.notify != nil {
		db.AfterCommit(ctx, p.notify)
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
