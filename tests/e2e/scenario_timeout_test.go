//go:build e2e

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// clockSlop absorbs the rounding of timestamps (a DATETIME column may drop
// the fraction) when an order's times are compared.
const clockSlop = time.Second

// testTimeoutRelease: unpaid orders are CANCELLED(PAYMENT_TIMEOUT) by the
// broker's delay-level-16 message (not by the sweep, and not before their
// deadline), their stock is released, and paying afterwards is refused.
func testTimeoutRelease(t *testing.T, s *stack) {
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
		if earliest := got.PaymentDeadline.Add(-clockSlop); got.UpdatedAt.Before(earliest) {
			t.Errorf("order %s cancelled at %s, before its deadline %s", o.OrderSN,
				got.UpdatedAt.Format(time.RFC3339Nano), got.PaymentDeadline.Format(time.RFC3339Nano))
		}
	}
	for sku, st := range before {
		shopsteps.EventuallyStock(t, s.api, waitLong, sku, st.Available, st.Reserved, st.Sold)
	}
	log := s.logOf("order")
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
		// The sweep logs every order it cancels; these were the delay
		// message's.
		if strings.Contains(log, "sweep cancelled order "+o.OrderSN) {
			t.Errorf("order %s was cancelled by the sweep, not by its order:timeout message (delay level 16)", o.OrderSN)
		}
	}
	s.verify(t)
}
