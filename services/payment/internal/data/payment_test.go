package data

import (
	"context"
	"errors"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/idem"
	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

func TestLockOrder(t *testing.T) {
	eachDB(t, func(t *testing.T, gdb *gorm.DB) {
		f, ctx := newFixture(gdb, awaiting), context.Background()
		sn := newSN(t)
		var first, again *biz.OrderLock
		err := f.tx.InTx(ctx, func(ctx context.Context) error {
			var err error
			if first, err = f.repo.LockOrder(ctx, sn); err != nil {
				return err
			}
			if err := f.repo.AttachPayment(ctx, first, "P1"); err != nil {
				return err
			}
			again, err = f.repo.LockOrder(ctx, sn) // the same tx: inserts nothing, sees its own change
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		want := biz.OrderLock{OrderSN: sn, Status: biz.OrderOpen, PaymentSN: "P1", Version: 2}
		if *first != want || *again != want {
			t.Fatalf("lock after attach %+v, re-read %+v, want %+v", *first, *again, want)
		}
		stale := biz.OrderLock{OrderSN: sn, Status: biz.OrderOpen, Version: 1}
		if err := f.repo.CancelOrder(ctx, &stale); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("cancel with a stale version: %v, want idem.ErrConflict", err)
		}
		if err := f.repo.CancelOrder(ctx, again); err != nil {
			t.Fatal(err)
		}
		lock, _ := orderState(t, f, sn)
		if lock.Status != "CANCELLED" || lock.PaymentSN != "P1" || lock.Version != 3 {
			t.Fatalf("row %+v, want CANCELLED P1 v3", *lock)
		}
	})
}

func TestPaymentRows(t *testing.T) {
	eachDB(t, func(t *testing.T, gdb *gorm.DB) {
		f, ctx := newFixture(gdb, awaiting), context.Background()
		if _, err := f.repo.GetPayment(ctx, "nope"); !errors.Is(err, biz.ErrNoPayment) {
			t.Fatalf("unknown payment: %v, want biz.ErrNoPayment", err)
		}
		sn, now := newSN(t), testNow()
		var ids []int64
		for i, psn := range []string{"PA" + sn, "PB" + sn, "PC" + sn} {
			p := &biz.Payment{PaymentSN: psn, OrderSN: sn, Amount: int64(100 * (i + 1)),
				Status: biz.PaymentSucceeded, Version: 1, CreatedAt: now, UpdatedAt: now}
			if err := f.repo.Create(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, p.ID)
		}
		dup := &biz.Payment{PaymentSN: "PA" + sn, OrderSN: sn, Amount: 1, Status: biz.PaymentSucceeded,
			Version: 1, CreatedAt: now, UpdatedAt: now}
		if err := f.repo.Create(ctx, dup); err == nil {
			t.Fatal("duplicate payment_sn inserted")
		}
		p, err := f.repo.GetPayment(ctx, "PB"+sn)
		if err != nil {
			t.Fatal(err)
		}
		if p.ID != ids[1] || p.Amount != 200 || !p.CreatedAt.Equal(now) || p.CreatedAt.Location().String() != "UTC" {
			t.Fatalf("read back %+v, want id %d amount 200 created %v UTC", *p, ids[1], now)
		}
		later := now.Add(time.Second)
		if err := f.repo.Refund(ctx, p, later); err != nil {
			t.Fatal(err)
		}
		stale := *p
		stale.Version = 1
		if err := f.repo.Refund(ctx, &stale, later); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("refund with a stale version: %v, want idem.ErrConflict", err)
		}
		page, err := f.repo.List(ctx, biz.ListQuery{OrderSN: sn, AfterID: ids[0], Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) != 1 || page[0].PaymentSN != "PB"+sn || page[0].Status != biz.PaymentRefunded ||
			page[0].Version != 2 || !page[0].UpdatedAt.Equal(later) {
			t.Fatalf("page after %d: %+v, want PB refunded v2 updated %v", ids[0], page, later)
		}
		all, err := f.repo.List(ctx, biz.ListQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 3 {
			t.Fatalf("%d payments in all, want 3", len(all))
		}
	})
}
