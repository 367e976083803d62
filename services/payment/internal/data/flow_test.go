package data

import (
	"context"
	"testing"

	"github.com/go-kratos/kratos/v2/errors"
	"gorm.io/gorm"

	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// TestPaymentFlows runs the use cases over the real repositories: pay,
// pay again, cancel (refund), cancel again (duplicate), pay after cancel.
func TestPaymentFlows(t *testing.T) {
	eachDB(t, func(t *testing.T, gdb *gorm.DB) {
		f, ctx := newFixture(gdb, awaiting), context.Background()
		sn := newSN(t)
		p, err := f.uc.Create(ctx, sn, 1500)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.uc.Create(ctx, sn, 1500); errors.Reason(err) != "ALREADY_PAID" {
			t.Fatalf("second payment: %v, want ALREADY_PAID", err)
		}
		for i := 0; i < 2; i++ { // the second delivery is a duplicate
			if err := f.uc.OrderCancelled(ctx, cancelEvent(t, sn, 3)); err != nil {
				t.Fatal(err)
			}
		}
		// A different cancel event (another version) finds nothing left to refund.
		if err := f.uc.OrderCancelled(ctx, cancelEvent(t, sn, 4)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.uc.Create(ctx, sn, 1500); errors.Reason(err) != "ORDER_CANCELLED" {
			t.Fatalf("payment after cancel: %v, want ORDER_CANCELLED", err)
		}
		lock, ps := orderState(t, f, sn)
		if lock.Status != "CANCELLED" || lock.PaymentSN != p.PaymentSN {
			t.Fatalf("lock row %+v", *lock)
		}
		if len(ps) != 1 || ps[0].Status != biz.PaymentRefunded || ps[0].Version != 2 {
			t.Fatalf("payments %+v, want one REFUNDED v2", ps)
		}
		ids := outboxIDs(t, gdb, sn)
		want := []string{"payment:succeeded/" + sn + "/1", "payment:refunded/" + sn + "/2"}
		if len(ids) != 2 || !ids[want[0]] || !ids[want[1]] {
			t.Fatalf("outbox %v, want %v", ids, want)
		}
	})
}

// TestCancelBeforePayment: a cancellation seen first leaves a CANCELLED
// lock row that refuses the payment.
func TestCancelBeforePayment(t *testing.T) {
	eachDB(t, func(t *testing.T, gdb *gorm.DB) {
		f, ctx := newFixture(gdb, awaiting), context.Background()
		sn := newSN(t)
		if err := f.uc.OrderCancelled(ctx, cancelEvent(t, sn, 3)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.uc.Create(ctx, sn, 1500); errors.Reason(err) != "ORDER_CANCELLED" {
			t.Fatalf("payment after cancel: %v, want ORDER_CANCELLED", err)
		}
		lock, ps := orderState(t, f, sn)
		if lock == nil || lock.Status != "CANCELLED" || len(ps) != 0 || len(outboxIDs(t, gdb, sn)) != 0 {
			t.Fatalf("lock %+v payments %v: want a CANCELLED tombstone and nothing else", lock, ps)
		}
	})
}
