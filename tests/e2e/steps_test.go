//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/verify"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// waitLong bounds how long an eventual state may take: a few payment
// timeouts plus the sweep, on a loaded two-core machine with containers
// restarting.
const waitLong = 90 * time.Second

// The steps against the API are in tests/shopsteps, shared with the saga
// suite; these are the ones that need the stack.

// product returns the i-th product (by sku, wrapping around) with at least
// minAvailable units available, restocking one when none has.
func (s *stack) product(t testing.TB, i int, minAvailable int64) shopapi.Product {
	t.Helper()
	var ok []shopapi.Product
	ps := shopsteps.Products(t, s.api)
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
	st, err := s.api.Restock(shopsteps.ReqCtx(t), sku, q)
	if err != nil {
		t.Fatalf("restock %s by %d: %v", sku, q, err)
	}
	s.addInitial(sku, q)
	return *st
}

// waitAllTerminal waits until every order of the shop is PAID or
// CANCELLED and returns them.
func (s *stack) waitAllTerminal(t testing.TB, d time.Duration) []shopapi.Order {
	t.Helper()
	var all []shopapi.Order
	shopsteps.Eventually(t, d, "every order to be PAID or CANCELLED", func() (bool, string) {
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
	shopsteps.Verify(t, 2*verifySettle+time.Minute, verify.Options{
		OrderURL: s.url("order"), InventoryURL: s.url("inventory"), PaymentURL: s.url("payment"), HTTP: s.http,
		Settle: verifySettle, PaymentTimeout: paymentTimeout, Slack: slack, Initial: s.initialTotals(),
	})
}
