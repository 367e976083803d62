// Package biz is the payment service's domain: payments, the per-order lock
// row, the rules that keep at most one SUCCEEDED payment per order and
// refund a payment that lands on a cancelled order, and the use cases that
// apply them. It imports no storage, transport or broker client; the data
// layer implements the interfaces declared here.
package biz

import (
	"context"

	"github.com/sagashop/sagashop/pkg/event"
)

// Transaction runs fn in one database transaction carried by the ctx it
// passes to fn; repositories called with that ctx join it. An error of fn
// rolls back and is returned; a lost lock race (deadlock, busy database)
// is returned wrapping idem.ErrConflict so the caller can retry.
type Transaction interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// EventPublisher publishes an event as part of the transaction in ctx: the
// event is stored with the business change and sent after the commit
// (the outbox), so a rolled-back change sends nothing.
type EventPublisher interface {
	Publish(ctx context.Context, e event.Envelope) error
}

// Deduper records that the consumer group has handled an event, inside
// the transaction in ctx. Claim returns false, nil when the event was
// already claimed (a redelivery: do nothing and acknowledge).
type Deduper interface {
	Claim(ctx context.Context, eventID string) (fresh bool, err error)
}
