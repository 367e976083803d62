package verify

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

// shopFixture is a consistent shop holding one order in every state.
type shopFixture struct {
	shop *shopapitest.Shop
	sn   map[string]string // role -> order_sn
}

// newFixture builds, through the saga's own steps, orders in the roles
// paid, awaiting, created, timeout (released), oos (rejected), refunded
// (paid, then timed out) and tombstone (cancelled before reserve). Pages of
// 2 make verify follow page tokens.
func newFixture(t *testing.T) *shopFixture {
	t.Helper()
	f := &shopFixture{shop: shopapitest.New(), sn: map[string]string{}}
	f.shop.MaxPageSize = 2
	now := time.Now().Add(-time.Second)
	f.shop.Do(func(st *shopapitest.State) {
		st.AddSKU("A", "Apple", 100, 20)
		st.AddSKU("B", "Banana", 250, 20)
		st.AddSKU("RARE", "Truffle", 9900, 1)
		order := func(role string, lines ...shopapi.Line) string {
			o, err := st.NewOrder("u-"+role, now, time.Minute, lines...)
			if err != nil {
				t.Fatal(err)
			}
			f.sn[role] = o.OrderSN
			return o.OrderSN
		}
		pay := func(sn string) {
			if _, err := st.Pay(sn, st.Order(sn).TotalAmount, now); err != nil {
				t.Fatal(err)
			}
		}
		ab := []shopapi.Line{{SKU: "A", Quantity: 2}, {SKU: "B", Quantity: 1}}
		sn := order("paid", ab...)
		st.Reserve(sn, now)
		pay(sn)
		st.MarkPaid(sn, now)
		st.Reserve(order("awaiting", ab...), now)
		order("created", shopapi.Line{SKU: "B", Quantity: 1})
		sn = order("timeout", shopapi.Line{SKU: "A", Quantity: 1})
		st.Reserve(sn, now)
		st.Cancel(sn, shopapi.CancelPaymentTimeout, now)
		st.Reserve(order("oos", shopapi.Line{SKU: "RARE", Quantity: 2}), now)
		sn = order("refunded", shopapi.Line{SKU: "B", Quantity: 2})
		st.Reserve(sn, now)
		pay(sn)
		st.Cancel(sn, shopapi.CancelPaymentTimeout, now)
		st.Cancel(order("tombstone", shopapi.Line{SKU: "A", Quantity: 1}), shopapi.CancelPaymentTimeout, now)
	})
	return f
}

func options(srv *shopapitest.Servers) Options {
	o := srv.Options()
	return Options{OrderURL: o.OrderURL, InventoryURL: o.InventoryURL, PaymentURL: o.PaymentURL,
		PaymentTimeout: time.Minute, Slack: 30 * time.Second, Poll: time.Millisecond}
}

func TestConsistentShopPasses(t *testing.T) {
	f := newFixture(t)
	srv := f.shop.Start()
	defer srv.Close()
	o := options(srv)
	o.Initial = map[string]int64{"A": 20, "B": 20, "RARE": 1}
	rep, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := rep.Write(&out); err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Rounds != 1 {
		t.Fatalf("report not OK after %d rounds:\n%s", rep.Rounds, out.String())
	}
	if rep.Orders != 7 || rep.Stocks != 3 || rep.Reservations != 6 || rep.Payments != 2 {
		t.Fatalf("counts: %+v", rep)
	}
	if !strings.Contains(out.String(), "OK: all 17 invariants hold") || !strings.Contains(out.String(), "PASS  stock-balance") {
		t.Fatalf("report text:\n%s", out.String())
	}
}

// failures returns check name -> sorted subjects of its violations.
func failures(rep *Report) map[string][]string {
	got := map[string][]string{}
	for _, c := range rep.Checks {
		for _, v := range c.Violations {
			var parts []string
			for _, p := range []string{v.OrderSN, v.SKU, v.PaymentSN} {
				if p != "" {
					parts = append(parts, p)
				}
			}
			got[c.Name] = append(got[c.Name], strings.Join(parts, "/"))
		}
		sort.Strings(got[c.Name])
	}
	return got
}
