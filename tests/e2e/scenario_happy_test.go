//go:build e2e

package e2e

import (
	"testing"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// testHappyPath: create -> AWAITING_PAYMENT -> pay -> PAID across the
// containers; the reservation is SOLD, the stock moved from available to
// sold, one payment SUCCEEDED.
func testHappyPath(t *testing.T, s *stack) {
	a, b := s.product(t, 0, 2), s.product(t, 1, 1)
	stA, stB := s.getStock(t, a.SKU), s.getStock(t, b.SKU)

	o := s.placeOrder(t, "alice", shopapi.Line{SKU: a.SKU, Quantity: 2}, shopapi.Line{SKU: b.SKU, Quantity: 1})
	if want := 2*a.Price + b.Price; o.TotalAmount != want {
		t.Errorf("total_amount %d, want %d (2 x %d + %d)", o.TotalAmount, want, a.Price, b.Price)
	}
	if got := o.PaymentDeadline.Sub(o.CreatedAt); got < paymentTimeout-clockSlop || got > paymentTimeout+clockSlop {
		t.Errorf("payment_deadline - created_at = %s, want the payment timeout %s", got, paymentTimeout)
	}

	o = s.waitStatus(t, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("order %s: %s %s, want AWAITING_PAYMENT", o.OrderSN, o.Status, o.CancelReason)
	}
	if r := s.reservationOf(t, o.OrderSN); r == nil || r.Status != shopapi.ReservationReserved {
		t.Errorf("reservation of %s: %+v, want RESERVED", o.OrderSN, r)
	}
	// Pay at once: the payment timeout is a few seconds.
	p := s.pay(t, o)
	o = s.waitStatus(t, o.OrderSN, shopapi.StatusPaid, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusPaid {
		t.Fatalf("order %s: %s %q, want PAID", o.OrderSN, o.Status, o.CancelReason)
	}
	s.eventuallyStock(t, a.SKU, stA.Available-2, stA.Reserved, stA.Sold+2)
	s.eventuallyStock(t, b.SKU, stB.Available-1, stB.Reserved, stB.Sold+1)
	if r := s.reservationOf(t, o.OrderSN); r == nil || r.Status != shopapi.ReservationSold {
		t.Errorf("reservation of %s: %+v, want SOLD", o.OrderSN, r)
	}
	if pays := s.paymentsOf(t, o.OrderSN); len(pays) != 1 || pays[0].PaymentSN != p.PaymentSN || pays[0].Status != shopapi.PaymentSucceeded {
		t.Errorf("payments of %s: %+v, want only %s SUCCEEDED", o.OrderSN, pays, p.PaymentSN)
	}
	s.verify(t)
}
