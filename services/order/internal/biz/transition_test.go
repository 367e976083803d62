package biz

import (
	"errors"
	"testing"

	"github.com/sagashop/sagashop/pkg/event"
)

func TestNext(t *testing.T) {
	ignore := Transition{}
	tests := []struct {
		name    string
		cur     Status
		ev      event.Type
		want    Transition
		wantErr error
	}{
		{"reserved on created", StatusCreated, event.StockReserved, Transition{Apply: true, To: StatusAwaitingPayment}, nil},
		{"reserved on awaiting (duplicate)", StatusAwaitingPayment, event.StockReserved, ignore, nil},
		{"reserved on cancelled (after timeout)", StatusCancelled, event.StockReserved, ignore, nil},
		{"reserved on paid", StatusPaid, event.StockReserved, ignore, nil},
		{"rejected on created", StatusCreated, event.StockRejected,
			Transition{Apply: true, To: StatusCancelled, CancelReason: event.ReasonOutOfStock, Announce: event.OrderCancelled}, nil},
		{"rejected on awaiting", StatusAwaitingPayment, event.StockRejected, ignore, nil},
		{"rejected on cancelled", StatusCancelled, event.StockRejected, ignore, nil},
		{"payment on awaiting", StatusAwaitingPayment, event.PaymentSucceeded,
			Transition{Apply: true, To: StatusPaid, Announce: event.OrderPaid}, nil},
		{"payment on created retries", StatusCreated, event.PaymentSucceeded, ignore, ErrNotReady},
		{"payment on cancelled (refunded by payment)", StatusCancelled, event.PaymentSucceeded, ignore, nil},
		{"payment on paid", StatusPaid, event.PaymentSucceeded, ignore, nil},
		{"timeout on created", StatusCreated, event.OrderTimeout,
			Transition{Apply: true, To: StatusCancelled, CancelReason: event.ReasonPaymentTimeout, Announce: event.OrderCancelled}, nil},
		{"timeout on awaiting", StatusAwaitingPayment, event.OrderTimeout,
			Transition{Apply: true, To: StatusCancelled, CancelReason: event.ReasonPaymentTimeout, Announce: event.OrderCancelled}, nil},
		{"timeout on paid", StatusPaid, event.OrderTimeout, ignore, nil},
		{"timeout on cancelled", StatusCancelled, event.OrderTimeout, ignore, nil},
		{"foreign event", StatusCreated, event.PaymentRefunded, ignore, ErrBadEvent},
		{"own created event", StatusCreated, event.OrderCreated, ignore, ErrBadEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Next(tt.cur, tt.ev)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("Next(%s, %s) = %+v, want %+v", tt.cur, tt.ev, got, tt.want)
			}
		})
	}
}

func TestStatus(t *testing.T) {
	tests := []struct {
		s           Status
		valid, open bool
	}{
		{StatusCreated, true, true},
		{StatusAwaitingPayment, true, true},
		{StatusPaid, true, false},
		{StatusCancelled, true, false},
		{"", false, false},
		{"created", false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.s), func(t *testing.T) {
			if tt.s.Valid() != tt.valid || tt.s.Open() != tt.open {
				t.Fatalf("Valid, Open = %v, %v; want %v, %v", tt.s.Valid(), tt.s.Open(), tt.valid, tt.open)
			}
		})
	}
}
