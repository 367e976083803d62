package biz

import (
	"context"
	"errors"
	"time"
)

// PaymentStatus is the state of a payment: SUCCEEDED when recorded,
// REFUNDED once its order was cancelled.
type PaymentStatus string

// The payment states.
const (
	PaymentSucceeded PaymentStatus = "SUCCEEDED"
	PaymentRefunded  PaymentStatus = "REFUNDED"
)

// Payment is one recorded payment of an order.
type Payment struct {
	ID        int64
	PaymentSN string
	OrderSN   string
	Amount    int64
	Status    PaymentStatus
	// Version is 1 when recorded and grows by one with each change.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CanRefund reports whether p may move to REFUNDED: only a SUCCEEDED
// payment can; REFUNDED is terminal.
func (p *Payment) CanRefund() bool { return p.Status == PaymentSucceeded }

// OrderLockStatus is the payment service's own view of an order: OPEN
// until it has seen the order's cancellation, then CANCELLED for good.
type OrderLockStatus string

// The lock row states.
const (
	OrderOpen      OrderLockStatus = "OPEN"
	OrderCancelled OrderLockStatus = "CANCELLED"
)

// OrderLock is the per-order lock row (payment_orders). Every transaction
// that records a payment or handles a cancellation for an order locks it
// first, so the two serialise: a payment either commits before the
// cancellation (which then refunds it) or sees CANCELLED and is refused.
// PaymentSN names the order's SUCCEEDED (later maybe REFUNDED) payment, so
// the one-payment rule and the refund are decided from the locked row
// alone, never from a possibly stale read of the payments table.
type OrderLock struct {
	OrderSN   string
	Status    OrderLockStatus
	PaymentSN string
	Version   int64
}

// ListQuery selects a page of payments.
type ListQuery struct {
	// OrderSN filters to one order; "" selects all.
	OrderSN string
	// AfterID returns payments whose id is greater (the page token).
	AfterID int64
	// Limit is the most payments returned.
	Limit int
}

// ErrNoPayment is returned by PaymentRepo.GetPayment for an unknown
// payment number.
var ErrNoPayment = errors.New("biz: no such payment")

// PaymentRepo stores payments and the per-order lock rows. Every method
// uses the transaction in ctx when there is one.
type PaymentRepo interface {
	// LockOrder inserts the order's lock row (OPEN, version 1) if it is
	// missing and locks it until the transaction in ctx ends.
	LockOrder(ctx context.Context, orderSN string) (*OrderLock, error)
	// AttachPayment records paymentSN on the locked row (version
	// compare-and-set) and updates lock.
	AttachPayment(ctx context.Context, lock *OrderLock, paymentSN string) error
	// CancelOrder moves the locked row to CANCELLED (version compare-and-set)
	// and updates lock.
	CancelOrder(ctx context.Context, lock *OrderLock) error
	// GetPayment returns the payment, locked until the transaction in ctx
	// ends, or ErrNoPayment.
	GetPayment(ctx context.Context, paymentSN string) (*Payment, error)
	// Create inserts p and sets its ID.
	Create(ctx context.Context, p *Payment) error
	// Refund moves p to REFUNDED (version compare-and-set) and updates p.
	Refund(ctx context.Context, p *Payment, at time.Time) error
	// List returns the payments matching q ordered by id.
	List(ctx context.Context, q ListQuery) ([]*Payment, error)
}
