package saga

import (
	"context"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testHappyPath: create -> AWAITING_PAYMENT -> pay -> PAID; the reservation
// is SOLD, the stock moved from available to sold, one payment SUCCEEDED.
func testHappyPath(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{timeout: 20 * time.Second})
	happyPath(t, s.api, s)
	s.verify(t)
}

// happyPath runs one order through the saga against api (a shop started
// by this suite or the embedded shop binary); s, when not nil, adds the
// checks that need the broker.
func happyPath(t *testing.T, api *shopapi.Client, s *shop) {
	t.Helper()
	c := context.Background()
	ps, err := api.ListProducts(c)
	if err != nil || len(ps) < 2 {
		t.Fatalf("list products: %v (%d products, want at least 2)", err, len(ps))
	}
	a, b := ps[0], ps[1]
	stA, stB := shopsteps.GetStock(t, api, a.SKU), shopsteps.GetStock(t, api, b.SKU)
	if stA.Available < 2 || stB.Available < 1 {
		t.Fatalf("seeded stock too small: %+v %+v", stA, stB)
	}

	o, err := api.CreateOrder(c, shopapi.CreateOrderRequest{UserID: "alice", Items: []shopapi.Line{{SKU: a.SKU, Quantity: 2}, {SKU: b.SKU, Quantity: 1}}})
	if err != nil {
		t.Fatalf("create order: %v", err)
	}
	if o.Status != shopapi.StatusCreated || o.Version != 1 || o.UserID != "alice" || len(o.Items) != 2 {
		t.Errorf("created order: %+v, want CREATED version 1 for alice with 2 items", o)
	}
	if want := 2*a.Price + b.Price; o.TotalAmount != want {
		t.Errorf("total_amount %d, want %d (2 x %d + %d)", o.TotalAmount, want, a.Price, b.Price)
	}
	if !o.PaymentDeadline.After(o.CreatedAt) {
		t.Errorf("payment_deadline %s is not after created_at %s", o.PaymentDeadline, o.CreatedAt)
	}

	o = shopsteps.WaitStatus(t, api, waitLong, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusAwaitingPayment || o.Version < 2 {
		t.Fatalf("order %s: %s %s version %d, want AWAITING_PAYMENT version >= 2", o.OrderSN, o.Status, o.CancelReason, o.Version)
	}
	if r := shopsteps.ReservationOf(t, api, o.OrderSN); r == nil || r.Status != shopapi.ReservationReserved {
		t.Errorf("reservation of %s: %+v, want RESERVED", o.OrderSN, r)
	}
	shopsteps.WantStockNow(t, api, a.SKU, stA.Available-2, stA.Reserved+2, stA.Sold)
	shopsteps.WantStockNow(t, api, b.SKU, stB.Available-1, stB.Reserved+1, stB.Sold)

	awaiting := o.Version
	p, err := api.CreatePayment(c, shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
	if err != nil {
		t.Fatalf("pay: %v", err)
	}
	if p.Status != shopapi.PaymentSucceeded || p.Amount != o.TotalAmount || p.OrderSN != o.OrderSN {
		t.Errorf("payment: %+v, want SUCCEEDED of %d for %s", p, o.TotalAmount, o.OrderSN)
	}
	o = shopsteps.WaitStatus(t, api, waitLong, o.OrderSN, shopapi.StatusPaid, shopapi.StatusCancelled)
	if o.Status != shopapi.StatusPaid || o.CancelReason != "" || o.Version <= awaiting {
		t.Fatalf("order %s: %s %q version %d, want PAID with a version above %d", o.OrderSN, o.Status, o.CancelReason, o.Version, awaiting)
	}
	shopsteps.EventuallyStock(t, api, waitLong, a.SKU, stA.Available-2, stA.Reserved, stA.Sold+2)
	shopsteps.EventuallyStock(t, api, waitLong, b.SKU, stB.Available-1, stB.Reserved, stB.Sold+1)
	if r := shopsteps.ReservationOf(t, api, o.OrderSN); r == nil || r.Status != shopapi.ReservationSold {
		t.Errorf("reservation of %s: %+v, want SOLD", o.OrderSN, r)
	}
	for status, want := range map[string]int{shopapi.StatusPaid: 1, shopapi.StatusAwaitingPayment: 0} {
		if got, err := api.AllOrders(c, status, 0); err != nil || len(got) != want {
			t.Errorf("orders with status %s: %d (%v), want %d", status, len(got), err, want)
		}
	}
	pays, err := api.AllPayments(c, o.OrderSN, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pays) != 1 || pays[0].PaymentSN != p.PaymentSN || pays[0].Status != shopapi.PaymentSucceeded {
		t.Errorf("payments of %s: %+v, want only %s SUCCEEDED", o.OrderSN, pays, p.PaymentSN)
	}
	// The stock read cache (GET /v1/inventory/{sku}) must agree with the
	// list, which reads the database.
	if s != nil {
		s.waitQuiet(t)
	}
	stocks, err := api.ListStocks(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range stocks {
		if st.SKU != a.SKU && st.SKU != b.SKU {
			continue
		}
		if got := shopsteps.GetStock(t, api, st.SKU); got != st {
			t.Errorf("GET /v1/inventory/%s (cached) = %+v, list = %+v", st.SKU, got, st)
		}
	}
}
