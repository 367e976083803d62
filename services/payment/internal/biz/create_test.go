package biz

import (
	"context"
	"fmt"
	"testing"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/payment/api/payment/v1"
)

// payableOrder is an order of 1500 cents awaiting payment.
func payableOrder(_ context.Context, sn string) (*Order, error) {
	return &Order{OrderSN: sn, Status: OrderAwaitingPayment, TotalAmount: 1500, Version: 2}, nil
}

// happyRepo records a payment on an open, unpaid order.
func happyRepo() *fakeRepo {
	return &fakeRepo{
		lockOrder: func(_ context.Context, sn string) (*OrderLock, error) {
			return &OrderLock{OrderSN: sn, Status: OrderOpen, Version: 1}, nil
		},
		create: func(_ context.Context, p *Payment) error { p.ID = 7; return nil },
		attachPayment: func(_ context.Context, l *OrderLock, sn string) error {
			l.PaymentSN = sn
			l.Version++
			return nil
		},
		list: func(context.Context, ListQuery) ([]*Payment, error) { return nil, nil },
	}
}

func TestCreateRejects(t *testing.T) {
	tests := []struct {
		name    string
		orderSN string
		amount  int64
		orders  func(context.Context, string) (*Order, error)
		repo    func(r *fakeRepo)
		reason  string
	}{
		{"empty order_sn", "", 1500, nil, nil, "INVALID_ARGUMENT"},
		{"zero amount", "O1", 0, nil, nil, "INVALID_ARGUMENT"},
		{"negative amount", "O1", -5, nil, nil, "INVALID_ARGUMENT"},
		{"unknown order", "O1", 1500, func(context.Context, string) (*Order, error) {
			return nil, v1.ErrorOrderNotFound("no order")
		}, nil, "ORDER_NOT_FOUND"},
		{"order service down", "O1", 1500, func(context.Context, string) (*Order, error) {
			return nil, v1.ErrorUnavailable("down")
		}, nil, "UNAVAILABLE"},
		{"wrong amount", "O1", 1400, payableOrder, nil, "WRONG_AMOUNT"},
		{"not awaiting payment", "O1", 1500, func(_ context.Context, sn string) (*Order, error) {
			return &Order{OrderSN: sn, Status: "CREATED", TotalAmount: 1500}, nil
		}, nil, "ORDER_NOT_PAYABLE"},
		{"paid here already", "O1", 1500, func(_ context.Context, sn string) (*Order, error) {
			return &Order{OrderSN: sn, Status: "PAID", TotalAmount: 1500}, nil
		}, func(r *fakeRepo) {
			r.list = func(_ context.Context, q ListQuery) ([]*Payment, error) {
				if q.OrderSN != "O1" {
					return nil, fmt.Errorf("list %q", q.OrderSN)
				}
				return []*Payment{{PaymentSN: "P0", Status: PaymentSucceeded}}, nil
			}
		}, "ALREADY_PAID"},
		{"lock row cancelled", "O1", 1500, payableOrder, func(r *fakeRepo) {
			r.lockOrder = func(_ context.Context, sn string) (*OrderLock, error) {
				return &OrderLock{OrderSN: sn, Status: OrderCancelled, Version: 2}, nil
			}
		}, "ORDER_CANCELLED"},
		{"lock row paid", "O1", 1500, payableOrder, func(r *fakeRepo) {
			r.lockOrder = func(_ context.Context, sn string) (*OrderLock, error) {
				return &OrderLock{OrderSN: sn, Status: OrderOpen, PaymentSN: "P0", Version: 2}, nil
			}
		}, "ALREADY_PAID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := happyRepo()
			repo.create = nil // must not be called
			if tt.repo != nil {
				tt.repo(repo)
			}
			uc, _, pub := newTestUsecase(repo, fakeOrders{get: tt.orders}, nil)
			p, err := uc.Create(context.Background(), tt.orderSN, tt.amount)
			if got := reasonOf(err); got != tt.reason {
				t.Fatalf("reason = %q, want %q (err %v)", got, tt.reason, err)
			}
			if p != nil || len(pub.events) != 0 {
				t.Fatalf("payment %+v, events %v: want none", p, pub.events)
			}
		})
	}
}

func TestCreateRecordsPayment(t *testing.T) {
	repo := happyRepo()
	var attached string
	repo.attachPayment = func(_ context.Context, l *OrderLock, sn string) error {
		attached = sn
		return nil
	}
	uc, tx, pub := newTestUsecase(repo, fakeOrders{get: payableOrder}, nil)
	p, err := uc.Create(context.Background(), "O1", 1500)
	if err != nil {
		t.Fatal(err)
	}
	want := Payment{ID: 7, PaymentSN: "P1", OrderSN: "O1", Amount: 1500, Status: PaymentSucceeded,
		Version: 1, CreatedAt: testNow, UpdatedAt: testNow}
	if *p != want {
		t.Fatalf("payment = %+v, want %+v", *p, want)
	}
	if attached != "P1" || tx.runs != 1 {
		t.Fatalf("attached %q in %d transactions, want P1 in 1", attached, tx.runs)
	}
	if len(pub.events) != 1 {
		t.Fatalf("events = %v, want one", pub.events)
	}
	e := pub.events[0]
	var pl event.PaymentSucceededPayload
	if err := e.Unmarshal(&pl); err != nil {
		t.Fatal(err)
	}
	if e.EventID != "payment:succeeded/O1/1" || pl.PaymentSN != "P1" || pl.Amount != 1500 {
		t.Fatalf("event %s %+v", e.EventID, pl)
	}
}

func TestCreateRetriesConflicts(t *testing.T) {
	tests := []struct {
		name      string
		conflicts int
		reason    string
		runs      int
	}{
		{"no conflict", 0, "", 1},
		{"two conflicts then success", 2, "", 3},
		{"conflicts exhaust the attempts", 5, "CONFLICT", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := happyRepo()
			lost := 0
			repo.attachPayment = func(context.Context, *OrderLock, string) error {
				if lost < tt.conflicts {
					lost++
					return fmt.Errorf("attach: %w", idem.ErrConflict)
				}
				return nil
			}
			uc, tx, _ := newTestUsecase(repo, fakeOrders{get: payableOrder}, nil)
			_, err := uc.Create(context.Background(), "O1", 1500)
			if got := reasonOf(err); got != tt.reason {
				t.Fatalf("reason = %q, want %q (err %v)", got, tt.reason, err)
			}
			if tx.runs != tt.runs {
				t.Fatalf("transactions = %d, want %d", tx.runs, tt.runs)
			}
		})
	}
}
