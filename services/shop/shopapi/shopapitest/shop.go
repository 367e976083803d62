// Package shopapitest is an in-memory fake of the sagashop order, inventory
// and payment HTTP APIs for tests: three httptest servers over one State,
// with the saga played lazily (on the next request, and every millisecond
// while a blocking GET of an order waits) when Auto is set.
package shopapitest

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/services/shop/shopapi"
)

// Shop is the fake shop. Set its fields before Start; they are not to be
// changed while its servers run.
type Shop struct {
	// Auto plays the saga on every request: reservations ReserveDelay after
	// creation, PAID PayDelay after a payment and, when PaymentTimeout > 0,
	// the timeout; a blocking GET of an order (min_version, wait_ms) plays
	// them every millisecond while it waits. Without Auto the state changes
	// only through Do.
	Auto         bool
	ReserveDelay time.Duration
	PayDelay     time.Duration
	// PaymentTimeout sets payment_deadline = created_at + PaymentTimeout
	// (default 1 minute) and, with Auto, cancels orders past it.
	PaymentTimeout time.Duration
	// MaxPageSize caps list pages (default 1000); small values force paging.
	MaxPageSize int
	// OnRequest, when set, runs for every request with the shop locked,
	// before the request is served; a non-nil error is replied instead. It
	// may change st and must not call the Shop's methods.
	OnRequest func(r *http.Request, st *State) *shopapi.Error
	// Now is the clock; default time.Now.
	Now func() time.Time

	mu sync.Mutex
	st *State
}

// New returns a shop with an empty State.
func New() *Shop { return &Shop{st: newState()} }

// Do runs fn with the shop locked.
func (s *Shop) Do(fn func(st *State)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fn(s.st)
}

func (s *Shop) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Shop) paymentTimeout() time.Duration {
	if s.PaymentTimeout > 0 {
		return s.PaymentTimeout
	}
	return time.Minute
}

// Servers are the three fake services.
type Servers struct {
	Order, Inventory, Payment *httptest.Server
}

// Start serves the shop on three httptest servers.
func (s *Shop) Start() *Servers {
	return &Servers{
		Order:     httptest.NewServer(s.orderMux()),
		Inventory: httptest.NewServer(s.inventoryMux()),
		Payment:   httptest.NewServer(s.paymentMux()),
	}
}

// Options returns client options pointing at the servers.
func (v *Servers) Options() shopapi.Options {
	return shopapi.Options{OrderURL: v.Order.URL, InventoryURL: v.Inventory.URL, PaymentURL: v.Payment.URL}
}

// Client returns a shopapi client for the servers; it fails tb if the
// client cannot be built.
func (v *Servers) Client(tb testing.TB) *shopapi.Client {
	tb.Helper()
	c, err := shopapi.New(v.Options())
	if err != nil {
		tb.Fatalf("shopapitest: %v", err)
	}
	return c
}

// Close stops the servers.
func (v *Servers) Close() {
	v.Order.Close()
	v.Inventory.Close()
	v.Payment.Close()
}
