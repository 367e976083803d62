package saga

import (
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// clockSlop absorbs the rounding of timestamps (a DATETIME column may drop
// the fraction) when an order's times are compared.
const clockSlop = time.Second

// testTimeoutRelease: unpaid orders are CANCELLED(PAYMENT_TIMEOUT) by the
// delay-level-16 message, not before their deadline, and their stock is
// released; paying afterwards is refused with 409.
func testTimeoutRelease(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{})
	timeoutReleases(t, s, 0)
}

// testTimeoutSweep: the delay level 16 is an hour, so the timeout message
// comes too late (as if lost); the sweep cancels the orders once their
// deadline plus the grace has passed.
func testTimeoutSweep(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{level16: time.Hour})
	timeoutReleases(t, s, sweepGrace)
}

// timeoutReleases places three unpaid orders over two SKUs and waits for
// their cancellation, which must not come before deadline+notBefore.
func timeoutReleases(t *testing.T, s *shop, notBefore time.Duration) {
	a, b := s.product(t, 0, 5), s.product(t, 1, 5)
	before := map[string]shopapi.Stock{a.SKU: shopsteps.GetStock(t, s.api, a.SKU), b.SKU: shopsteps.GetStock(t, s.api, b.SKU)}
	orders := []*shopapi.Order{
		shopsteps.PlaceOrder(t, s.api, "carol", shopapi.Line{SKU: a.SKU, Quantity: 1}),
		shopsteps.PlaceOrder(t, s.api, "carol", shopapi.Line{SKU: a.SKU, Quantity: 2}, shopapi.Line{SKU: b.SKU, Quantity: 1}),
		shopsteps.PlaceOrder(t, s.api, "dave", shopapi.Line{SKU: b.SKU, Quantity: 3}),
	}
	for _, o := range orders {
		got := shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled, shopapi.StatusPaid)
		if got.Status != shopapi.StatusAwaitingPayment && got.CancelReason != shopapi.CancelPaymentTimeout {
			t.Fatalf("order %s: %s %q, want AWAITING_PAYMENT first", o.OrderSN, got.Status, got.CancelReason)
		}
	}
	for _, o := range orders {
		got := shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusCancelled, shopapi.StatusPaid)
		if got.Status != shopapi.StatusCancelled || got.CancelReason != shopapi.CancelPaymentTimeout {
			t.Fatalf("order %s: %s %q, want CANCELLED PAYMENT_TIMEOUT", o.OrderSN, got.Status, got.CancelReason)
		}
		if earliest := got.PaymentDeadline.Add(notBefore - clockSlop); got.UpdatedAt.Before(earliest) {
			t.Errorf("order %s cancelled at %s, before its deadline %s + %s", o.OrderSN,
				got.UpdatedAt.Format(time.RFC3339Nano), got.PaymentDeadline.Format(time.RFC3339Nano), notBefore)
		}
		if want := got.CreatedAt.Add(s.opts.timeout); got.PaymentDeadline.Sub(want).Abs() > clockSlop {
			t.Errorf("order %s: payment_deadline %s, want created_at + %s = %s", o.OrderSN, got.PaymentDeadline, s.opts.timeout, want)
		}
	}
	for sku, st := range before {
		shopsteps.EventuallyStock(t, s.api, waitLong, sku, st.Available, st.Reserved, st.Sold)
	}
	for _, o := range orders {
		if r := shopsteps.ReservationOf(t, s.api, o.OrderSN); r == nil || r.Status != shopapi.ReservationReleased {
			t.Errorf("reservation of %s: %+v, want RELEASED", o.OrderSN, r)
		}
		_, err := s.api.CreatePayment(shopsteps.ReqCtx(t), shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
		if shopapi.StatusOf(err) != 409 {
			t.Errorf("paying the cancelled order %s: %v, want 409", o.OrderSN, err)
		}
		if ps := shopsteps.PaymentsOf(t, s.api, o.OrderSN); len(ps) != 0 {
			t.Errorf("payments of the cancelled order %s: %+v, want none", o.OrderSN, ps)
		}
	}
	s.waitQuiet(t)
	s.verify(t)
}
