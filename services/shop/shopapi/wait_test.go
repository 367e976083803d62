package shopapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/services/shop/shopapi/shopapitest"
)

func TestWaitOrderQuery(t *testing.T) {
	tests := []struct {
		name       string
		minVersion int64
		wait       time.Duration
		want       string
	}{
		{"blocking", 3, 1500 * time.Millisecond, "/v1/orders/S%2F1?min_version=3&wait_ms=1500"},
		{"plain", 0, 0, "/v1/orders/S%2F1"},
		{"no min_version", 0, time.Second, "/v1/orders/S%2F1?wait_ms=1000"},
		{"no wait", 3, 0, "/v1/orders/S%2F1?min_version=3"},
		{"under a millisecond is no wait", 3, time.Microsecond, "/v1/orders/S%2F1?min_version=3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.URL.RequestURI()
				_, _ = w.Write([]byte(`{"order_sn":"S/1","version":"3"}`))
			}))
			defer srv.Close()
			c, err := shopapi.New(shopapi.Options{OrderURL: srv.URL, InventoryURL: srv.URL, PaymentURL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			o, err := c.WaitOrder(context.Background(), "S/1", tc.minVersion, tc.wait)
			if err != nil || o.Version != 3 {
				t.Fatalf("WaitOrder = %+v, %v", o, err)
			}
			if got != tc.want {
				t.Fatalf("requested %s, want %s", got, tc.want)
			}
		})
	}
}

// TestWaitOrderAgainstFake checks the fake's blocking GET: it answers when
// the order changes, with the order as it is when the wait ends, at once
// for an unknown order, and 400 for a wait beyond 30 s.
func TestWaitOrderAgainstFake(t *testing.T) {
	shop := shopapitest.New() // not Auto: the order changes only when the test says so
	shop.Do(func(st *shopapitest.State) { st.AddSKU("A", "Apple", 100, 10) })
	srv := shop.Start()
	defer srv.Close()
	c, ctx := srv.Client(t), context.Background()
	o, err := c.CreateOrder(ctx, shopapi.CreateOrderRequest{UserID: "u", Items: []shopapi.Line{{SKU: "A", Quantity: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	sn := o.OrderSN

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		time.Sleep(50 * time.Millisecond)
		shop.Do(func(st *shopapitest.State) { st.Reserve(sn, time.Now()) })
	}()
	start := time.Now()
	o, err = c.WaitOrder(ctx, sn, 2, 5*time.Second)
	elapsed := time.Since(start)
	wg.Wait()
	if err != nil || o.Version != 2 || o.Status != shopapi.StatusAwaitingPayment {
		t.Fatalf("WaitOrder = %+v, %v; want version 2 AWAITING_PAYMENT", o, err)
	}
	if elapsed < 50*time.Millisecond || elapsed > 3*time.Second {
		t.Fatalf("answered after %v, want soon after the change at 50ms", elapsed)
	}

	start = time.Now()
	if o, err = c.WaitOrder(ctx, sn, 3, 100*time.Millisecond); err != nil || o.Version != 2 {
		t.Fatalf("timed-out WaitOrder = %+v, %v; want the order at version 2", o, err)
	}
	if elapsed := time.Since(start); elapsed < 100*time.Millisecond {
		t.Fatalf("timed-out wait answered after %v", elapsed)
	}
	start = time.Now()
	if _, err := c.WaitOrder(ctx, "NOPE", 2, 5*time.Second); shopapi.StatusOf(err) != 404 || time.Since(start) > 3*time.Second {
		t.Fatalf("unknown order: %v after %v", err, time.Since(start))
	}
	if _, err := c.WaitOrder(ctx, sn, 3, shopapi.MaxWait+time.Millisecond); shopapi.ReasonOf(err) != shopapi.ReasonInvalidArgument {
		t.Fatalf("wait beyond MaxWait: %v", err)
	}
	if _, err := c.WaitOrder(ctx, sn, -1, time.Second); shopapi.ReasonOf(err) != shopapi.ReasonInvalidArgument {
		t.Fatalf("negative min_version: %v", err)
	}
}
