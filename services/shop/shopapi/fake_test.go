package shopapi_test

import (
	"context"
	"testing"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

// TestClientAgainstFake walks the saga through every client call, with
// pages of two so that the All* helpers follow page tokens.
func TestClientAgainstFake(t *testing.T) {
	shop := shopapitest.New()
	shop.Auto, shop.MaxPageSize = true, 2
	shop.Do(func(st *shopapitest.State) {
		st.AddSKU("A", "Apple", 100, 10)
		st.AddSKU("B", "Banana", 250, 1)
	})
	srv := shop.Start()
	defer srv.Close()
	c, ctx := srv.Client(t), context.Background()

	var sns []string
	for i := 0; i < 5; i++ {
		o, err := c.CreateOrder(ctx, shopapi.CreateOrderRequest{UserID: "u", Items: []shopapi.Line{{SKU: "A", Quantity: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if o.Status != shopapi.StatusCreated || o.TotalAmount != 100 || o.Version != 1 || o.CreatedAt.IsZero() {
			t.Fatalf("created %+v", o)
		}
		sns = append(sns, o.OrderSN)
	}
	o, err := c.GetOrder(ctx, sns[0])
	if err != nil || o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("GetOrder = %+v, %v", o, err)
	}
	if _, err := c.CreatePayment(ctx, shopapi.CreatePaymentRequest{OrderSN: sns[0], Amount: 99}); shopapi.ReasonOf(err) != shopapi.ReasonWrongAmount {
		t.Fatalf("wrong amount: %v", err)
	}
	p, err := c.CreatePayment(ctx, shopapi.CreatePaymentRequest{OrderSN: sns[0], Amount: 100}, shopapi.IdempotencyKey("k"))
	if err != nil || p.Status != shopapi.PaymentSucceeded {
		t.Fatalf("CreatePayment = %+v, %v", p, err)
	}
	if _, err := c.CreateOrder(ctx, shopapi.CreateOrderRequest{UserID: "u", Items: []shopapi.Line{{SKU: "Z", Quantity: 1}}}); shopapi.ReasonOf(err) != shopapi.ReasonUnknownSKU || shopapi.StatusOf(err) != 400 {
		t.Fatalf("unknown sku: %v", err)
	}

	orders, err := c.AllOrders(ctx, "", 0)
	if err != nil || len(orders) != 5 {
		t.Fatalf("AllOrders = %d, %v", len(orders), err)
	}
	paid, err := c.AllOrders(ctx, shopapi.StatusPaid, 0)
	if err != nil || len(paid) != 1 || paid[0].OrderSN != sns[0] {
		t.Fatalf("AllOrders(PAID) = %+v, %v", paid, err)
	}
	res, err := c.AllReservations(ctx, "", 0)
	if err != nil || len(res) != 5 {
		t.Fatalf("AllReservations = %d, %v", len(res), err)
	}
	one, err := c.AllReservations(ctx, sns[0], 0)
	if err != nil || len(one) != 1 || one[0].Status != shopapi.ReservationSold {
		t.Fatalf("AllReservations(%s) = %+v, %v", sns[0], one, err)
	}
	pays, err := c.AllPayments(ctx, "", 1)
	if err != nil || len(pays) != 1 || pays[0].Amount != 100 {
		t.Fatalf("AllPayments = %+v, %v", pays, err)
	}
	stocks, err := c.ListStocks(ctx)
	if err != nil || len(stocks) != 2 || stocks[0] != (shopapi.Stock{SKU: "A", Total: 10, Available: 5, Reserved: 4, Sold: 1, Version: 7}) {
		t.Fatalf("ListStocks = %+v, %v", stocks, err)
	}
	prods, err := c.ListProducts(ctx)
	if err != nil || len(prods) != 2 || prods[1] != (shopapi.Product{SKU: "B", Name: "Banana", Price: 250, Available: 1}) {
		t.Fatalf("ListProducts = %+v, %v", prods, err)
	}
	s, err := c.Restock(ctx, "B", 4)
	if err != nil || s.Total != 5 || s.Available != 5 {
		t.Fatalf("Restock = %+v, %v", s, err)
	}
	if _, err := c.Restock(ctx, "B", 0); shopapi.ReasonOf(err) != shopapi.ReasonInvalidArgument {
		t.Fatalf("Restock 0: %v", err)
	}
	if _, err := c.GetStock(ctx, "nope"); shopapi.ReasonOf(err) != shopapi.ReasonSKUNotFound || shopapi.StatusOf(err) != 404 {
		t.Fatalf("GetStock(nope): %v", err)
	}
}
