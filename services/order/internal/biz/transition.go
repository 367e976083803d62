package biz

import (
	"fmt"

	"github.com/sagashop/sagashop/pkg/event"
)

// Transition is the outcome of an event for an order in a given status.
type Transition struct {
	// Apply is false when the event is ignored (stale or already applied).
	Apply bool
	// To is the new status when Apply.
	To Status
	// CancelReason is set when To is CANCELLED.
	CancelReason string
	// Announce is the event that announces the change, "" for none.
	Announce event.Type
}

// Next is the order state machine: what event t does to an order in status
// cur. The sweep uses event.OrderTimeout as its trigger. It returns an error
// wrapping ErrNotReady when t must be retried later (a payment for an order
// still CREATED) and ErrBadEvent for an event type orders do not react to.
//
//	CREATED          + stock:reserved    -> AWAITING_PAYMENT
//	CREATED          + stock:rejected    -> CANCELLED(OUT_OF_STOCK), order:cancelled
//	AWAITING_PAYMENT + payment:succeeded -> PAID, order:paid
//	CREATED|AWAITING_PAYMENT + order:timeout -> CANCELLED(PAYMENT_TIMEOUT), order:cancelled
//
// Every other combination is ignored.
func Next(cur Status, t event.Type) (Transition, error) {
	switch t {
	case event.StockReserved:
		if cur == StatusCreated {
			return Transition{Apply: true, To: StatusAwaitingPayment}, nil
		}
	case event.StockRejected:
		if cur == StatusCreated {
			return Transition{Apply: true, To: StatusCancelled, CancelReason: event.ReasonOutOfStock,
				Announce: event.OrderCancelled}, nil
		}
	case event.PaymentSucceeded:
		switch cur {
		case StatusAwaitingPayment:
			return Transition{Apply: true, To: StatusPaid, Announce: event.OrderPaid}, nil
		case StatusCreated:
			return Transition{}, fmt.Errorf("%w: %s on a %s order", ErrNotReady, t, cur)
		}
	case event.OrderTimeout:
		if cur.Open() {
			return Transition{Apply: true, To: StatusCancelled, CancelReason: event.ReasonPaymentTimeout,
				Announce: event.OrderCancelled}, nil
		}
	default:
		return Transition{}, fmt.Errorf("%w: orders do not react to %q", ErrBadEvent, t)
	}
	return Transition{}, nil
}
