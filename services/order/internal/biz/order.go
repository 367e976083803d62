// Package biz is the order service's domain: the order aggregate and its
// state machine, the repository and messaging ports, and the use cases
// (placing an order, reacting to the saga's events, the backstop sweep).
// It imports no storage or transport code.
package biz

import (
	"errors"
	"time"
)

// Status is an order's state in the saga.
type Status string

// The order statuses. CREATED and AWAITING_PAYMENT are open; PAID and
// CANCELLED are final.
const (
	StatusCreated         Status = "CREATED"
	StatusAwaitingPayment Status = "AWAITING_PAYMENT"
	StatusPaid            Status = "PAID"
	StatusCancelled       Status = "CANCELLED"
)

// Valid reports whether s is one of the order statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusCreated, StatusAwaitingPayment, StatusPaid, StatusCancelled:
		return true
	}
	return false
}

// Open reports whether an order in status s still waits for the saga
// (CREATED or AWAITING_PAYMENT).
func (s Status) Open() bool { return s == StatusCreated || s == StatusAwaitingPayment }

// Item is one priced line of an order.
type Item struct {
	SKU       string
	Name      string
	Quantity  int32
	UnitPrice int64 // cents
}

// Order is the order aggregate. Version starts at 1 and grows by one with
// every state change.
type Order struct {
	ID              int64 // storage id; orders are listed in its order
	SN              string
	UserID          string
	Status          Status
	CancelReason    string // event.ReasonOutOfStock, event.ReasonPaymentTimeout or ""
	TotalAmount     int64  // cents
	Version         int64
	PaymentSN       string // the payment that paid the order, "" unless PAID
	Items           []Item
	PaymentDeadline time.Time
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// State is the mutable part of an order that a transition writes.
type State struct {
	Status       Status
	CancelReason string
	PaymentSN    string
}

// ErrDuplicateSN is returned by OrderRepo.Create when the order_sn is taken;
// the use case then tries again with a new one.
var ErrDuplicateSN = errors.New("biz: duplicate order_sn")

// ErrNotReady means an event arrived before the order reached the state it
// applies to (a payment for an order still CREATED): the message is retried
// later.
var ErrNotReady = errors.New("biz: order not ready for this event")

// ErrBadEvent means an event's payload cannot be used; retrying cannot help.
var ErrBadEvent = errors.New("biz: unusable event")
