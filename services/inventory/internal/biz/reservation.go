package biz

import (
	"context"

	"github.com/sagashop/sagashop/pkg/event"
)

// ReservationStatus is the state of an order's reservation.
type ReservationStatus string

// Reservation states. StatusNone stands for "no row yet" in Decide.
const (
	StatusNone      ReservationStatus = ""
	StatusReserved  ReservationStatus = "RESERVED"
	StatusRejected  ReservationStatus = "REJECTED"
	StatusSold      ReservationStatus = "SOLD"
	StatusReleased  ReservationStatus = "RELEASED"
	StatusCancelled ReservationStatus = "CANCELLED" // tombstone: cancel seen before any reservation
)

// ReservationLine is one SKU held for an order.
type ReservationLine struct {
	SKU      string
	Quantity int32
}

// Reservation is the stock held for one order. Lines are sorted by SKU;
// REJECTED and CANCELLED reservations have none. The lines of RESERVED
// reservations add up to stocks.reserved, those of SOLD ones to
// stocks.sold.
type Reservation struct {
	OrderSN string
	Status  ReservationStatus
	Version int64
	Lines   []ReservationLine
}

// ReservationFilter selects a page of reservations ordered by OrderSN.
type ReservationFilter struct {
	OrderSN string // exact match; "" = all
	After   string // only order_sn > After
	Limit   int
}

// ReservationRepo stores reservations and their lines.
type ReservationRepo interface {
	// Get returns the reservation of orderSN with its lines, or
	// ErrReservationNotFound.
	Get(ctx context.Context, orderSN string) (Reservation, error)
	// Create inserts r (its version should be 1) and its lines; a row that
	// already exists is an error matching idem.ErrConflict (a concurrent
	// handler won: rerun and see it).
	Create(ctx context.Context, r Reservation) error
	// UpdateStatus sets the status if the row still has version, bumping
	// it; a changed row is an error matching idem.ErrConflict.
	UpdateStatus(ctx context.Context, orderSN string, version int64, status ReservationStatus) error
	// List returns the reservations selected by f with their lines.
	List(ctx context.Context, f ReservationFilter) ([]Reservation, error)
}

// Action is what an order event does to a reservation in a given state.
type Action int

// Actions decided by Decide.
const (
	ActionIgnore    Action = iota // duplicate or stale: nothing to do
	ActionReserve                 // no reservation yet: reserve all lines or reject
	ActionTombstone               // cancel before any reservation: record CANCELLED
	ActionSell                    // RESERVED -> SOLD
	ActionRelease                 // RESERVED -> RELEASED
	ActionAnomaly                 // impossible in a correct saga: ignore, log an error
)

// String names a for logs.
func (a Action) String() string {
	switch a {
	case ActionIgnore:
		return "ignore"
	case ActionReserve:
		return "reserve"
	case ActionTombstone:
		return "tombstone"
	case ActionSell:
		return "sell"
	case ActionRelease:
		return "release"
	case ActionAnomaly:
		return "anomaly"
	}
	return "unknown"
}

// Decide is the reservation state machine: the action that an order
// event of type t causes on a reservation in status from (StatusNone when
// the order has no reservation row).
func Decide(t event.Type, from ReservationStatus) Action {
	switch t {
	case event.OrderCreated:
		if from == StatusNone {
			return ActionReserve
		}
		return ActionIgnore // a tombstone (hanging avoided) or a duplicate
	case event.OrderPaid:
		switch from {
		case StatusReserved:
			return ActionSell
		case StatusSold:
			return ActionIgnore
		}
		return ActionAnomaly
	case event.OrderCancelled:
		switch from {
		case StatusNone:
			return ActionTombstone
		case StatusReserved:
			return ActionRelease
		case StatusSold:
			return ActionAnomaly
		}
		return ActionIgnore
	}
	return ActionIgnore
}
