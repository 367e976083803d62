package saga

import (
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/verify"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// waitLong bounds how long an eventual state may take: a few payment
// timeouts plus the sweep, on a loaded two-core machine.
const waitLong = 30 * time.Second

// The steps against the API are in tests/shopsteps; they work on any
// shopapi client: a shop this suite started, or the embedded shop binary.

// product returns the i-th product (by sku, wrapping around) with at least
// minAvailable units available.
func (s *shop) product(t testing.TB, i int, minAvailable int64) shopapi.Product {
	t.Helper()
	var ok []shopapi.Product
	for _, p := range shopsteps.Products(t, s.api) {
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
	st, err := s.api.Restock(shopsteps.ReqCtx(t), sku, q)
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
	shopsteps.Verify(t, 2*time.Minute, verify.Options{
		OrderURL: orderURL, InventoryURL: inventoryURL, PaymentURL: paymentURL,
		Settle: 10 * time.Second, PaymentTimeout: timeout, Slack: slack, Initial: initial,
	})
}
