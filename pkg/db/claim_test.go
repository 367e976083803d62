package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

func TestClaim(t *testing.T) {
	type step struct {
		group, event string
		rollback     bool // the tx around the claim fails afterwards
		wantFresh    bool
		wantErr      error
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "fresh then duplicate", steps: []step{
			{group: "order-service", event: "stock:reserved/S1/2", wantFresh: true},
			{group: "order-service", event: "stock:reserved/S1/2", wantFresh: false},
		}},
		{name: "other group is fresh", steps: []step{
			{group: "order-service", event: "order:created/S1/1", wantFresh: true},
			{group: "inventory-service", event: "order:created/S1/1", wantFresh: true},
		}},
		{name: "rollback undoes the claim", steps: []step{
			{group: "g", event: "e1", rollback: true, wantFresh: true, wantErr: errBoom},
			{group: "g", event: "e1", wantFresh: true},
			{group: "g", event: "e1", wantFresh: false},
		}},
		{name: "ids are case-sensitive", steps: []step{
			{group: "g", event: "Order:1", wantFresh: true},
			{group: "g", event: "order:1", wantFresh: true},
		}},
		{name: "bad arguments", steps: []step{
			{group: "", event: "e", wantErr: db.ErrBadArgument},
			{group: "g", event: "", wantErr: db.ErrBadArgument},
			{group: strings.Repeat("g", 65), event: "e", wantErr: db.ErrBadArgument},
			{group: "g", event: strings.Repeat("e", 161), wantErr: db.ErrBadArgument},
			{group: strings.Repeat("g", 64), event: strings.Repeat("e", 160), wantFresh: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
				tx := db.NewTx(gdb)
				for i, s := range tt.steps {
					var fresh bool
					err := tx.InTx(context.Background(), func(ctx context.Context) error {
						var err error
						if fresh, err = db.Claim(ctx, tx.DB(ctx), s.group, s.event); err != nil {
							return err
						}
						// the business change of the same tx
						if err := insertItem(ctx, tx, int64(100+i), "x"); err != nil {
							return err
						}
						if s.rollback {
							return errBoom
						}
						return nil
					})
					if s.wantErr == nil && err != nil || s.wantErr != nil && !errors.Is(err, s.wantErr) {
						t.Fatalf("step %d: err = %v, want %v", i, err, s.wantErr)
					}
					if fresh != s.wantFresh {
						t.Fatalf("step %d: fresh = %v, want %v", i, fresh, s.wantFresh)
					}
				}
			})
		})
	}
}

// TestClaimDuplicateKeepsTxUsable checks that the failed insert of a
// duplicate does not abort the transaction on either database.
func TestClaimDuplicateKeepsTxUsable(t *testing.T) {
	dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
		tx := db.NewTx(gdb)
		err := tx.InTx(context.Background(), func(ctx context.Context) error {
			if _, err := db.Claim(ctx, tx.DB(ctx), "g", "e"); err != nil {
				return err
			}
			fresh, err := db.Claim(ctx, tx.DB(ctx), "g", "e")
			if err != nil || fresh {
				return errors.Join(err, errors.New("second claim in the same tx was fresh"))
			}
			return insertItem(ctx, tx, 1, "after duplicate")
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, gdb, "items", ""); n != 1 {
			t.Fatalf("items = %d, want 1", n)
		}
	})
}
