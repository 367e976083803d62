package shopsteps

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// Products returns the catalogue sorted by sku; an empty one fails.
func Products(t testing.TB, api *shopapi.Client) []shopapi.Product {
	t.Helper()
	ps, err := api.ListProducts(ReqCtx(t))
	if err != nil {
		t.Fatalf("list products: %v", err)
	}
	if len(ps) == 0 {
		t.Fatal("the catalogue is empty")
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].SKU < ps[j].SKU })
	return ps
}

// PlaceOrder places an order of the lines for user u and checks that it
// comes back CREATED with an order_sn.
func PlaceOrder(t testing.TB, api *shopapi.Client, u string, lines ...shopapi.Line) *shopapi.Order {
	t.Helper()
	o, err := api.CreateOrder(ReqCtx(t), shopapi.CreateOrderRequest{UserID: u, Items: lines})
	if err != nil {
		t.Fatalf("create order %v: %v", lines, err)
	}
	if o.OrderSN == "" || o.Status != shopapi.StatusCreated {
		t.Fatalf("create order: got %+v, want an order_sn and status CREATED", o)
	}
	return o
}

// WaitStatus polls the order for up to d until its status is one of want.
func WaitStatus(t testing.TB, api *shopapi.Client, d time.Duration, sn string, want ...string) *shopapi.Order {
	t.Helper()
	var o *shopapi.Order
	Eventually(t, d, "order "+sn+" to become "+strings.Join(want, " or "), func() (bool, string) {
		got, err := api.GetOrder(context.Background(), sn)
		if err != nil {
			return false, err.Error()
		}
		o = got
		return slices.Contains(want, got.Status), fmt.Sprintf("status %s %s version %d", got.Status, got.CancelReason, got.Version)
	})
	return o
}

// GetOrder reads one order.
func GetOrder(t testing.TB, api *shopapi.Client, sn string) *shopapi.Order {
	t.Helper()
	o, err := api.GetOrder(ReqCtx(t), sn)
	if err != nil {
		t.Fatalf("get order %s: %v", sn, err)
	}
	return o
}

// Pay pays o's total and checks that the payment SUCCEEDED.
func Pay(t testing.TB, api *shopapi.Client, o *shopapi.Order) *shopapi.Payment {
	t.Helper()
	p, err := api.CreatePayment(ReqCtx(t), shopapi.CreatePaymentRequest{OrderSN: o.OrderSN, Amount: o.TotalAmount})
	if err != nil {
		t.Fatalf("pay %s: %v", o.OrderSN, err)
	}
	if p.Status != shopapi.PaymentSucceeded || p.OrderSN != o.OrderSN || p.Amount != o.TotalAmount || p.PaymentSN == "" {
		t.Fatalf("pay %s: got %+v, want a SUCCEEDED payment of %d", o.OrderSN, p, o.TotalAmount)
	}
	return p
}

// ReservationOf returns the order's reservation, nil when there is none.
func ReservationOf(t testing.TB, api *shopapi.Client, sn string) *shopapi.Reservation {
	t.Helper()
	rs, err := api.AllReservations(ReqCtx(t), sn, 0)
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

// PaymentsOf lists the order's payments.
func PaymentsOf(t testing.TB, api *shopapi.Client, sn string) []shopapi.Payment {
	t.Helper()
	ps, err := api.AllPayments(ReqCtx(t), sn, 0)
	if err != nil {
		t.Fatalf("payments of %s: %v", sn, err)
	}
	return ps
}
