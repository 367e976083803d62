package verify

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

// TestViolationsDetected breaks a consistent shop in one way per case and
// expects exactly the named checks to fail, each about the named subjects
// ("<order_sn>", "<sku>", "<order_sn>/<payment_sn>"; role names stand for
// the fixture's order_sns).
func TestViolationsDetected(t *testing.T) {
	old := time.Now().Add(-10 * time.Minute)
	tests := []struct {
		name   string
		opts   func(o *Options)
		break_ func(st *shopapitest.State, sn map[string]string)
		want   map[string][]string
	}{
		{"total drifts", nil, func(st *shopapitest.State, sn map[string]string) { st.Stock("A").Total++ },
			map[string][]string{StockBalance: {"A"}}},
		{"initial differs", func(o *Options) { o.Initial = map[string]int64{"A": 20, "B": 21, "GONE": 5} }, nil,
			map[string][]string{StockInitial: {"B", "GONE"}}},
		{"oversold", nil, func(st *shopapitest.State, sn map[string]string) {
			s := st.Stock("RARE")
			s.Available, s.Total = -1, -1
		}, map[string][]string{StockNonNegative: {"RARE"}}},
		{"reserved counter off", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Stock("A").Reserved++
			st.Stock("A").Available--
		}, map[string][]string{StockReserved: {"A"}}},
		{"sold counter off", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Stock("B").Sold++
			st.Stock("B").Available--
		}, map[string][]string{StockSold: {"B"}}},
		{"reservation lines differ from items", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Reservation(sn["awaiting"]).Lines[0].Quantity++
			st.Stock("A").Reserved++
			st.Stock("A").Available--
		}, map[string][]string{ReservationLines: {"awaiting/A"}}},
		{"reservation without order", nil, func(st *shopapitest.State, sn map[string]string) { st.DeleteOrder(sn["awaiting"]) },
			map[string][]string{ReservationOrphan: {"awaiting"}}},
		{"cancel reason on a paid order", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Order(sn["paid"]).CancelReason = shopapi.CancelOutOfStock
		}, map[string][]string{OrderFields: {"paid"}}},
		{"total amount not the sum", nil, func(st *shopapitest.State, sn map[string]string) { st.Order(sn["awaiting"]).TotalAmount++ },
			map[string][]string{OrderFields: {"awaiting"}}},
		{"unknown status", nil, func(st *shopapitest.State, sn map[string]string) { st.Order(sn["awaiting"]).Status = "SHIPPED" },
			map[string][]string{OrderFields: {"awaiting"}}},
		{"created order released", nil, func(st *shopapitest.State, sn map[string]string) {
			st.PutReservation(shopapi.Reservation{OrderSN: sn["created"], Status: shopapi.ReservationReleased, Version: 2})
		}, map[string][]string{OrderCreated: {"created"}}},
		{"created order paid", nil, func(st *shopapitest.State, sn map[string]string) {
			st.AddPayment(shopapi.Payment{PaymentSN: "P1", OrderSN: sn["created"], Amount: 250, Status: shopapi.PaymentSucceeded, CreatedAt: time.Now()})
		}, map[string][]string{OrderCreated: {"created"}}},
		{"awaiting order without reservation", nil, func(st *shopapitest.State, sn map[string]string) {
			st.DeleteReservation(sn["awaiting"])
			for sku, q := range map[string]int64{"A": 2, "B": 1} {
				st.Stock(sku).Reserved -= q
				st.Stock(sku).Available += q
			}
		}, map[string][]string{OrderAwaiting: {"awaiting"}}},
		{"awaiting order with an old payment", nil, func(st *shopapitest.State, sn map[string]string) {
			o := st.Order(sn["awaiting"])
			o.CreatedAt, o.PaymentDeadline = old, time.Now().Add(time.Minute)
			st.AddPayment(shopapi.Payment{PaymentSN: "P1", OrderSN: o.OrderSN, Amount: o.TotalAmount, Status: shopapi.PaymentSucceeded, CreatedAt: old})
		}, map[string][]string{OrderAwaiting: {"awaiting/P1"}}},
		{"paid order with the wrong amount", nil, func(st *shopapitest.State, sn map[string]string) {
			st.PaymentsOf(sn["paid"])[0].Amount--
		}, map[string][]string{OrderPaid: {"paid"}}},
		{"paid order not sold", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Reservation(sn["paid"]).Status = shopapi.ReservationReserved
			for sku, q := range map[string]int64{"A": 2, "B": 1} {
				st.Stock(sku).Sold -= q
				st.Stock(sku).Reserved += q
			}
		}, map[string][]string{OrderPaid: {"paid"}}},
		{"paid order with a second, refunded payment", nil, func(st *shopapitest.State, sn map[string]string) {
			st.AddPayment(shopapi.Payment{PaymentSN: "P1", OrderSN: sn["paid"], Amount: 450, Status: shopapi.PaymentRefunded})
		}, map[string][]string{OrderPaid: {"paid"}}},
		{"cancelled order still reserved", nil, func(st *shopapitest.State, sn map[string]string) {
			st.Reservation(sn["timeout"]).Status = shopapi.ReservationReserved
			st.Stock("A").Reserved++
			st.Stock("A").Available--
		}, map[string][]string{OrderCancelled: {"timeout"}}},
		{"cancelled order not refunded", nil, func(st *shopapitest.State, sn map[string]string) {
			st.PaymentsOf(sn["refunded"])[0].Status = shopapi.PaymentSucceeded
		}, map[string][]string{CancelledRefunded: {"refunded/" + "PAY"}}},
		{"out of stock without rejection", nil, func(st *shopapitest.State, sn map[string]string) { st.DeleteReservation(sn["oos"]) },
			map[string][]string{OutOfStock: {"oos"}}},
		{"two successful payments", nil, func(st *shopapitest.State, sn map[string]string) {
			for _, id := range []string{"P1", "P2"} {
				st.AddPayment(shopapi.Payment{PaymentSN: id, OrderSN: sn["awaiting"], Amount: 450, Status: shopapi.PaymentSucceeded, CreatedAt: time.Now()})
			}
		}, map[string][]string{SinglePayment: {"awaiting"}}},
		{"order stuck", nil, func(st *shopapitest.State, sn map[string]string) {
			o := st.Order(sn["created"])
			o.CreatedAt, o.PaymentDeadline = old, old.Add(time.Minute)
		}, map[string][]string{OrderStuck: {"created"}}},
		{"payment without order", nil, func(st *shopapitest.State, sn map[string]string) {
			st.AddPayment(shopapi.Payment{PaymentSN: "P9", OrderSN: "GHOST", Amount: 1, Status: shopapi.PaymentSucceeded})
		}, map[string][]string{PaymentOrphan: {"GHOST/P9"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if tc.break_ != nil {
				f.shop.Do(func(st *shopapitest.State) { tc.break_(st, f.sn) })
			}
			srv := f.shop.Start()
			defer srv.Close()
			o := options(srv)
			if tc.opts != nil {
				tc.opts(&o)
			}
			rep, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string][]string{}
			for name, subjects := range tc.want {
				for _, s := range subjects {
					want[name] = append(want[name], f.subject(s))
				}
			}
			var out strings.Builder
			_ = rep.Write(&out)
			if got := failures(rep); fmt.Sprint(got) != fmt.Sprint(want) || rep.OK() {
				t.Fatalf("failures = %v, want %v\n%s", got, want, out.String())
			}
			for name := range want {
				if !strings.Contains(out.String(), "FAIL  "+name) {
					t.Fatalf("report lacks FAIL %s:\n%s", name, out.String())
				}
			}
		})
	}
}

// subject replaces a role name by its order_sn, and the payment_sn "PAY"
// by the order's only payment.
func (f *shopFixture) subject(s string) string {
	parts := strings.Split(s, "/")
	if sn, ok := f.sn[parts[0]]; ok {
		parts[0] = sn
	}
	if len(parts) == 2 && parts[1] == "PAY" {
		f.shop.Do(func(st *shopapitest.State) { parts[1] = st.PaymentsOf(parts[0])[0].PaymentSN })
	}
	return strings.Join(parts, "/")
}
