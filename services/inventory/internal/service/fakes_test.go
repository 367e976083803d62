package service

import (
	"context"
	"sort"
	"testing"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// fakes is a tiny in-memory backend for the use case: no rollback, which
// the service tests do not need.
type fakes struct {
	stocks   map[string]biz.Stock
	res      []biz.Reservation
	handled  []string // event ids claimed
	events   []event.Envelope
	claimErr error
}

func (f *fakes) InTx(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }

func (f *fakes) List(ctx context.Context) ([]biz.Product, error) { return nil, nil }

func (f *fakes) BatchGet(ctx context.Context, skus []string) ([]biz.Product, error) {
	var out []biz.Product
	for _, s := range skus {
		if st, ok := f.stocks[s]; ok {
			out = append(out, biz.Product{SKU: s, Name: s, Price: 100, Available: st.Available})
		}
	}
	return out, nil
}

type fakeStocks struct{ *fakes }

func (f fakeStocks) Get(ctx context.Context, sku string) (biz.Stock, error) {
	st, ok := f.stocks[sku]
	if !ok {
		return biz.Stock{}, v1.ErrorSkuNotFound("sku %q not found", sku)
	}
	return st, nil
}
func (f fakeStocks) List(ctx context.Context) ([]biz.Stock, error) { return nil, nil }
func (f fakeStocks) LockMany(ctx context.Context, skus []string) (map[string]biz.Stock, error) {
	out := map[string]biz.Stock{}
	for _, s := range skus {
		if st, ok := f.stocks[s]; ok {
			out[s] = st
		}
	}
	return out, nil
}
func (f fakeStocks) Update(ctx context.Context, s biz.Stock) error {
	s.Version++
	f.stocks[s.SKU] = s
	return nil
}

type fakeRes struct{ *fakes }

func (f fakeRes) Get(ctx context.Context, sn string) (biz.Reservation, error) {
	for _, r := range f.res {
		if r.OrderSN == sn {
			return r, nil
		}
	}
	return biz.Reservation{}, biz.ErrReservationNotFound
}
func (f fakeRes) Create(ctx context.Context, r biz.Reservation) error {
	f.fakes.res = append(f.fakes.res, r)
	return nil
}
func (f fakeRes) UpdateStatus(ctx context.Context, sn string, v int64, st biz.ReservationStatus) error {
	for i := range f.res {
		if f.res[i].OrderSN == sn {
			f.res[i].Status, f.res[i].Version = st, v+1
		}
	}
	return nil
}
func (f fakeRes) List(ctx context.Context, flt biz.ReservationFilter) ([]biz.Reservation, error) {
	var out []biz.Reservation
	for _, r := range f.res {
		if r.OrderSN > flt.After && (flt.OrderSN == "" || flt.OrderSN == r.OrderSN) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].OrderSN < out[j].OrderSN })
	return out[:min(len(out), flt.Limit)], nil
}

type fakeDedup struct{ *fakes }

func (f fakeDedup) Claim(ctx context.Context, id string) (bool, error) {
	if f.claimErr != nil {
		return false, f.claimErr
	}
	f.fakes.handled = append(f.fakes.handled, id)
	return true, nil
}

type fakePub struct{ *fakes }

func (f fakePub) Publish(ctx context.Context, e event.Envelope) error {
	f.fakes.events = append(f.fakes.events, e)
	return nil
}

func newFakes(t *testing.T) (*fakes, *biz.Usecase) {
	t.Helper()
	f := &fakes{stocks: map[string]biz.Stock{"SKU-MUG": {SKU: "SKU-MUG", Total: 10, Available: 10, Version: 1}}}
	uc, err := biz.NewUsecase(biz.Options{
		Tx: f, Products: f, Stocks: fakeStocks{f}, Reservations: fakeRes{f},
		Dedup: fakeDedup{f}, Events: fakePub{f}, RetryAttempts: 1,
	})
	if err != nil {
		t.Fatal(err)
	}
	return f, uc
}
