// Package load drives a running sagashop with simulated buyers and measures
// end-to-end throughput and saga latencies through the HTTP APIs.
//
// Each buyer places an order of 1-3 random in-stock SKUs (1-2 units each),
// waits until it is AWAITING_PAYMENT or CANCELLED, then pays the exact
// amount with probability PayShare and waits until PAID, or abandons the
// order (the shop's payment timeout will cancel it). A wait is a series of
// blocking GETs of the order (min_version = the last version seen + 1), so
// a buyer sees each change as soon as the order service commits it.
package load

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// Options configures Run.
type Options struct {
	// OrderURL, InventoryURL and PaymentURL are the services' base URLs.
	OrderURL, InventoryURL, PaymentURL string
	// HTTP is the client for every call; nil = one pooling 2*Buyers
	// connections per service with a timeout of 10 s, or Wait + 5 s when
	// that is longer.
	HTTP *http.Client
	// Buyers is the number of concurrent buyers; default 50.
	Buyers int
	// Duration stops placing orders after this long (orders in flight are
	// finished); 0 = no time limit, then Orders must be set.
	Duration time.Duration
	// Orders stops after this many order attempts in total; 0 = no limit.
	Orders int
	// Rate caps order attempts per second across all buyers; 0 = no cap.
	Rate float64
	// PayShare is the probability, 0..1, that a buyer pays an order that
	// reached AWAITING_PAYMENT (DefaultOptions: 0.8; 0 abandons every order).
	PayShare float64
	// Seed seeds the buyers' random choices; 0 = time based.
	Seed uint64
	// Wait is how long one blocking GET of an order may wait for the
	// order's next version (its wait_ms), 1 ms .. shopapi.MaxWait and below
	// the HTTP client's timeout; default 2 s. A latency is measured to the
	// GET that saw the state, which answers as soon as the change commits.
	Wait time.Duration
	// WaitTimeout bounds one wait for a state; default 30 s.
	WaitTimeout time.Duration
	// CatalogRefresh is how old the list of in-stock SKUs may get; default 1 s.
	CatalogRefresh time.Duration
	// Restock adds this many units to every SKU of the catalogue before the
	// run (POST /v1/inventory/{sku}:restock), so that a long run does not
	// sell out within seconds; 0 (the default) = no restock.
	Restock int64
}

// DefaultOptions returns the options of `shopctl load` without its URLs.
func DefaultOptions() Options {
	return Options{Buyers: 50, Duration: 60 * time.Second, PayShare: 0.8}
}

// Errors of Run's setup.
var (
	ErrBadOptions = errors.New("load: bad options")
	ErrSoldOut    = errors.New("load: no SKU in stock")
)

func (o *Options) validate() error {
	switch {
	case o.Buyers < 0, o.Orders < 0, o.Duration < 0, o.Rate < 0, o.Restock < 0:
		return fmt.Errorf("%w: negative buyers, orders, duration, rate or restock", ErrBadOptions)
	case o.Duration == 0 && o.Orders == 0:
		return fmt.Errorf("%w: need a duration or an order count", ErrBadOptions)
	case o.PayShare < 0 || o.PayShare > 1:
		return fmt.Errorf("%w: pay share %v not in [0, 1]", ErrBadOptions, o.PayShare)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Buyers == 0 {
		o.Buyers = 50
	}
	def(&o.Wait, 2*time.Second)
	if o.Wait < time.Millisecond || o.Wait > shopapi.MaxWait {
		return fmt.Errorf("%w: wait %v not in [1ms, %v]", ErrBadOptions, o.Wait, shopapi.MaxWait)
	}
	def(&o.WaitTimeout, 30*time.Second)
	def(&o.CatalogRefresh, time.Second)
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	if o.HTTP == nil {
		o.HTTP = shopapi.NewHTTPClient(2*o.Buyers, max(10*time.Second, o.Wait+5*time.Second))
	}
	if t := o.HTTP.Timeout; t > 0 && t <= o.Wait {
		return fmt.Errorf("%w: wait %v not below the HTTP timeout %v", ErrBadOptions, o.Wait, t)
	}
	return nil
}

// Run drives the shop until Duration or Orders is reached (or ctx is
// cancelled), waits for the buyers' orders in flight, and returns the
// result. With Restock it first restocks every SKU. The error is for bad
// options, a failed restock, or a shop whose catalogue cannot be read or
// has nothing in stock; failures during the run are counted in the Result.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	c, err := shopapi.New(shopapi.Options{OrderURL: o.OrderURL, InventoryURL: o.InventoryURL, PaymentURL: o.PaymentURL, HTTP: o.HTTP})
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	var restocked int
	if o.Restock > 0 {
		if restocked, err = restock(ctx, c, o.Restock); err != nil {
			return nil, err
		}
	}
	cat := &catalog{c: c, every: o.CatalogRefresh}
	if skus, err := cat.refresh(ctx); err != nil {
		return nil, fmt.Errorf("load: reading the catalogue: %w", err)
	} else if len(skus) == 0 {
		return nil, ErrSoldOut
	}
	start := time.Now()
	p := newPacer(start, o)
	stats := make([]stats, o.Buyers)
	var wg sync.WaitGroup
	for i := range stats {
		b := &buyer{id: i, o: &o, c: c, cat: cat, pace: p, st: &stats[i],
			rng: rand.New(rand.NewPCG(o.Seed, uint64(i)))}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.run(ctx)
		}()
	}
	wg.Wait()
	r := newResult(o, time.Since(start), stats)
	r.RestockedSKUs = restocked
	return r, nil
}
