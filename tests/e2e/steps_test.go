//go:build e2e

package e2e

import (
	"context"
	"errors"
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
// timeouts plus the sweep, on a loaded two-core machine with containers
// restarting.
const waitLong = 90 * time.Second

// reqCtx is the context of one HTTP call.
func reqCtx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return c
}

// eventually polls cond every 200ms until it returns true or d passes;
// then the test fails with what and the last detail cond gave.
func eventually(t testing.TB, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	if err := poll(context.Background(), d, cond); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// poll is eventually without the test: it returns an error after d.
func poll(ctx context.Context, d time.Duration, cond func() (bool, string)) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var detail string
	for {
		var ok bool
		if ok, detail = cond(); ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return errors.New("not within " + d.String() + "; last seen: " + detail)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// products returns the catalogue sorted by sku.
func (s *stack) products(t testing.TB) []shopapi.Product {
	t.Helper()
	ps, err := s.api.ListProducts(reqCtx(t))
	if err != nil {
		t.Fatalf("list products: %v", err)
	}
	if len(ps) == 0 {
		t.Fatal("the catalogue is empty")
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].SKU < ps[j].SKU })
	return ps
}

// product returns the i-th product (by sku, wrapping around) with at least
// minAvailable units available, restocking one when none has.
func (s *stack) product(t testing.TB, i int, minAvailable int64) shopapi.Product {
	t.Helper()
	var ok []shopapi.Product
	ps := s.products(t)
	for _, p := range ps {
		if p.Available >= minAvailable {
			ok = append(ok, p)
		}
	}
	if len(ok) == 0 {
		p := ps[i%len(ps)]
		s.restock(t, p.SKU, minAvailable)
		p.Available += minAvailable
		return p
	}
	return ok[i%len(ok)]
}

// restock adds q units of sku and records them for verify.
func (s *stack) restock(t testing.TB, sku string, q int64) shopapi.Stock {
	t.Helper()
	st, err := s.api.Restock(reqCtx(t), sku, q)
	if err != nil {
		t.Fatalf("restock %s by %d: %v", sku, q, err)
	}
	s.addInitial(sku, q)
	return *st
}

// placeOrder places an order of the lines for user u.
func (s *stack) placeOrder(t testing.TB, u string, lines ...shopapi.Line) *shopapi.Order {
	t.Helper()
	o, err := s.api.CreateOrder(reqCtx(t), shopapi.CreateOrderRequest{UserID: u, Items: lines})
	if err != nil {
		t.Fatalf("create order %v: %v", lines, err)
	}
	if o.OrderSN == "" || o.Status != shopapi.StatusCreated {
		t.Fatalf("create order: got %+v, want an order_sn and status CREATED", o)
	}
	return o
}

// waitStatus polls the order until its status is one of want.
func (s *stack) waitStatus(t testing.TB, sn string, want ...string) *shopapi.Order {
	t.Helper()
	var o *shopapi.Order
	eventually(t, waitLong, "order "+sn+" to become "+strings.Join(want, " or "), func() (bool, string) {
		got, err := s.api.GetOrder(context.Background(), sn)
		if err != nil {
			return false, err.Error()
		}
		o = got
		return slices.Contains(want, got.Status), fmt.Sprintf("status %s %s version %d", got.Status, got.CancelReason, got.Version)
	})
	return o
}

// getOrder reads one order.
func (s *stack) getOrder(t testing.TB, sn string) *shopapi.Order {
	t.Helper()
	o, err := s.api.GetOrder(reqCtx(t), sn)
	if err != nil {
		t.Fatalf("get order %s: %v", sn, err)
	}
	return o
}

// pay pays o's total and checks the reply.
func (s *stack) pay(t testing.TB, o *shopapi.Order) *shopapi.Payment {
	t.Helper()
	p, err := s.api.CreatePayment(reqCtx(t), shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
	if err != nil {
		t.Fatalf("pay %s: %v", o.OrderSN, err)
	}
	if p.Status != shopapi.PaymentSucceeded || p.OrderSN != o.OrderSN || p.Amount != o.TotalAmount || p.PaymentSN == "" {
		t.Fatalf("pay %s: got %+v, want a SUCCEEDED payment of %d", o.OrderSN, p, o.TotalAmount)
	}
	return p
}

// getStock reads one SKU's counters.
func (s *stack) getStock(t testing.TB, sku string) shopapi.Stock {
	t.Helper()
	st, err := s.api.GetStock(reqCtx(t), sku)
	if err != nil {
		t.Fatalf("get stock %s: %v", sku, err)
	}
	return *st
}

func stockText(st shopapi.Stock, available, reserved, sold int64) string {
	return fmt.Sprintf("stock %s: available %d reserved %d sold %d (total %d), want %d/%d/%d",
		st.SKU, st.Available, st.Reserved, st.Sold, st.Total, available, reserved, sold)
}

// eventuallyStock polls sku's counters until they are
// available/reserved/sold.
func (s *stack) eventuallyStock(t testing.TB, sku string, available, reserved, sold int64) {
	t.Helper()
	eventually(t, waitLong, "stock "+sku, func() (bool, string) {
		st, err := s.api.GetStock(context.Background(), sku)
		if err != nil {
			return false, err.Error()
		}
		return st.Available == available && st.Reserved == reserved && st.Sold == sold,
			stockText(*st, available, reserved, sold)
	})
}

// reservationOf returns the order's reservation, nil when there is none.
func (s *stack) reservationOf(t testing.TB, sn string) *shopapi.Reservation {
	t.Helper()
	rs, err := s.api.AllReservations(reqCtx(t), sn, 0)
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
func (s *stack) paymentsOf(t testing.TB, sn string) []shopapi.Payment {
	t.Helper()
	ps, err := s.api.AllPayments(reqCtx(t), sn, 0)
	if err != nil {
		t.Fatalf("payments of %s: %v", sn, err)
	}
	return ps
}

// waitAllTerminal waits until every order of the shop is PAID or
// CANCELLED and returns them.
func (s *stack) waitAllTerminal(t testing.TB, d time.Duration) []shopapi.Order {
	t.Helper()
	var all []shopapi.Order
	eventually(t, d, "every order to be PAID or CANCELLED", func() (bool, string) {
		orders, err := s.api.AllOrders(context.Background(), "", 0)
		if err != nil {
			return false, err.Error()
		}
		all = orders
		var open []string
		for _, o := range orders {
			if !o.Terminal() {
				open = append(open, o.OrderSN+" "+o.Status)
			}
		}
		if len(open) > 5 {
			open = append(open[:5], fmt.Sprintf("and %d more", len(open)-5))
		}
		return len(open) == 0, fmt.Sprintf("%d orders, open: %v", len(orders), open)
	})
	return all
}

// verifySettle is how long verify lets a violation persist before it
// counts. A consistent shop passes at the first reading; after a broker
// restart, consumers may resume only once the client's next route update
// and rebalance (every 30s and 20s) add the broker's queues back.
const verifySettle = time.Minute

// verify runs verify.Run against the stack and fails the test unless it
// reports OK.
func (s *stack) verify(t testing.TB) {
	t.Helper()
	c, cancel := context.WithTimeout(context.Background(), 2*verifySettle+time.Minute)
	defer cancel()
	rep, err := verify.Run(c, verify.Options{
		OrderURL: s.url("order"), InventoryURL: s.url("inventory"), PaymentURL: s.url("payment"), HTTP: s.http,
		Settle: verifySettle, PaymentTimeout: paymentTimeout, Slack: slack, Initial: s.initialTotals(),
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
	t.Logf("verify: OK (%d orders, %d reservations, %d payments; %d reading(s) in %s)",
		rep.Orders, rep.Reservations, rep.Payments, rep.Rounds, rep.Elapsed.Round(time.Millisecond))
}
