package biz

import (
	"context"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
)

// fakeRepo is a PaymentRepo of function fields; a nil field panics when
// called, which fails the test that did not expect the call.
type fakeRepo struct {
	lockOrder     func(ctx context.Context, orderSN string) (*OrderLock, error)
	attachPayment func(ctx context.Context, lock *OrderLock, paymentSN string) error
	cancelOrder   func(ctx context.Context, lock *OrderLock) error
	getPayment    func(ctx context.Context, paymentSN string) (*Payment, error)
	create        func(ctx context.Context, p *Payment) error
	refund        func(ctx context.Context, p *Payment, at time.Time) error
	list          func(ctx context.Context, q ListQuery) ([]*Payment, error)
}

func (f *fakeRepo) LockOrder(ctx context.Context, sn string) (*OrderLock, error) {
	return f.lockOrder(ctx, sn)
}
func (f *fakeRepo) AttachPayment(ctx context.Context, l *OrderLock, sn string) error {
	return f.attachPayment(ctx, l, sn)
}
func (f *fakeRepo) CancelOrder(ctx context.Context, l *OrderLock) error { return f.cancelOrder(ctx, l) }
func (f *fakeRepo) GetPayment(ctx context.Context, sn string) (*Payment, error) {
	return f.getPayment(ctx, sn)
}
func (f *fakeRepo) Create(ctx context.Context, p *Payment) error { return f.create(ctx, p) }
func (f *fakeRepo) Refund(ctx context.Context, p *Payment, at time.Time) error {
	return f.refund(ctx, p, at)
}
func (f *fakeRepo) List(ctx context.Context, q ListQuery) ([]*Payment, error) { return f.list(ctx, q) }

type fakeOrders struct {
	get func(ctx context.Context, sn string) (*Order, error)
}

func (f fakeOrders) GetOrder(ctx context.Context, sn string) (*Order, error) { return f.get(ctx, sn) }

// fakeTx runs fn directly and counts the transactions.
type fakeTx struct{ runs int }

func (t *fakeTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	t.runs++
	return fn(ctx)
}

// fakePub collects the published events.
type fakePub struct{ events []event.Envelope }

func (p *fakePub) Publish(_ context.Context, e event.Envelope) error {
	p.events = append(p.events, e)
	return nil
}

type fakeDedup struct {
	claim func(ctx context.Context, id string) (bool, error)
}

func (d fakeDedup) Claim(ctx context.Context, id string) (bool, error) { return d.claim(ctx, id) }

var testNow = time.Date(2026, 5, 9, 12, 0, 0, 0, time.UTC)

// newTestUsecase wires uc with fixed clock and payment numbers.
func newTestUsecase(repo *fakeRepo, orders Orders, dedup Deduper) (*PaymentUsecase, *fakeTx, *fakePub) {
	tx, pub := &fakeTx{}, &fakePub{}
	uc := NewPaymentUsecase(repo, orders, tx, pub, dedup, Options{
		Attempts: 3,
		Now:      func() time.Time { return testNow },
		NewSN:    func(time.Time) (string, error) { return "P1", nil },
	})
	return uc, tx, pub
}
