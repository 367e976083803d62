package saga

import (
	"testing"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

// testOutOfStock: an order for more than is available is
// CANCELLED(OUT_OF_STOCK) with a REJECTED reservation and no stock moved;
// an order with one short line among good ones is rejected whole (the
// lines reserved before the short one are rolled back).
func testOutOfStock(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{})
	ps := shopsteps.Products(t, s.api)
	if len(ps) < 3 {
		t.Fatalf("%d products, want at least 3", len(ps))
	}
	before := map[string]shopapi.Stock{}
	for _, p := range ps {
		before[p.SKU] = shopsteps.GetStock(t, s.api, p.SKU)
	}
	short := ps[1] // between two good lines in sku order
	tooMany := before[short.SKU].Available + 1

	cases := []struct {
		name  string
		lines []shopapi.Line
	}{
		{"one line", []shopapi.Line{{SKU: short.SKU, Quantity: tooMany}}},
		{"short line among good ones", []shopapi.Line{
			{SKU: ps[0].SKU, Quantity: 1}, {SKU: short.SKU, Quantity: tooMany}, {SKU: ps[2].SKU, Quantity: 1}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := shopsteps.PlaceOrder(t, s.api, "bob", tc.lines...)
			o = shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusCancelled, shopapi.StatusAwaitingPayment, shopapi.StatusPaid)
			if o.Status != shopapi.StatusCancelled || o.CancelReason != shopapi.CancelOutOfStock {
				t.Fatalf("order %s: %s %q, want CANCELLED OUT_OF_STOCK", o.OrderSN, o.Status, o.CancelReason)
			}
			if r := shopsteps.ReservationOf(t, s.api, o.OrderSN); r == nil || r.Status != shopapi.ReservationRejected {
				t.Errorf("reservation of %s: %+v, want REJECTED", o.OrderSN, r)
			}
			for _, l := range tc.lines {
				b := before[l.SKU]
				shopsteps.WantStockNow(t, s.api, l.SKU, b.Available, b.Reserved, b.Sold)
			}
			if _, err := s.api.CreatePayment(shopsteps.ReqCtx(t), shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount}); shopapi.StatusOf(err) != 409 {
				t.Errorf("paying the rejected order: %v, want 409", err)
			}
		})
	}
	s.waitQuiet(t)
	for _, p := range ps {
		b := before[p.SKU]
		shopsteps.WantStockNow(t, s.api, p.SKU, b.Available, b.Reserved, b.Sold)
	}
	s.verify(t)
}
