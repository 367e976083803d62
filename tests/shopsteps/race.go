package shopsteps

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// RaceOrder is one order of the payment-versus-timeout race and what its
// payment attempts got.
type RaceOrder struct {
	Name    string
	Offset  time.Duration // pay at payment_deadline + Offset
	Payers  int           // concurrent payment attempts
	Order   *shopapi.Order
	Paid    []string // payment_sn of the attempts that got 200
	Refused []string // reasons of the attempts that got 409
	Errs    []error  // anything else
}

// PlaceAndPay places one order of a unit of pick(i) for each race, waits
// (up to d) until every one is AWAITING_PAYMENT, and then pays each with
// its Payers concurrent attempts at its deadline plus Offset, recording
// what every attempt got.
func PlaceAndPay(t testing.TB, api *shopapi.Client, d time.Duration, races []*RaceOrder, pick func(i int) shopapi.Product) {
	t.Helper()
	for i, r := range races {
		r.Order = PlaceOrder(t, api, "racer", shopapi.Line{SKU: pick(i).SKU, Quantity: 1})
	}
	for _, r := range races {
		r.Order = WaitStatus(t, api, d, r.Order.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled, shopapi.StatusPaid)
		if r.Order.Status != shopapi.StatusAwaitingPayment {
			t.Fatalf("order %s: %s %q before any payment, want AWAITING_PAYMENT (is the machine too slow for the payment timeout?)",
				r.Order.OrderSN, r.Order.Status, r.Order.CancelReason)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, r := range races {
		for range r.Payers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(time.Until(r.Order.PaymentDeadline.Add(r.Offset)))
				c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				p, err := api.CreatePayment(c, shopapi.CreatePaymentRequest{OrderSN: r.Order.OrderSN, Amount: r.Order.TotalAmount})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					r.Paid = append(r.Paid, p.PaymentSN)
				case shopapi.StatusOf(err) == 409:
					r.Refused = append(r.Refused, shopapi.ReasonOf(err))
				default:
					r.Errs = append(r.Errs, err)
				}
			}()
		}
	}
	wg.Wait()
}

// LastDeadline is the latest payment deadline of the races' orders.
func LastDeadline(races []*RaceOrder) time.Time {
	var last time.Time
	for _, r := range races {
		if r.Order.PaymentDeadline.After(last) {
			last = r.Order.PaymentDeadline
		}
	}
	return last
}

// CheckRace checks one race's outcome and names it. The order must end
// either PAID with exactly one SUCCEEDED payment, no refund and its
// reservation SOLD, or CANCELLED(PAYMENT_TIMEOUT) with every payment
// REFUNDED and its reservation RELEASED; every attempt must have got 200
// or 409, and the payments recorded must be the attempts that got 200.
// The order's own change is waited for up to d, and so are the sale or
// release and the refunds that follow it in the other services.
func CheckRace(t testing.TB, api *shopapi.Client, d time.Duration, r *RaceOrder) string {
	t.Helper()
	sn := r.Order.OrderSN
	for _, err := range r.Errs {
		t.Errorf("%s (%s): a payment attempt got neither 200 nor 409: %v", r.Name, sn, err)
	}
	o := WaitStatus(t, api, d, sn, shopapi.StatusPaid, shopapi.StatusCancelled)
	var pays []shopapi.Payment
	var res *shopapi.Reservation
	_ = Poll(context.Background(), d, func() (bool, string) { // judged below, whatever it ends with
		pays, res = PaymentsOf(t, api, sn), ReservationOf(t, api, sn)
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
			t.Errorf("%s (%s): payment %s has status %q", r.Name, sn, p.PaymentSN, p.Status)
		}
	}
	if len(pays) != len(r.Paid) {
		t.Errorf("%s (%s): %d payments recorded, %d attempts got 200 (%v); refused: %v", r.Name, sn, len(pays), len(r.Paid), r.Paid, r.Refused)
	}
	resStatus := "none"
	if res != nil {
		resStatus = res.Status
	}
	switch {
	case o.Status == shopapi.StatusPaid:
		if succeeded != 1 || refunded != 0 || resStatus != shopapi.ReservationSold {
			t.Errorf("%s (%s): PAID with %d SUCCEEDED and %d REFUNDED payments, reservation %s; want 1, 0, SOLD", r.Name, sn, succeeded, refunded, resStatus)
		}
		return "paid"
	case o.CancelReason != shopapi.CancelPaymentTimeout:
		t.Errorf("%s (%s): CANCELLED %q, want PAYMENT_TIMEOUT", r.Name, sn, o.CancelReason)
		return "cancelled " + o.CancelReason
	case succeeded != 0 || resStatus != shopapi.ReservationReleased:
		t.Errorf("%s (%s): CANCELLED with %d SUCCEEDED payments (want all refunded), reservation %s (want RELEASED)", r.Name, sn, succeeded, resStatus)
		return "cancelled, payment kept"
	case refunded > 0:
		return "cancelled, payment refunded"
	default:
		return "cancelled, payment refused"
	}
}
