package verify

import (
	"fmt"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// checker collects violations by invariant name.
type checker struct {
	s   *snapshot
	o   Options
	got map[string][]Violation
}

func (c *checker) add(name string, v Violation) { c.got[name] = append(c.got[name], v) }

// check evaluates every invariant on one snapshot.
func check(s *snapshot, o Options) *Report {
	c := &checker{s: s, o: o, got: map[string][]Violation{}}
	c.stocks()
	c.reservations()
	for _, sn := range s.orderSNs {
		c.order(s.orders[sn])
	}
	c.payments()
	r := &Report{Orders: len(s.orders), Stocks: len(s.stocks), Reservations: len(s.reservations), Payments: s.nPayments}
	for _, inv := range invariants {
		r.Checks = append(r.Checks, Check{Name: inv.name, Description: inv.desc,
			Skipped: inv.name == StockInitial && o.Initial == nil, Violations: c.got[inv.name]})
	}
	return r
}

func (c *checker) stocks() {
	reserved, sold := map[string]int64{}, map[string]int64{}
	for _, sn := range sortedKeys(c.s.reservations) {
		r := c.s.reservations[sn]
		for _, l := range r.Lines {
			switch r.Status {
			case shopapi.ReservationReserved:
				reserved[l.SKU] += l.Quantity
			case shopapi.ReservationSold:
				sold[l.SKU] += l.Quantity
			}
		}
	}
	seen := map[string]bool{}
	for _, st := range c.s.stocks {
		seen[st.SKU] = true
		if sum := st.Available + st.Reserved + st.Sold; sum != st.Total {
			c.add(StockBalance, Violation{SKU: st.SKU, Expected: fmt.Sprintf("total %d", st.Total),
				Got: fmt.Sprintf("available %d + reserved %d + sold %d = %d", st.Available, st.Reserved, st.Sold, sum)})
		}
		if want, ok := c.o.Initial[st.SKU]; ok && st.Total != want {
			c.add(StockInitial, Violation{SKU: st.SKU, Expected: fmt.Sprintf("total %d", want), Got: fmt.Sprintf("total %d", st.Total)})
		}
		if st.Available < 0 || st.Reserved < 0 || st.Sold < 0 {
			c.add(StockNonNegative, Violation{SKU: st.SKU, Expected: "available, reserved, sold >= 0",
				Got: fmt.Sprintf("available %d, reserved %d, sold %d", st.Available, st.Reserved, st.Sold)})
		}
		if st.Reserved != reserved[st.SKU] {
			c.add(StockReserved, Violation{SKU: st.SKU, Expected: fmt.Sprintf("reserved %d (RESERVED lines)", reserved[st.SKU]),
				Got: fmt.Sprintf("reserved %d", st.Reserved)})
		}
		if st.Sold != sold[st.SKU] {
			c.add(StockSold, Violation{SKU: st.SKU, Expected: fmt.Sprintf("sold %d (SOLD lines)", sold[st.SKU]),
				Got: fmt.Sprintf("sold %d", st.Sold)})
		}
	}
	for _, sku := range sortedKeys(c.o.Initial) {
		if !seen[sku] {
			c.add(StockInitial, Violation{SKU: sku, Expected: fmt.Sprintf("total %d", c.o.Initial[sku]), Got: "no stock for the sku"})
		}
	}
	for _, m := range []struct {
		name string
		sums map[string]int64
	}{{StockReserved, reserved}, {StockSold, sold}} {
		for _, sku := range sortedKeys(m.sums) {
			if !seen[sku] {
				c.add(m.name, Violation{SKU: sku, Expected: fmt.Sprintf("a stock holding %d units", m.sums[sku]), Got: "no stock for the sku"})
			}
		}
	}
}

// reservations checks the reservations that hold stock against their orders.
func (c *checker) reservations() {
	for _, sn := range sortedKeys(c.s.reservations) {
		r := c.s.reservations[sn]
		if r.Status != shopapi.ReservationReserved && r.Status != shopapi.ReservationSold {
			continue
		}
		o := c.s.orders[sn]
		if o == nil {
			c.add(ReservationOrphan, Violation{OrderSN: sn, Expected: "an order", Got: "reservation " + r.Status + ", no order"})
			continue
		}
		items := map[string]int64{}
		for _, it := range o.Items {
			items[it.SKU] += it.Quantity
		}
		lines := map[string]int64{}
		for _, l := range r.Lines {
			lines[l.SKU] += l.Quantity
		}
		for _, sku := range sortedKeys(union(items, lines)) {
			if items[sku] != lines[sku] {
				c.add(ReservationLines, Violation{OrderSN: sn, SKU: sku,
					Expected: fmt.Sprintf("quantity %d (order item)", items[sku]), Got: fmt.Sprintf("reserved %d", lines[sku])})
			}
		}
	}
}

// payments flags payments whose order does not exist.
func (c *checker) payments() {
	for _, sn := range sortedKeys(c.s.payments) {
		if c.s.orders[sn] != nil {
			continue
		}
		for _, p := range c.s.payments[sn] {
			c.add(PaymentOrphan, Violation{OrderSN: sn, PaymentSN: p.PaymentSN, Expected: "an order",
				Got: fmt.Sprintf("payment %s of %d, no order", p.Status, p.Amount)})
		}
	}
}

func union(a, b map[string]int64) map[string]int64 {
	u := map[string]int64{}
	for k, v := range a {
		u[k] = v
	}
	for k, v := range b {
		u[k] = v
	}
	return u
}
