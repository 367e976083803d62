//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// outageDowntime is how long a restarted container stays stopped.
const outageDowntime = 5 * time.Second

// testBrokerRestart: the broker container is stopped and started again
// while sagas are in flight: orders just placed (order:created on its
// way), orders just paid (payment:succeeded on its way), timeouts due,
// payments and orders attempted while it is down. Nothing is lost: every
// order the shop accepted ends PAID or CANCELLED, every payment it
// accepted is SUCCEEDED on a PAID order or REFUNDED, and the invariants
// hold.
func testBrokerRestart(t *testing.T, s *stack) {
	testOutage(t, s, "broker")
}

// testMariaDBRestart: the database container is stopped and started again
// while the consumers are busy with the same kind of traffic. Their
// messages fail while it is down and are consumed again later (consumer
// retries, delay levels 3 and up); the services reconnect; nothing is
// lost and the invariants hold.
func testMariaDBRestart(t *testing.T, s *stack) {
	testOutage(t, s, "mysql")
}

// flight is the traffic of an outage scenario: what the shop accepted.
type flight struct {
	orders   map[string]*shopapi.Order // order_sn -> order as placed
	payments map[string]string         // payment_sn -> order_sn
	refused  int                       // requests that failed (expected while down)
}

// testOutage runs traffic across a stop and start of alias's container.
func testOutage(t *testing.T, s *stack, alias string) {
	f := &flight{orders: map[string]*shopapi.Order{}, payments: map[string]string{}}
	// Orders awaiting payment, half of them paid right before the stop.
	var awaiting []*shopapi.Order
	for i := range 6 {
		o := shopsteps.PlaceOrder(t, s.api, "outage", shopapi.Line{SKU: s.product(t, i, 2).SKU, Quantity: 1})
		f.orders[o.OrderSN] = o
		awaiting = append(awaiting, o)
	}
	for i, o := range awaiting {
		awaiting[i] = shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
	}
	for _, o := range awaiting[:3] {
		f.pay(s, o)
	}
	// Orders just placed: their order:created is being consumed.
	for i := range 4 {
		f.place(s, i)
	}
	retriesBefore := s.consumerRetries()
	down := time.Now()
	s.stop(t, alias, stopGrace)
	t.Logf("%s stopped (%s after the last order)", alias, time.Since(down).Round(time.Millisecond))
	// While it is down: pay the rest, place more (either may fail).
	for _, o := range awaiting[3:] {
		f.pay(s, o)
	}
	for i := range 3 {
		f.place(s, i)
	}
	time.Sleep(time.Until(down.Add(outageDowntime)))
	s.start(t, alias)
	t.Logf("%s started again after %s; %d orders and %d payments accepted, %d requests failed",
		alias, time.Since(down).Round(time.Millisecond), len(f.orders), len(f.payments), f.refused)
	// Orders accepted after the start too: the shop works again.
	for i := range 3 {
		o := shopsteps.PlaceOrder(t, s.api, "outage", shopapi.Line{SKU: s.product(t, i, 2).SKU, Quantity: 1})
		f.orders[o.OrderSN] = o
	}
	f.check(t, s)
	t.Logf("consumer handlers failed and were retried %d time(s) meanwhile", s.consumerRetries()-retriesBefore)
	s.verify(t)
}

// consumerRetries counts the messages the services' consumers handed back
// for a later retry so far (pkg/messaging logs each).
func (s *stack) consumerRetries() int {
	n := 0
	for _, sv := range services {
		n += strings.Count(s.logOf(sv.name), "handler failed, retry later")
	}
	return n
}

// place tries to place an order of one unit; a failure is counted.
func (f *flight) place(s *stack, i int) {
	c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	ps, err := s.api.ListProducts(c)
	if err != nil || len(ps) == 0 {
		f.refused++
		return
	}
	o, err := s.api.CreateOrder(c, shopapi.CreateOrderRequest{UserID: "outage", Items: []shopapi.Line{{SKU: ps[i%len(ps)].SKU, Quantity: 1}}})
	if err != nil {
		f.refused++
		return
	}
	f.orders[o.OrderSN] = o
}

// pay tries to pay o; a failure is counted.
func (f *flight) pay(s *stack, o *shopapi.Order) {
	c, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	p, err := s.api.CreatePayment(c, shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
	if err != nil {
		f.refused++
		return
	}
	f.payments[p.PaymentSN] = o.OrderSN
}

// check waits until every accepted order is PAID or CANCELLED and checks
// that every accepted payment is kept on a PAID order or refunded.
func (f *flight) check(t *testing.T, s *stack) {
	t.Helper()
	tally := map[string]int{}
	for sn := range f.orders {
		o := shopsteps.WaitStatus(t, s.api, waitLong, sn, shopapi.StatusPaid, shopapi.StatusCancelled)
		tally[o.Status+" "+o.CancelReason]++
	}
	t.Logf("orders: %v", tally)
	for psn, sn := range f.payments {
		shopsteps.Eventually(t, waitLong, "payment "+psn+" to settle", func() (bool, string) {
			o := shopsteps.GetOrder(t, s.api, sn)
			var got *shopapi.Payment
			for _, p := range shopsteps.PaymentsOf(t, s.api, sn) {
				if p.PaymentSN == psn {
					got = &p
				}
			}
			switch {
			case got == nil:
				return false, fmt.Sprintf("payment %s of %s is gone", psn, sn)
			case o.Status == shopapi.StatusPaid:
				return got.Status == shopapi.PaymentSucceeded, "PAID order, payment " + got.Status
			default:
				return got.Status == shopapi.PaymentRefunded, "CANCELLED order, payment " + got.Status
			}
		})
	}
}
