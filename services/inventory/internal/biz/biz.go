// Package biz is the inventory domain: products and stock counters, the
// per-order reservation state machine, the repository ports the data layer
// implements, and the use cases the service layer calls.
//
// Stock rows and reservation rows are versioned; every change is a
// compare-and-set on the version read in the same transaction, and a lost
// race (idem.ErrConflict) reruns the whole transaction through idem.Retry.
// Stock rows are always touched in ascending SKU order.
package biz

import (
	"context"
	"errors"

	"github.com/sagashop/sagashop/pkg/event"
)

// ErrReservationNotFound is returned by ReservationRepo.Get when the order
// has no reservation row (not even a tombstone).
var ErrReservationNotFound = errors.New("biz: reservation not found")

// Transaction runs fn in one database transaction carried by the context
// it passes to fn; repositories called with that context join it. A nested
// InTx joins the enclosing transaction. A lost lock or deadlock is reported
// as an error matching idem.ErrConflict.
type Transaction interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// EventPublisher records an event to be sent once the transaction in ctx
// commits (the outbox). It must be called inside Transaction.InTx.
type EventPublisher interface {
	Publish(ctx context.Context, e event.Envelope) error
}

// Deduper records that the consumer group handled an event. Claim returns
// false when the event was handled before; it must run in the same
// transaction as the change the event causes, so both commit or neither.
type Deduper interface {
	Claim(ctx context.Context, eventID string) (fresh bool, err error)
}
