//go:build e2e

package e2e

import (
	"testing"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testHappyPath: create -> AWAITING_PAYMENT -> pay -> PAID across the
// containers; the reservation is SOLD, the stock moved from available to
// sold, one payment SUCCEEDED.
func testHappyPath(t *testing.T, s *stack) {
	a, b := s.product(t, 0, 2), s.product(t, 1, 1)
	stA, stB := shopsteps.GetStock(t, s.api, a.SKU), shopsteps.GetStock(t, s.api, b.SKU)

	o := shopsteps.PlaceOrder(t, s.api, "alice", shopapi.Line{SKU: a.SKU, Quantity: 2}, shopapi.Line{SKU: b.SKU, Quantity: 1})
	if want := 2*a.Price + b.Price; o.TotalAmount != want {
		t.Errorf("total_amount %d, want %d (2 x %d + %d)", o.TotalAmount, want, a.Price, b.Price)
	}
	if got := o.PaymentDeadline.Sub(o.CreatedAt); got < paymentTimeout-clockSlop || got > paymentTimeout+clockSlop {
		t.Errorf("payment_deadline - created_at = %s, want the payment timeout %s", got, paymentTimeout)
	}

	o = shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("order %s: %s %s, want AWAITING_PAYMENT", o.OrderSN, o.Status, o.CancelReason)
	}
	if r := shopsteps.ReservationOf(t, s.api, o.OrderSN); r == nil || r.Status != shopapi.ReservationReserved {
		t.Errorf("reservation of %s: %+v, want RESERVED", o.OrderSN, r)
	}
	// Pay at once: the payment timeout is a few seconds.
	p := shopsteps.Pay(t, s.api, o)
	o = shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusPaid, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusPaid {
		t.Fatalf("order %s: %s %q, want PAID", o.OrderSN, o.Status, o.CancelReason)
	}
	shopsteps.EventuallyStock(t, s.api, waitLong, a.SKU, stA.Available-2, stA.Reserved, stA.Sold+2)
	shopsteps.EventuallyStock(t, s.api, waitLong, b.SKU, stB.Available-1, stB.Reserved, stB.Sold+1)
	if r := shopsteps.ReservationOf(t, s.api, o.OrderSN); r == nil || r.Status != shopapi.ReservationSold {
		t.Errorf("reservation of %s: %+v, want SOLD", o.OrderSN, r)
	}
	if pays := shopsteps.PaymentsOf(t, s.api, o.OrderSN); len(pays) != 1 || pays[0].PaymentSN != p.PaymentSN || pays[0].Status != shopapi.PaymentSucceeded {
		t.Errorf("payments of %s: %+v, want only %s SUCCEEDED", o.OrderSN, pays, p.PaymentSN)
	}
	s.verify(t)
}
