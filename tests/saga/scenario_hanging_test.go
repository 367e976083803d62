package saga

import (
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testCancelBeforeReserve: an order:cancelled that arrives before its
// order:created (crafted with pkg/event and sent with mq/admin, twice
// each) leaves a CANCELLED tombstone in inventory, and the late
// order:created reserves nothing: the stock is untouched and no stock
// event is emitted. The order service has no such order and must not
// invent one; payment refuses to pay it.
func testCancelBeforeReserve(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{})
	p := s.product(t, 0, 3)
	before := shopsteps.GetStock(t, s.api, p.SKU)
	sn := fmt.Sprintf("HANG%d", time.Now().UnixNano())

	for range 2 {
		s.sendEvent(t, event.OrderCancelled, sn, 2, event.OrderCancelledPayload{Reason: event.ReasonPaymentTimeout})
	}
	shopsteps.Eventually(t, waitLong, "the tombstone of "+sn, func() (bool, string) {
		r := shopsteps.ReservationOf(t, s.api, sn)
		if r == nil {
			return false, "no reservation"
		}
		return r.Status == shopapi.ReservationCancelled, "reservation " + r.Status
	})
	lines := []event.Line{{SKU: p.SKU, Quantity: 2, UnitPrice: p.Price}}
	for range 2 {
		s.sendEvent(t, event.OrderCreated, sn, 1, event.OrderCreatedPayload{UserID: "frank", Lines: lines,
			TotalAmount: 2 * p.Price, PaymentDeadline: time.Now().Add(s.opts.timeout)})
	}
	s.waitQuiet(t)
	time.Sleep(s.opts.timeout) // the order:timeout the order service schedules for it comes and goes
	s.waitQuiet(t)

	if r := shopsteps.ReservationOf(t, s.api, sn); r == nil || r.Status != shopapi.ReservationCancelled || len(r.Lines) != 0 {
		t.Errorf("reservation of %s: %+v, want a CANCELLED tombstone without lines", sn, r)
	}
	if after := shopsteps.GetStock(t, s.api, p.SKU); after != before {
		t.Errorf("stock %s changed: before %+v, after %+v", p.SKU, before, after)
	}
	for _, e := range s.eventsOf(t, sn) {
		if e.env.Type.Topic() == event.TopicStock {
			t.Errorf("inventory emitted %s for the cancelled order %s", e.env.EventID, sn)
		}
	}
	if _, err := s.api.GetOrder(shopsteps.ReqCtx(t), sn); shopapi.StatusOf(err) != 404 {
		t.Errorf("GET order %s: %v, want 404 (the order service never created it)", sn, err)
	}
	_, err := s.api.CreatePayment(shopsteps.ReqCtx(t), shopapi.CreatePaymentRequest{OrderSN: sn, Amount: 2 * p.Price})
	if st := shopapi.StatusOf(err); st != 404 && st != 409 {
		t.Errorf("paying %s: %v, want 404 or 409", sn, err)
	}
	if ps := shopsteps.PaymentsOf(t, s.api, sn); len(ps) != 0 {
		t.Errorf("payments of %s: %+v, want none", sn, ps)
	}
	s.verify(t)
}
