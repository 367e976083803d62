package data

import (
	"context"
	"fmt"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/outbox"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// Notifier wakes the outbox relay (outbox.Relay.Notify).
type Notifier interface{ Notify() }

type publisher struct {
	d     *Data
	relay Notifier
}

// NewPublisher returns the outbox publisher: Publish adds the event to
// outbox_events in the transaction of ctx and wakes relay (which may be
// nil) after that transaction commits.
func NewPublisher(d *Data, relay Notifier) biz.EventPublisher { return publisher{d: d, relay: relay} }

func (p publisher) Publish(ctx context.Context, e event.Envelope) error {
	body, err := event.Encode(e)
	if err != nil {
		return fmt.Errorf("data: encode %s: %w", e.EventID, err)
	}
	rec := outbox.Record{EventID: e.EventID, Topic: e.Type.Topic(), Tag: e.Type.Tag(), Keys: e.Keys(), Body: body}
	if err := outbox.Add(ctx, p.d.tx.DB(ctx), rec); err != nil {
		return fmt.Errorf("data: outbox %s: %w", e.EventID, err)
	}
	if p.relay != nil {
		db.AfterCommit(ctx, p.relay.Notify)
	}
	return nil
}
