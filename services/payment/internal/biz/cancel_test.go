package biz

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/sagashop/sagashop/pkg/event"
	"github.com/sagashop/sagashop/pkg/idem"
)

func cancelledEvent(t *testing.T, sn string) event.Envelope {
	t.Helper()
	e, err := event.New(event.OrderCancelled, sn, 3, testNow,
		event.OrderCancelledPayload{Reason: event.ReasonPaymentTimeout})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOrderCancelled(t *testing.T) {
	tests := []struct {
		name       string
		fresh      bool
		lock       OrderLock
		payment    PaymentStatus // "" = none
		wantCancel bool
		wantRefund bool
	}{
		{"duplicate delivery does nothing", false, OrderLock{Status: OrderOpen}, "", false, false},
		{"open, unpaid: tombstone only", true, OrderLock{Status: OrderOpen}, "", true, false},
		{"open, paid: cancel and refund", true, OrderLock{Status: OrderOpen, PaymentSN: "P1"}, PaymentSucceeded, true, true},
		{"already cancelled, paid: refund", true, OrderLock{Status: OrderCancelled, PaymentSN: "P1"}, PaymentSucceeded, false, true},
		{"already refunded: nothing", true, OrderLock{Status: OrderCancelled, PaymentSN: "P1"}, PaymentRefunded, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cancelled, refunded bool
			repo := &fakeRepo{
				lockOrder: func(_ context.Context, sn string) (*OrderLock, error) {
					l := tt.lock
					l.OrderSN, l.Version = sn, 1
					return &l, nil
				},
				cancelOrder: func(_ context.Context, l *OrderLock) error {
					cancelled = true
					l.Status = OrderCancelled
					return nil
				},
				getPayment: func(_ context.Context, sn string) (*Payment, error) {
					return &Payment{PaymentSN: sn, OrderSN: "O1", Amount: 1500, Status: tt.payment, Version: 1}, nil
				},
				refund: func(_ context.Context, p *Payment, at time.Time) error {
					refunded = true
					p.Status, p.Version, p.UpdatedAt = PaymentRefunded, p.Version+1, at
					return nil
				},
			}
			dedup := fakeDedup{claim: func(_ context.Context, id string) (bool, error) {
				if id != "order:cancelled/O1/3" {
					return false, fmt.Errorf("claim %q", id)
				}
				return tt.fresh, nil
			}}
			uc, _, pub := newTestUsecase(repo, nil, dedup)
			if err := uc.OrderCancelled(context.Background(), cancelledEvent(t, "O1")); err != nil {
				t.Fatal(err)
			}
			if cancelled != tt.wantCancel || refunded != tt.wantRefund {
				t.Fatalf("cancelled %v refunded %v, want %v %v", cancelled, refunded, tt.wantCancel, tt.wantRefund)
			}
			if !tt.wantRefund {
				if len(pub.events) != 0 {
					t.Fatalf("events %v, want none", pub.events)
				}
				return
			}
			if len(pub.events) != 1 {
				t.Fatalf("events %v, want one", pub.events)
			}
			var pl event.PaymentRefundedPayload
			e := pub.events[0]
			if err := e.Unmarshal(&pl); err != nil {
				t.Fatal(err)
			}
			want := event.PaymentRefundedPayload{PaymentSN: "P1", Amount: 1500, Reason: "ORDER_CANCELLED"}
			if e.EventID != "payment:refunded/O1/2" || pl != want {
				t.Fatalf("event %s %+v, want payment:refunded/O1/2 %+v", e.EventID, pl, want)
			}
		})
	}
}

func TestOrderCancelledRetriesConflicts(t *testing.T) {
	claims, locks := 0, 0
	repo := &fakeRepo{
		lockOrder: func(_ context.Context, sn string) (*OrderLock, error) {
			locks++
			if locks == 1 {
				return nil, fmt.Errorf("deadlock: %w", idem.ErrConflict)
			}
			return &OrderLock{OrderSN: sn, Status: OrderOpen, Version: 1}, nil
		},
		cancelOrder: func(context.Context, *OrderLock) error { return nil },
	}
	dedup := fakeDedup{claim: func(context.Context, string) (bool, error) { claims++; return true, nil }}
	uc, tx, _ := newTestUsecase(repo, nil, dedup)
	if err := uc.OrderCancelled(context.Background(), cancelledEvent(t, "O1")); err != nil {
		t.Fatal(err)
	}
	if tx.runs != 2 || claims != 2 {
		t.Fatalf("transactions %d claims %d, want 2 2 (the claim rolls back with the lost race)", tx.runs, claims)
	}
}

func TestOrderCancelledRefusesOtherTypes(t *testing.T) {
	e, err := event.New(event.OrderPaid, "O1", 3, testNow, event.OrderPaidPayload{PaymentSN: "P1", Amount: 1})
	if err != nil {
		t.Fatal(err)
	}
	uc, tx, _ := newTestUsecase(&fakeRepo{}, nil, nil)
	if err := uc.OrderCancelled(context.Background(), e); err == nil || tx.runs != 0 {
		t.Fatalf("err %v after %d transactions, want an error before any", err, tx.runs)
	}
}
