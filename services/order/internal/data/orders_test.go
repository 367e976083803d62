package data

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/order/api/order/v1"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

var t0 = time.Date(2026, 5, 6, 7, 8, 9, 123456000, time.UTC)

func newOrder(sn string, st biz.Status, deadline time.Time) *biz.Order {
	return &biz.Order{
		SN: sn, UserID: "u1", Status: st, TotalAmount: 1250, Version: 1,
		Items: []biz.Item{
			{SKU: "SKU-Z", Name: "Zebra", Quantity: 1, UnitPrice: 1000},
			{SKU: "SKU-A", Name: "Apple", Quantity: 1, UnitPrice: 250},
		},
		PaymentDeadline: deadline, CreatedAt: t0, UpdatedAt: t0,
	}
}

func TestOrderRepo(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		repo := NewOrderRepo(db.NewTx(gdb))
		o := newOrder("SN-1", biz.StatusCreated, t0.Add(30*time.Minute))
		if err := repo.Create(ctx, o); err != nil {
			t.Fatal(err)
		}
		if o.ID == 0 {
			t.Fatal("Create did not set the id")
		}
		got, err := repo.Get(ctx, "SN-1")
		if err != nil {
			t.Fatal(err)
		}
		if got.SN != o.SN || got.Status != biz.StatusCreated || got.Version != 1 || got.TotalAmount != 1250 ||
			!got.CreatedAt.Equal(t0) || !got.PaymentDeadline.Equal(o.PaymentDeadline) || got.ID != o.ID {
			t.Fatalf("Get = %+v, want %+v", got, o)
		}
		if !slices.Equal(got.Items, o.Items) {
			t.Fatalf("items = %+v, want the request's order %+v", got.Items, o.Items)
		}

		if err := repo.Create(ctx, newOrder("SN-1", biz.StatusCreated, t0)); !errors.Is(err, biz.ErrDuplicateSN) {
			t.Fatalf("duplicate create: %v", err)
		}
		if _, err := repo.Get(ctx, "NOPE"); !v1.IsOrderNotFound(err) {
			t.Fatalf("Get unknown: %v", err)
		}
		for sn, want := range map[string]bool{"SN-1": true, "NOPE": false} {
			if ok, err := repo.Exists(ctx, sn); err != nil || ok != want {
				t.Fatalf("Exists(%s) = %v, %v", sn, ok, err)
			}
		}

		st := biz.State{Status: biz.StatusPaid, PaymentSN: "P1"}
		if err := repo.Update(ctx, "SN-1", 2, st); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
		if err := repo.Update(ctx, "SN-1", 1, st); err != nil {
			t.Fatal(err)
		}
		got, _ = repo.Get(ctx, "SN-1")
		if got.Status != biz.StatusPaid || got.PaymentSN != "P1" || got.Version != 2 || !got.UpdatedAt.After(t0) {
			t.Fatalf("after update: %+v", got)
		}
		if err := repo.Update(ctx, "SN-1", 1, st); !errors.Is(err, idem.ErrConflict) {
			t.Fatalf("second update at version 1: %v", err)
		}
	})
}

func TestOrderRepoListAndOverdue(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		repo := NewOrderRepo(db.NewTx(gdb))
		statuses := []biz.Status{biz.StatusCreated, biz.StatusAwaitingPayment, biz.StatusPaid, biz.StatusCancelled}
		for i := 0; i < 8; i++ {
			// deadlines: i=0 oldest ... i=7 newest; some with sub-second differences
			o := newOrder(fmt.Sprintf("SN-%d", i), statuses[i%4], t0.Add(time.Duration(i)*1500*time.Millisecond))
			if err := repo.Create(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		page, err := repo.List(ctx, biz.ListQuery{Limit: 3})
		if err != nil || len(page) != 3 || page[0].SN != "SN-0" || page[2].SN != "SN-2" || len(page[1].Items) != 2 {
			t.Fatalf("first page = %v, %v", sns(page), err)
		}
		page, err = repo.List(ctx, biz.ListQuery{AfterID: page[2].ID, Limit: 10})
		if err != nil || fmt.Sprint(sns(page)) != "[SN-3 SN-4 SN-5 SN-6 SN-7]" {
			t.Fatalf("second page = %v, %v", sns(page), err)
		}
		page, err = repo.List(ctx, biz.ListQuery{Status: biz.StatusPaid, Limit: 10})
		if err != nil || fmt.Sprint(sns(page)) != "[SN-2 SN-6]" {
			t.Fatalf("paid = %v, %v", sns(page), err)
		}

		// open: SN-0, SN-1, SN-4, SN-5; deadlines t0 + i*1.5s
		overdue, err := repo.ListOverdue(ctx, t0.Add(6*time.Second+500*time.Millisecond), 10)
		if err != nil || fmt.Sprint(overdue) != "[SN-0 SN-1 SN-4]" {
			t.Fatalf("overdue = %v, %v", overdue, err)
		}
		overdue, err = repo.ListOverdue(ctx, t0.Add(time.Hour), 2)
		if err != nil || fmt.Sprint(overdue) != "[SN-0 SN-1]" {
			t.Fatalf("overdue limit 2 = %v, %v", overdue, err)
		}
		if overdue, err = repo.ListOverdue(ctx, t0, 10); err != nil || len(overdue) != 0 {
			t.Fatalf("overdue at t0 = %v, %v", overdue, err)
		}
	})
}

func sns(orders []*biz.Order) []string {
	out := make([]string, len(orders))
	for i, o := range orders {
		out[i] = o.SN
	}
	return out
}

// TestOrderRepoGetJoin checks Get's one-query join: items in line order,
// and an order without items (not made by CreateOrder, which refuses an
// empty order) read with none rather than a phantom line.
func TestOrderRepoGetJoin(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		repo := NewOrderRepo(db.NewTx(gdb))
		three := newOrder("SN-3", biz.StatusCreated, t0)
		three.Items = append(three.Items, biz.Item{SKU: "SKU-M", Name: "Mango", Quantity: 3, UnitPrice: 1})
		empty := newOrder("SN-0", biz.StatusCreated, t0)
		empty.Items = nil
		tests := []struct {
			name string
			o    *biz.Order
		}{
			{"three items", three},
			{"no items", empty},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := repo.Create(ctx, tt.o); err != nil {
					t.Fatal(err)
				}
				got, err := repo.Get(ctx, tt.o.SN)
				if err != nil {
					t.Fatal(err)
				}
				if got.SN != tt.o.SN || got.ID != tt.o.ID || got.TotalAmount != tt.o.TotalAmount || len(got.Items) != len(tt.o.Items) {
					t.Fatalf("Get = %+v, want %+v", got, tt.o)
				}
				if len(tt.o.Items) > 0 && !slices.Equal(got.Items, tt.o.Items) {
					t.Fatalf("items = %+v, want %+v", got.Items, tt.o.Items)
				}
			})
		}
	})
}
