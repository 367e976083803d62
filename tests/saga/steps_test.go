package saga

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/verify"
)

// waitLong bounds how long an eventual state may take: a few payment
// timeouts plus the sweep, on a loaded two-core machine.
const waitLong = 30 * time.Second

// The steps below work on any shopapi client: a shop this suite started,
// or the embedded shop binary.

// reqCtx is the context of one HTTP call.
func reqCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// products returns the catalogue sorted by sku.
func products(t testing.TB, api *shopapi.Client) []shopapi.Product {
	t.Helper()
	ps, err := api.ListProducts(reqCtx(t))
	if err != nil {
		t.Fatalf("list products: %v", err)
	}
	if len(ps) == 0 {
		t.Fatal("the catalogue is empty")
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].SKU < ps[j].SKU })
	return ps
}

// placeOrder places an order of the lines for user u.
func placeOrder(t testing.TB, api *shopapi.Client, u string, lines ...shopapi.Line) *shopapi.Order {
	t.Helper()
	o, err := api.CreateOrder(reqCtx(t), shopapi.CreateOrderRequest{UserID: u, Items: lines})
	if err != nil {
		t.Fatalf("create order %v: %v", lines, err)
	}
	if o.OrderSN == "" || o.Status != shopapi.StatusCreated {
		t.Fatalf("create order: got %+v, want an order_sn and status CREATED", o)
	}
	return o
}

// waitStatus polls the order until its status is one of want.
func waitStatus(t testing.TB, api *shopapi.Client, sn string, want ...string) *shopapi.Order {
	t.Helper()
	var o *shopapi.Order
	eventually(t, waitLong, "order "+sn+" to become "+strings.Join(want, " or "), func() (bool, string) {
		got, err := api.GetOrder(context.Background(), sn)
		if err != nil {
			return false, err.Error()
		}
		o = got
		return slices.Contains(want, got.Status), fmt.Sprintf("status %s %s version %d", got.Status, got.CancelReason, got.Version)
	})
	return o
}

// getOrder reads one order.
func getOrder(t testing.TB, api *shopapi.Client, sn string) *shopapi.Order {
	t.Helper()
	o, err := api.GetOrder(reqCtx(t), sn)
	if err != nil {
		t.Fatalf("get order %s: %v", sn, err)
	}
	return o
}

// pay pays o's total and checks the reply.
func pay(t testing.TB, api *shopapi.Client, o *shopapi.Order) *shopapi.Payment {
	t.Helper()
	p, err := api.CreatePayment(reqCtx(t), shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
	if err != nil {
		t.Fatalf("pay %s: %v", o.OrderSN, err)
	}
	if p.Status != shopapi.PaymentSucceeded || p.OrderSN != o.OrderSN || p.Amount != o.TotalAmount || p.PaymentSN == "" {
		t.Fatalf("pay %s: got %+v, want a SUCCEEDED payment of %d", o.OrderSN, p, o.TotalAmount)
	}
	return p
}

// getStock reads one SKU's counters.
func getStock(t testing.TB, api *shopapi.Client, sku string) shopapi.Stock {
	t.Helper()
	st, err := api.GetStock(reqCtx(t), sku)
	if err != nil {
		t.Fatalf("get stock %s: %v", sku, err)
	}
	return *st
}

func stockText(st shopapi.Stock, available, reserved, sold int64) string {
	return fmt.Sprintf("stock %s: available %d reserved %d sold %d (total %d), want %d/%d/%d",
		st.SKU, st.Available, st.Reserved, st.Sold, st.Total, available, reserved, sold)
}

// wantStockNow fails the test unless sku's counters are
// available/reserved/sold now.
func wantStockNow(t testing.TB, api *shopapi.Client, sku string, available, reserved, sold int64) {
	t.Helper()
	st := getStock(t, api, sku)
	if st.Available != available || st.Reserved != reserved || st.Sold != sold {
		t.Error(stockText(st, available, reserved, sold))
	}
}

// eventuallyStock polls sku's counters until they are
// available/reserved/sold.
func eventuallyStock(t testing.TB, api *shopapi.Client, sku string, available, reserved, sold int64) {
	t.Helper()
	eventually(t, waitLong, "stock "+sku, func() (bool, string) {
		st, err := api.GetStock(context.Background(), sku)
		if err != nil {
			return false, err.Error()
		}
		return st.Available == available && st.Reserved == reserved && st.Sold == sold,
			stockText(*st, available, reserved, sold)
	})
}

// reservationOf returns the order's reservation, nil when there is none.
func reservationOf(t testing.TB, api *shopapi.Client, sn string) *shopapi.Reservation {
	t.Helper()
	rs, err := api.AllReservations(reqCtx(t), sn, 0)
	if err != nil {
		t.Fatalf("reservations of %s: %v", sn, err)
	}
	for i := range rs {
		if rs[i].OrderSN == sn {
			return &rs[i]
		}
	}
	return nil
}

// paymentsOf lists the order's payments.
func paymentsOf(t testing.TB, api *shopapi.Client, sn string) []shopapi.Payment {
	t.Helper()
	ps, err := api.AllPayments(reqCtx(t), sn, 0)
	if err != nil {
		t.Fatalf("payments of %s: %v", sn, err)
	}
	return ps
}

// product returns the i-th product (by sku, wrapping around) with at least
// minAvailable units available.
func (s *shop) product(t testing.TB, i int, minAvailable int64) shopapi.Product {
	t.Helper()
	var ok []shopapi.Product
	for _, p := range products(t, s.api) {
		if p.Available >= minAvailable {
			ok = append(ok, p)
		}
	}
	if len(ok) == 0 {
		t.Fatalf("no product has %d units available", minAvailable)
	}
	return ok[i%len(ok)]
}

// restock adds q units of sku and records them for verify.
func (s *shop) restock(t testing.TB, sku string, q int64) shopapi.Stock {
	t.Helper()
	st, err := s.api.Restock(reqCtx(t), sku, q)
	if err != nil {
		t.Fatalf("restock %s by %d: %v", sku, q, err)
	}
	s.addInitial(sku, q)
	return *st
}

// verify runs verify.Run against the shop and fails the test unless it
// reports OK.
func (s *shop) verify(t testing.TB) {
	t.Helper()
	runVerify(t, s.url("order"), s.url("inventory"), s.url("payment"), s.opts.timeout, s.initialTotals())
}

// runVerify runs verify.Run against the URLs and fails the test unless it
// reports OK.
func runVerify(t testing.TB, orderURL, inventoryURL, paymentURL string, timeout time.Duration, initial map[string]int64) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	rep, err := verify.Run(c, verify.Options{
		OrderURL: orderURL, InventoryURL: inventoryURL, PaymentURL: paymentURL,
		Settle: 10 * time.Second, PaymentTimeout: timeout, Slack: slack, Initial: initial,
	})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	var b strings.Builder
	_ = rep.Write(&b)
	if !rep.OK() {
		t.Errorf("verify is not OK:\n%s", b.String())
		return
	}
	t.Logf("verify: OK (%d orders, %d reservations, %d payments; %d reading(s))", rep.Orders, rep.Reservations, rep.Payments, rep.Rounds)
}
