package biz

import (
	"context"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
)

// Transaction runs fn in one database transaction carried by the context it
// passes to fn; repositories called with that context join it. A nested
// call joins the enclosing transaction. Errors that mean "lost a race, run
// again" match idem.ErrConflict.
type Transaction interface {
	InTx(ctx context.Context, fn func(ctx context.Context) error) error
}

// ListQuery selects a page of orders.
type ListQuery struct {
	Status  Status // "" for every status
	AfterID int64  // only orders with a larger id
	Limit   int
}

// OrderRepo stores orders. Every method uses the transaction in ctx, if any.
type OrderRepo interface {
	// Create inserts o (with its items); ErrDuplicateSN when o.SN is taken.
	// It sets o.ID.
	Create(ctx context.Context, o *Order) error
	// Get returns the order with its items, or an ORDER_NOT_FOUND error.
	Get(ctx context.Context, sn string) (*Order, error)
	// Exists reports whether the order sn is stored.
	Exists(ctx context.Context, sn string) (bool, error)
	// List returns the orders of q in id order, with their items.
	List(ctx context.Context, q ListQuery) ([]*Order, error)
	// Update writes st to the order sn if it is still at version, and
	// bumps the version; an error matching idem.ErrConflict when it is not.
	Update(ctx context.Context, sn string, version int64, st State) error
	// ListOverdue returns up to limit open orders (CREATED or
	// AWAITING_PAYMENT) whose payment deadline is before cutoff, oldest
	// deadline first.
	ListOverdue(ctx context.Context, cutoff time.Time, limit int) ([]string, error)
}

// Deduper records consumed events for the service's consumer group.
type Deduper interface {
	// Claim records eventID in ctx's transaction; false when it was
	// recorded before (the event was handled already).
	Claim(ctx context.Context, eventID string) (fresh bool, err error)
}

// EventPublisher publishes events decided in ctx's transaction: they are
// stored with it (outbox) and sent after it commits, at least once.
type EventPublisher interface {
	Publish(ctx context.Context, e event.Envelope) error
}

// CreatedPublisher publishes order:created as a transaction message.
type CreatedPublisher interface {
	// PublishWithLocal sends e as a half message, runs local (whose error
	// is returned as is and rolls the message back), then commits it.
	// Once local has succeeded it returns nil even if the commit could not
	// be sent: the broker's check-back decides from the orders table.
	PublishWithLocal(ctx context.Context, e event.Envelope, local func(ctx context.Context) error) error
}

// TimeoutScheduler sends order:timeout with the delay that matches the
// payment timeout (delay level 16). It blocks until the broker stored it.
type TimeoutScheduler interface {
	ScheduleTimeout(ctx context.Context, e event.Envelope) error
}

// Product is a catalogue entry as the inventory service reports it.
type Product struct {
	SKU       string
	Name      string
	Price     int64 // cents
	Available int32
}

// Catalogue looks products up in the inventory service.
type Catalogue interface {
	// Products returns the products of skus keyed by SKU; an unknown SKU
	// is an UNKNOWN_SKU error, an unreachable inventory UNAVAILABLE.
	Products(ctx context.Context, skus []string) (map[string]Product, error)
}
