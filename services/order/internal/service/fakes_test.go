package service

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

var errUnexpected = errors.New("unexpected call")

// ports implements every biz port with optional function fields; a nil
// field fails the call with errUnexpected.
type ports struct {
	get      func(sn string) (*biz.Order, error)
	list     func(q biz.ListQuery) ([]*biz.Order, error)
	create   func(o *biz.Order) error
	update   func(sn string, version int64, st biz.State) error
	claim    func(id string) (bool, error)
	products func(skus []string) (map[string]biz.Product, error)
	schedule func(e event.Envelope) error
}

func (p *ports) InTx(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }

func (p *ports) Create(_ context.Context, o *biz.Order) error {
	if p.create == nil {
		return errUnexpected
	}
	return p.create(o)
}

func (p *ports) Get(_ context.Context, sn string) (*biz.Order, error) {
	if p.get == nil {
		return nil, errUnexpected
	}
	return p.get(sn)
}

func (p *ports) Exists(context.Context, string) (bool, error) { return false, errUnexpected }

func (p *ports) List(_ context.Context, q biz.ListQuery) ([]*biz.Order, error) {
	if p.list == nil {
		return nil, errUnexpected
	}
	return p.list(q)
}

func (p *ports) Update(_ context.Context, sn string, version int64, st biz.State) error {
	if p.update == nil {
		return errUnexpected
	}
	return p.update(sn, version, st)
}

func (p *ports) ListOverdue(context.Context, time.Time, int) ([]string, error) {
	return nil, errUnexpected
}

func (p *ports) Claim(_ context.Context, id string) (bool, error) {
	if p.claim == nil {
		return false, errUnexpected
	}
	return p.claim(id)
}

func (p *ports) Publish(context.Context, event.Envelope) error { return nil }

func (p *ports) PublishWithLocal(ctx context.Context, _ event.Envelope, local func(context.Context) error) error {
	return local(ctx)
}

func (p *ports) ScheduleTimeout(_ context.Context, e event.Envelope) error {
	if p.schedule == nil {
		return errUnexpected
	}
	return p.schedule(e)
}

func (p *ports) Products(_ context.Context, skus []string) (map[string]biz.Product, error) {
	if p.products == nil {
		return nil, errUnexpected
	}
	return p.products(skus)
}

func newUsecase(t *testing.T, p *ports) *biz.OrderUsecase {
	t.Helper()
	uc, err := biz.NewOrderUsecase(biz.Options{
		Orders: p, Tx: p, Dedup: p, Events: p, Created: p, Timeouts: p, Catalogue: p, RetryAttempts: 3,
	})
	if err != nil {
		t.Fatal(err)
	}
	return uc
}

// notFound answers Get like an empty repository.
func notFound(sn string) (*biz.Order, error) {
	return nil, v1.ErrorOrderNotFound("order %q not found", sn)
}

// newService returns the API over p, with a Waiter that p's changes never
// signal (it rechecks every 10 ms instead).
func newService(t *testing.T, p *ports) *OrderService {
	t.Helper()
	w, err := biz.NewWaiter(biz.WaiterOptions{Orders: p, Changes: biz.NewNotifier(), Recheck: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return NewOrderService(newUsecase(t, p), w, nil)
}
