package biz

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
)

// memStore is an in-memory OrderRepo, Deduper, EventPublisher and
// Transaction: InTx snapshots the state and restores it when fn fails, so
// a failed transaction leaves nothing behind.
type memStore struct {
	mu       sync.Mutex
	orders   map[string]Order
	nextID   int64
	claimed  map[string]bool
	outbox   []event.Envelope
	onUpdate func(sn string, version int64) error // called before Update; an error aborts it
	txs      int
	// elsewhere is a change another transaction commits while one runs;
	// InTx applies it after rolling back (it survives the rollback).
	elsewhere func(m *memStore)
}

func newMemStore() *memStore {
	return &memStore{orders: map[string]Order{}, claimed: map[string]bool{}}
}

func (m *memStore) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	m.mu.Lock()
	m.txs++
	orders, claimed, outbox := maps.Clone(m.orders), maps.Clone(m.claimed), slices.Clone(m.outbox)
	m.mu.Unlock()
	if err := fn(ctx); err != nil {
		m.mu.Lock()
		m.orders, m.claimed, m.outbox = orders, claimed, outbox
		if m.elsewhere != nil {
			m.elsewhere(m)
			m.elsewhere = nil
		}
		m.mu.Unlock()
		return err
	}
	return nil
}

func (m *memStore) Create(_ context.Context, o *Order) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.orders[o.SN]; ok {
		return fmt.Errorf("insert %s: %w", o.SN, ErrDuplicateSN)
	}
	m.nextID++
	o.ID = m.nextID
	m.orders[o.SN] = *o
	return nil
}

func (m *memStore) Get(_ context.Context, sn string) (*Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[sn]
	if !ok {
		return nil, v1.ErrorOrderNotFound("order %s not found", sn)
	}
	return &o, nil
}

func (m *memStore) Exists(_ context.Context, sn string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.orders[sn]
	return ok, nil
}

func (m *memStore) List(_ context.Context, q ListQuery) ([]*Order, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*Order
	for _, o := range m.orders {
		if o.ID > q.AfterID && (q.Status == "" || o.Status == q.Status) {
			o := o
			out = append(out, &o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

func (m *memStore) Update(_ context.Context, sn string, version int64, st State) error {
	if m.onUpdate != nil {
		if err := m.onUpdate(sn, version); err != nil {
			return err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.orders[sn]
	if !ok || o.Version != version {
		return fmt.Errorf("orders %s version %d: %w", sn, version, idem.ErrConflict)
	}
	o.Status, o.CancelReason, o.PaymentSN = st.Status, st.CancelReason, st.PaymentSN
	o.Version++
	m.orders[sn] = o
	return nil
}

func (m *memStore) ListOverdue(_ context.Context, cutoff time.Time, limit int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []string
	for sn, o := range m.orders {
		if o.Status.Open() && o.PaymentDeadline.Before(cutoff) {
			out = append(out, sn)
		}
	}
	sort.Strings(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (m *memStore) Claim(_ context.Context, eventID string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.claimed[eventID] {
		return false, nil
	}
	m.claimed[eventID] = true
	return true, nil
}

func (m *memStore) Publish(_ context.Context, e event.Envelope) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.outbox = append(m.outbox, e)
	return nil
}

func (m *memStore) order(sn string) Order {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orders[sn]
}

func (m *memStore) published() []event.Envelope {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.outbox)
}

// fakeCatalogue answers from a fixed product list.
type fakeCatalogue struct {
	products func(skus []string) (map[string]Product, error)
}

func (f fakeCatalogue) Products(_ context.Context, skus []string) (map[string]Product, error) {
	return f.products(skus)
}

func catalogueOf(ps ...Product) fakeCatalogue {
	return fakeCatalogue{products: func(skus []string) (map[string]Product, error) {
		out := map[string]Product{}
		for _, sku := range skus {
			for _, p := range ps {
				if p.SKU == sku {
					out[sku] = p
				}
			}
			if _, ok := out[sku]; !ok {
				return nil, v1.ErrorUnknownSku("unknown sku %q", sku)
			}
		}
		return out, nil
	}}
}

// fakeCreated runs local like a transaction producer: sent records the
// envelopes whose local succeeded.
type fakeCreated struct {
	publish func(ctx context.Context, e event.Envelope, local func(ctx context.Context) error) error
}

func (f fakeCreated) PublishWithLocal(ctx context.Context, e event.Envelope, local func(ctx context.Context) error) error {
	return f.publish(ctx, e, local)
}

func runLocal(ctx context.Context, _ event.Envelope, local func(ctx context.Context) error) error {
	return local(ctx)
}

type fakeTimeouts struct {
	schedule func(e event.Envelope) error
}

func (f fakeTimeouts) ScheduleTimeout(_ context.Context, e event.Envelope) error {
	return f.schedule(e)
}

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 891_234_567, time.UTC)

// newTestUsecase wires a use case over store with the catalogue SKU-A
// (250 cents) and SKU-B (1000 cents); opts may adjust the options.
func newTestUsecase(t *testing.T, store *memStore, opts ...func(*Options)) *OrderUsecase {
	t.Helper()
	o := Options{
		Orders: store, Tx: store, Dedup: store, Events: store,
		Created:  fakeCreated{publish: runLocal},
		Timeouts: fakeTimeouts{schedule: func(event.Envelope) error { return nil }},
		Catalogue: catalogueOf(
			Product{SKU: "SKU-A", Name: "Apple", Price: 250, Available: 10},
			Product{SKU: "SKU-B", Name: "Banana", Price: 1000, Available: 10},
		),
		PaymentTimeout: 30 * time.Minute,
		Now:            func() time.Time { return testNow },
	}
	for _, f := range opts {
		f(&o)
	}
	uc, err := NewOrderUsecase(o)
	if err != nil {
		t.Fatalf("NewOrderUsecase: %v", err)
	}
	return uc
}
