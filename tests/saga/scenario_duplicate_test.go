package saga

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testDuplicateDelivery: every event of a paid, a timed-out and a rejected
// order is delivered twice more (re-sent by the test with the same body,
// keys and message id); then stale events with new ids arrive for a
// cancelled order. Nothing changes: order, reservation and stock versions,
// counters and payments stay as they were.
func testDuplicateDelivery(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{timeout: 5 * time.Second})
	a, b := s.product(t, 0, 5), s.product(t, 1, 5)
	paid := shopsteps.PlaceOrder(t, s.api, "erin", shopapi.Line{SKU: a.SKU, Quantity: 2})
	paid = shopsteps.WaitStatus(t, s.api, waitLong, paid.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
	if paid.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("order %s: %s, want AWAITING_PAYMENT", paid.OrderSN, paid.Status)
	}
	shopsteps.Pay(t, s.api, paid)
	rejected := shopsteps.PlaceOrder(t, s.api, "erin", shopapi.Line{SKU: b.SKU, Quantity: shopsteps.GetStock(t, s.api, b.SKU).Available + 1})
	timedOut := shopsteps.PlaceOrder(t, s.api, "erin", shopapi.Line{SKU: a.SKU, Quantity: 1}, shopapi.Line{SKU: b.SKU, Quantity: 1})
	shopsteps.WaitStatus(t, s.api, waitLong, paid.OrderSN, shopapi.StatusPaid)
	shopsteps.WaitStatus(t, s.api, waitLong, rejected.OrderSN, shopapi.StatusCancelled)
	timedOut = shopsteps.WaitStatus(t, s.api, waitLong, timedOut.OrderSN, shopapi.StatusCancelled)
	time.Sleep(time.Until(timedOut.PaymentDeadline.Add(time.Second))) // every order:timeout has fired
	s.waitQuiet(t)

	want := map[string][]event.Type{
		paid.OrderSN:     {event.OrderCreated, event.OrderTimeout, event.StockReserved, event.PaymentSucceeded, event.OrderPaid},
		rejected.OrderSN: {event.OrderCreated, event.StockRejected, event.OrderCancelled},
		timedOut.OrderSN: {event.OrderCreated, event.OrderTimeout, event.StockReserved, event.OrderCancelled},
	}
	var all []storedEvent
	for sn, types := range want {
		evs := s.eventsOf(t, sn)
		got := countTypes(evs)
		for _, typ := range types {
			if got[typ] == 0 {
				t.Errorf("order %s: no %s message stored; found:%s", sn, typ, describe(evs))
			}
		}
		all = append(all, evs...)
	}
	before := snapshotShop(t, s.api)
	for round := range 2 {
		for _, e := range all {
			s.resend(t, e)
		}
		t.Logf("round %d: re-sent %d events", round+1, len(all))
	}
	// Stale events with fresh ids: the cancelled order hears that its
	// stock was reserved and that it was paid.
	s.sendEvent(t, event.StockReserved, timedOut.OrderSN, 99, event.StockReservedPayload{Lines: []event.Line{{SKU: a.SKU, Quantity: 1, UnitPrice: a.Price}}})
	s.sendEvent(t, event.PaymentSucceeded, timedOut.OrderSN, 99, event.PaymentSucceededPayload{PaymentSN: "PAY-STALE", Amount: timedOut.TotalAmount})
	s.waitQuiet(t)
	after := snapshotShop(t, s.api)
	if d := before.diff(after); d != "" {
		t.Errorf("the duplicates changed the shop:%s", d)
	}
	s.verify(t)
}

// shopState is everything a duplicate could change, as text per row.
type shopState map[string]string

// snapshotShop reads every order, reservation, payment and stock.
func snapshotShop(t testing.TB, api *shopapi.Client) shopState {
	t.Helper()
	c := shopsteps.ReqCtx(t)
	st := shopState{}
	orders, err := api.AllOrders(c, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range orders {
		st["order "+o.OrderSN] = fmt.Sprintf("%s %q v%d total %d updated %s", o.Status, o.CancelReason, o.Version, o.TotalAmount, o.UpdatedAt.Format(time.RFC3339Nano))
	}
	res, err := api.AllReservations(c, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		st["reservation "+r.OrderSN] = fmt.Sprintf("%s v%d %v", r.Status, r.Version, r.Lines)
	}
	pays, err := api.AllPayments(c, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pays {
		st["payment "+p.PaymentSN] = fmt.Sprintf("%s %s %d updated %s", p.OrderSN, p.Status, p.Amount, p.UpdatedAt.Format(time.RFC3339Nano))
	}
	stocks, err := api.ListStocks(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stocks {
		st["stock "+s.SKU] = fmt.Sprintf("total %d available %d reserved %d sold %d v%d", s.Total, s.Available, s.Reserved, s.Sold, s.Version)
	}
	return st
}

// diff lists the rows that differ between a and b, "" when none does.
func (a shopState) diff(b shopState) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var lines []string
	for k := range keys {
		if a[k] != b[k] {
			lines = append(lines, fmt.Sprintf("\n  %s: before %q, after %q", k, a[k], b[k]))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "")
}
