package saga

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
	"github.com/sagashop/sagashop/tests/shopsteps"
)

const (
	buyers    = 50
	lastUnits = 10
)

// testLastUnits: 50 concurrent buyers of one unit each for the last 10
// units of a SKU. Exactly 10 orders reserve (and are paid), the other 40
// are CANCELLED(OUT_OF_STOCK); available never goes negative, and in the
// end sold = 10, reserved = 0, available = 0.
func testLastUnits(t *testing.T, fl flavor) {
	s := startShop(t, fl, shopOptions{timeout: 20 * time.Second})
	p := s.product(t, 0, 0)
	st := shopsteps.GetStock(t, s.api, p.SKU)
	switch {
	case st.Available > lastUnits: // sell the surplus first
		o := shopsteps.PlaceOrder(t, s.api, "wholesaler", shopapi.Line{SKU: p.SKU, Quantity: st.Available - lastUnits})
		o = shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusAwaitingPayment, shopapi.StatusCancelled)
		if o.Status != shopapi.StatusAwaitingPayment {
			t.Fatalf("surplus order: %s %q", o.Status, o.CancelReason)
		}
		shopsteps.Pay(t, s.api, o)
		shopsteps.WaitStatus(t, s.api, waitLong, o.OrderSN, shopapi.StatusPaid)
	case st.Available < lastUnits:
		s.restock(t, p.SKU, lastUnits-st.Available)
	}
	st = shopsteps.GetStock(t, s.api, p.SKU)
	if st.Available != lastUnits || st.Reserved != 0 {
		t.Fatalf("stock %s before the rush: %+v, want %d available and none reserved", p.SKU, st, lastUnits)
	}

	// Watch available while the buyers rush.
	var negative atomic.Int64
	watchCtx, stopWatch := context.WithCancel(context.Background())
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		for watchCtx.Err() == nil {
			if got, err := s.api.GetStock(watchCtx, p.SKU); err == nil && got.Available < 0 {
				negative.Store(got.Available)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()

	var wg sync.WaitGroup
	results := make([]buyerResult, buyers)
	start := make(chan struct{})
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i] = buy(s.api, fmt.Sprintf("buyer-%02d", i), p.SKU)
		}()
	}
	close(start)
	wg.Wait()
	stopWatch()
	<-watched

	outcomes := map[string]int{}
	for i, r := range results {
		if r.err != nil {
			t.Errorf("buyer %d: %v", i, r.err)
			continue
		}
		outcomes[r.status+" "+r.reason]++
	}
	t.Logf("outcomes: %v", outcomes)
	if n := outcomes[shopapi.StatusPaid+" "]; n != lastUnits {
		t.Errorf("%d orders PAID, want exactly %d", n, lastUnits)
	}
	if n := outcomes[shopapi.StatusCancelled+" "+shopapi.CancelOutOfStock]; n != buyers-lastUnits {
		t.Errorf("%d orders CANCELLED OUT_OF_STOCK, want %d", n, buyers-lastUnits)
	}
	if v := negative.Load(); v < 0 {
		t.Errorf("available of %s went down to %d", p.SKU, v)
	}
	shopsteps.EventuallyStock(t, s.api, waitLong, p.SKU, 0, 0, st.Sold+lastUnits)
	s.verify(t)
}

// buyerResult is how one buyer's order ended.
type buyerResult struct {
	status, reason string
	err            error
}

// buy places an order for one unit, pays it as soon as it awaits payment
// and returns its terminal state.
func buy(api *shopapi.Client, user, sku string) buyerResult {
	c, cancel := context.WithTimeout(context.Background(), 2*waitLong)
	defer cancel()
	o, err := api.CreateOrder(c, shopapi.CreateOrderRequest{UserID: user, Items: []shopapi.Line{{SKU: sku, Quantity: 1}}})
	if err != nil {
		return buyerResult{err: err}
	}
	paid := false
	for {
		got, err := api.GetOrder(c, o.OrderSN)
		if err != nil {
			return buyerResult{err: err}
		}
		switch {
		case got.Terminal():
			return buyerResult{status: got.Status, reason: got.CancelReason}
		case got.Status == shopapi.StatusAwaitingPayment && !paid:
			if _, err := api.CreatePayment(c, shopapi.CreatePaymentRequest{OrderSN: got.OrderSN, Amount: got.TotalAmount}); err != nil {
				return buyerResult{err: fmt.Errorf("pay %s: %w", got.OrderSN, err)}
			}
			paid = true
		}
		select {
		case <-c.Done():
			return buyerResult{err: fmt.Errorf("order %s still %s: %w", got.OrderSN, got.Status, c.Err())}
		case <-time.After(50 * time.Millisecond):
		}
	}
}
