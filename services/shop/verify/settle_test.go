package verify

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

// TestSettle breaks a consistent shop and repairs it (or not) once verify
// has listed the orders fixAt times; the clock advances one second per
// reading, so Settle is measured in readings, not wall time.
func TestSettle(t *testing.T) {
	unreserve := func(st *shopapitest.State, sn map[string]string) func() {
		saved := *st.Reservation(sn["awaiting"])
		st.DeleteReservation(sn["awaiting"])
		move := func(sign int64) {
			for _, l := range saved.Lines {
				st.Stock(l.SKU).Reserved -= sign * l.Quantity
				st.Stock(l.SKU).Available += sign * l.Quantity
			}
		}
		move(1)
		return func() { st.PutReservation(saved); move(-1) }
	}
	stuck := func(st *shopapitest.State, sn map[string]string) func() {
		o := st.Order(sn["created"])
		o.CreatedAt = o.CreatedAt.Add(-time.Hour)
		o.PaymentDeadline = o.CreatedAt.Add(time.Minute)
		return func() { st.Cancel(o.OrderSN, shopapi.CancelPaymentTimeout, time.Now()) }
	}
	tests := []struct {
		name       string
		settle     time.Duration
		break_     func(st *shopapitest.State, sn map[string]string) (fix func())
		fixAt      int // listing of orders that sees the repair; 0 = never
		wantFail   string
		wantRounds int
	}{
		{"transient gap passes", 30 * time.Second, unreserve, 3, "", 3},
		{"stuck order settles", 30 * time.Second, stuck, 4, "", 4},
		{"persistent gap fails after settle", 5 * time.Second, unreserve, 0, OrderAwaiting, 0},
		{"stuck order that stays stuck fails", 5 * time.Second, stuck, 0, OrderStuck, 0},
		{"no settle reports the first reading", 0, unreserve, 2, OrderAwaiting, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			var fix func()
			f.shop.Do(func(st *shopapitest.State) { fix = tc.break_(st, f.sn) })
			listings := 0
			f.shop.OnRequest = func(r *http.Request, st *shopapitest.State) *shopapi.Error {
				if r.Method == http.MethodGet && r.URL.Path == "/v1/orders" && r.URL.Query().Get("page_token") == "" {
					listings++
					if listings == tc.fixAt {
						fix()
					}
				}
				return nil
			}
			srv := f.shop.Start()
			defer srv.Close()
			o := options(srv)
			o.Settle = tc.settle
			var mu sync.Mutex
			clock := time.Now()
			o.Now = func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				clock = clock.Add(500 * time.Millisecond)
				return clock
			}
			rep, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			_ = rep.Write(&out)
			if tc.wantFail == "" && !rep.OK() {
				t.Fatalf("not OK:\n%s", out.String())
			}
			if tc.wantFail != "" && (rep.OK() || rep.Check(tc.wantFail).OK()) {
				t.Fatalf("%s passed:\n%s", tc.wantFail, out.String())
			}
			if tc.wantRounds > 0 && rep.Rounds != tc.wantRounds {
				t.Fatalf("rounds = %d, want %d", rep.Rounds, tc.wantRounds)
			}
			if tc.wantFail != "" && tc.settle > 0 && rep.Rounds < 2 {
				t.Fatalf("reported after %d reading(s), want a retry first", rep.Rounds)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	f := newFixture(t)
	srv := f.shop.Start()
	live := options(srv)
	defer srv.Close()
	down := shopapitest.New().Start()
	down.Close()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		ctx  context.Context
		opts func(o *Options)
	}{
		{"bad url", context.Background(), func(o *Options) { o.OrderURL = "localhost:8001" }},
		{"connection refused", context.Background(), func(o *Options) { o.InventoryURL = down.Inventory.URL }},
		{"cancelled", cancelled, nil},
		{"service error", context.Background(), func(o *Options) { o.PaymentURL = srv.Order.URL }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := live
			if tc.opts != nil {
				tc.opts(&o)
			}
			rep, err := Run(tc.ctx, o)
			if err == nil || rep != nil {
				t.Fatalf("Run = %v, %v; want an error", rep, err)
			}
			if tc.name == "cancelled" && !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
		})
	}
}
