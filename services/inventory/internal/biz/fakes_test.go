package biz

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
)

// memStore is an in-memory database for the use case: InTx holds one lock
// for the whole transaction and restores a snapshot when fn fails, so a
// failed attempt leaves nothing behind, as a rolled-back SQL transaction.
type memStore struct {
	mu       sync.Mutex
	products map[string]Product
	stocks   map[string]Stock
	res      map[string]Reservation
	claimed  map[string]bool
	events   []event.Envelope
	// onUpdate, when set, runs before each stock update; an error aborts it.
	onUpdate func(s Stock) error
	txs      int
}

func newMemStore(stock map[string]int32) *memStore {
	m := &memStore{products: map[string]Product{}, stocks: map[string]Stock{}, res: map[string]Reservation{}, claimed: map[string]bool{}}
	for sku, n := range stock {
		m.products[sku] = Product{SKU: sku, Name: "name of " + sku, Price: 100}
		m.stocks[sku] = Stock{SKU: sku, Total: n, Available: n, Version: 1}
	}
	return m
}

func (m *memStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.txs++
	stocks, res, claimed, events := maps.Clone(m.stocks), maps.Clone(m.res), maps.Clone(m.claimed), slices.Clone(m.events)
	if err := fn(ctx); err != nil {
		m.stocks, m.res, m.claimed, m.events = stocks, res, claimed, events
		return err
	}
	return nil
}

// The repo methods below run with m.mu held by InTx, or read a snapshot.

func (m *memStore) List(ctx context.Context) ([]Product, error) {
	var out []Product
	for _, p := range m.products {
		p.Available = m.stocks[p.SKU].Available
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SKU < out[j].SKU })
	return out, nil
}

func (m *memStore) BatchGet(ctx context.Context, skus []string) ([]Product, error) {
	var out []Product
	for _, s := range skus {
		if p, ok := m.products[s]; ok {
			p.Available = m.stocks[s].Available
			out = append(out, p)
		}
	}
	return out, nil
}

type stockRepo struct{ *memStore }

func (r stockRepo) Get(ctx context.Context, sku string) (Stock, error) {
	s, ok := r.stocks[sku]
	if !ok {
		return Stock{}, v1.ErrorSkuNotFound("sku %s not found", sku)
	}
	return s, nil
}

func (r stockRepo) List(ctx context.Context) ([]Stock, error) {
	out := slices.Collect(maps.Values(r.stocks))
	slices.SortFunc(out, func(a, b Stock) int { return strings.Compare(a.SKU, b.SKU) })
	return out, nil
}

func (r stockRepo) LockMany(ctx context.Context, skus []string) (map[string]Stock, error) {
	out := map[string]Stock{}
	for _, s := range skus {
		if st, ok := r.stocks[s]; ok {
			out[s] = st
		}
	}
	return out, nil
}

func (r stockRepo) Update(ctx context.Context, s Stock) error {
	if r.onUpdate != nil {
		if err := r.onUpdate(s); err != nil {
			return err
		}
	}
	cur, ok := r.stocks[s.SKU]
	if !ok || cur.Version != s.Version {
		return fmt.Errorf("stock %s: %w", s.SKU, idem.ErrConflict)
	}
	s.Version++
	r.stocks[s.SKU] = s
	return nil
}

type resRepo struct{ *memStore }

func (r resRepo) Get(ctx context.Context, sn string) (Reservation, error) {
	x, ok := r.res[sn]
	if !ok {
		return Reservation{}, ErrReservationNotFound
	}
	return x, nil
}

func (r resRepo) Create(ctx context.Context, x Reservation) error {
	if _, ok := r.res[x.OrderSN]; ok {
		return fmt.Errorf("reservation %s exists: %w", x.OrderSN, idem.ErrConflict)
	}
	r.res[x.OrderSN] = x
	return nil
}

func (r resRepo) UpdateStatus(ctx context.Context, sn string, version int64, st ReservationStatus) error {
	x, ok := r.res[sn]
	if !ok || x.Version != version {
		return fmt.Errorf("reservation %s: %w", sn, idem.ErrConflict)
	}
	x.Status, x.Version = st, x.Version+1
	r.res[sn] = x
	return nil
}

func (r resRepo) List(ctx context.Context, f ReservationFilter) ([]Reservation, error) {
	var out []Reservation
	for _, x := range r.res {
		if (f.OrderSN == "" || x.OrderSN == f.OrderSN) && x.OrderSN > f.After {
			out = append(out, x)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderSN < out[j].OrderSN })
	if len(out) > f.Limit {
		out = out[:f.Limit]
	}
	return out, nil
}

type dedup struct{ *memStore }

func (d dedup) Claim(ctx context.Context, id string) (bool, error) {
	if d.claimed[id] {
		return false, nil
	}
	d.claimed[id] = true
	return true, nil
}

type publisher struct{ *memStore }

func (p publisher) Publish(ctx context.Context, e event.Envelope) error {
	p.events = append(p.events, e)
	return nil
}

// fakeCache is a StockCache with a function field.
type fakeCache struct {
	get func(sku string, load func(ctx context.Context, sku string) (Stock, error)) (Stock, error)
}

func (c fakeCache) Get(ctx context.Context, sku string, load func(ctx context.Context, sku string) (Stock, error)) (Stock, error) {
	return c.get(sku, load)
}

var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func newTestUsecase(t *testing.T, m *memStore, cache StockCache, attempts int) *Usecase {
	t.Helper()
	uc, err := NewUsecase(Options{
		Tx: m, Products: m, Stocks: stockRepo{m}, Cache: cache, Reservations: resRepo{m},
		Dedup: dedup{m}, Events: publisher{m}, RetryAttempts: attempts,
		Now: func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return uc
}

// checkInvariants verifies total = available + reserved + sold per SKU and
// that reserved/sold equal the sums of RESERVED/SOLD lines.
func (m *memStore) checkInvariants(t *testing.T) {
	t.Helper()
	reserved, sold := map[string]int32{}, map[string]int32{}
	for _, r := range m.res {
		for _, l := range r.Lines {
			switch r.Status {
			case StatusReserved:
				reserved[l.SKU] += l.Quantity
			case StatusSold:
				sold[l.SKU] += l.Quantity
			}
		}
	}
	for sku, s := range m.stocks {
		if err := s.Check(); err != nil {
			t.Error(err)
		}
		if s.Reserved != reserved[sku] || s.Sold != sold[sku] {
			t.Errorf("%s: reserved %d sold %d, lines say %d and %d", sku, s.Reserved, s.Sold, reserved[sku], sold[sku])
		}
	}
}
