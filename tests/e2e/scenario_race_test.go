//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// raceOrder is one order of the payment-versus-timeout race and what its
// payment attempts got.
type raceOrder struct {
	name    string
	offset  time.Duration // pay at payment_deadline + offset
	payers  int           // concurrent payment attempts
	order   *shopapi.Order
	paid    []string // payment_sn of the attempts that got 200
	refused []string // reasons of the attempts that got 409
	errs    []error  // anything else
}

// testPaymentRacesTimeout pays orders just before, just after and exactly
// at their deadline, some with several concurrent attempts, and some while
// the order container is paused across the deadline (so the timeout and
// payment:succeeded wait for it together). Each order must end either PAID
// with exactly one SUCCEEDED payment and no refund, or
// CANCELLED(PAYMENT_TIMEOUT) with every payment REFUNDED; never both.
func testPaymentRacesTimeout(t *testing.T, s *stack) {
	var races []*raceOrder
	for i, off := range []time.Duration{-400, -200, -100, -50, 0, 0, 50, 100, 300} {
		payers := 1
		if off == 0 {
			payers = 3
		}
		races = append(races, &raceOrder{name: fmt.Sprintf("#%d at deadline%+dms x%d", i, off, payers), offset: off * time.Millisecond, payers: payers})
	}
	runRaces(t, s, races, false)
	var frozen []*raceOrder
	for i, off := range []time.Duration{-300, -100} {
		frozen = append(frozen, &raceOrder{name: fmt.Sprintf("paused #%d at deadline%+dms", i, off), offset: off * time.Millisecond, payers: 1})
	}
	runRaces(t, s, frozen, true)
	tally := map[string]int{}
	for _, r := range append(races, frozen...) {
		outcome := checkRace(t, s, r)
		tally[outcome]++
		t.Logf("%s: %s (200: %d, 409: %v)", r.name, outcome, len(r.paid), r.refused)
	}
	t.Logf("outcomes: %v", tally)
	s.verify(t)
}

// runRaces places the orders, waits for AWAITING_PAYMENT and pays each at
// its time. With pause, the order container is paused right after the
// payments and unpaused 1.5s after the last deadline.
func runRaces(t *testing.T, s *stack, races []*raceOrder, pause bool) {
	for i, r := range races {
		p := s.product(t, i, 2)
		r.order = s.placeOrder(t, "racer", shopapi.Line{SKU: p.SKU, Quantity: 1})
	}
	for _, r := range races {
		r.order = s.waitStatus(t, r.order.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled, shopapi.StatusPaid)
		if r.order.Status != shopapi.StatusAwaitingPayment {
			t.Fatalf("order %s: %s %q before any payment, want AWAITING_PAYMENT (is the machine too slow for a %s timeout?)",
				r.order.OrderSN, r.order.Status, r.order.CancelReason, paymentTimeout)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, r := range races {
		for range r.payers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Until(r.order.PaymentDeadline.Add(r.offset)))
				c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				p, err := s.api.CreatePayment(c, shopapi.CreatePaymentRequest{OrderSN: r.order.OrderSN, Amount: r.order.TotalAmount})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					r.paid = append(r.paid, p.PaymentSN)
				case shopapi.StatusOf(err) == 409:
					r.refused = append(r.refused, shopapi.ReasonOf(err))
				default:
					r.errs = append(r.errs, err)
				}
			}()
		}
	}
	wg.Wait()
	if !pause {
		return
	}
	s.pause(t, "order")
	last := races[0].order.PaymentDeadline
	for _, r := range races {
		if r.order.PaymentDeadline.After(last) {
			last = r.order.PaymentDeadline
		}
	}
	time.Sleep(time.Until(last.Add(1500 * time.Millisecond)))
	s.unpause(t, "order")
}

// checkRace checks one order's outcome and names it.
func checkRace(t *testing.T, s *stack, r *raceOrder) string {
	t.Helper()
	sn := r.order.OrderSN
	for _, err := range r.errs {
		t.Errorf("%s (%s): a payment attempt got neither 200 nor 409: %v", r.name, sn, err)
	}
	o := s.waitStatus(t, sn, shopapi.StatusPaid, shopapi.StatusCancelled)
	// order:paid and order:cancelled reach inventory and payment after the
	// order changed: wait (without failing) for the sale or the release and
	// the refunds before judging.
	var pays []shopapi.Payment
	var res *shopapi.Reservation
	_ = poll(context.Background(), waitLong, func() (bool, string) {
		pays, res = s.paymentsOf(t, sn), s.reservationOf(t, sn)
		if o.Status == shopapi.StatusPaid {
			return res != nil && res.Status == shopapi.ReservationSold, "reservation not SOLD yet"
		}
		for _, p := range pays {
			if p.Status != shopapi.PaymentRefunded {
				return false, "a payment is not refunded yet"
			}
		}
		return res != nil && res.Status == shopapi.ReservationReleased, "reservation not RELEASED yet"
	})
	var succeeded, refunded int
	for _, p := range pays {
		switch p.Status {
		case shopapi.PaymentSucceeded:
			succeeded++
		case shopapi.PaymentRefunded:
			refunded++
		default:
			t.Errorf("%s (%s): payment %s has status %q", r.name, sn, p.PaymentSN, p.Status)
		}
	}
	if len(pays) != len(r.paid) {
		t.Errorf("%s (%s): %d payments recorded, %d attempts got 200 (%v); refused: %v", r.name, sn, len(pays), len(r.paid), r.paid, r.refused)
	}
	resStatus := "none"
	if res != nil {
		resStatus = res.Status
	}
	switch {
	case o.Status == shopapi.StatusPaid:
		if succeeded != 1 || refunded != 0 || resStatus != shopapi.ReservationSold {
			t.Errorf("%s (%s): PAID with %d SUCCEEDED and %d REFUNDED payments, reservation %s; want 1, 0, SOLD", r.name, sn, succeeded, refunded, resStatus)
		}
		return "paid"
	case o.CancelReason != shopapi.CancelPaymentTimeout:
		t.Errorf("%s (%s): CANCELLED %q, want PAYMENT_TIMEOUT", r.name, sn, o.CancelReason)
		return "cancelled " + o.CancelReason
	case succeeded != 0 || resStatus != shopapi.ReservationReleased:
		t.Errorf("%s (%s): CANCELLED with %d SUCCEEDED payments (want all refunded), reservation %s (want RELEASED)", r.name, sn, succeeded, resStatus)
		return "cancelled, payment kept"
	case refunded > 0:
		return "cancelled, payment refunded"
	default:
		return "cancelled, payment refused"
	}
}
