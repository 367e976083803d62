package db_test

import (
	"context"
	"errors"
	"testing"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

func TestDeduper(t *testing.T) {
	dbtest.Each(t, dbtest.Common(), func(t *testing.T, gdb *gorm.DB) {
		tx := db.NewTx(gdb)
		d := db.NewDeduper(tx, "order-service")
		ctx := context.Background()
		claim := func(id string, fail error) (bool, error) {
			var fresh bool
			err := tx.InTx(ctx, func(ctx context.Context) error {
				var err error
				if fresh, err = d.Claim(ctx, id); err != nil {
					return err
				}
				return fail
			})
			return fresh, err
		}
		if fresh, err := claim("e1", errBoom); !fresh || !errors.Is(err, errBoom) {
			t.Fatalf("first claim, rolled back: %v, %v", fresh, err)
		}
		if fresh, err := claim("e1", nil); !fresh || err != nil {
			t.Fatalf("claim after the rollback: %v, %v", fresh, err)
		}
		if fresh, err := claim("e1", nil); fresh || err != nil {
			t.Fatalf("second claim: %v, %v; want already claimed", fresh, err)
		}
		if fresh, err := db.NewDeduper(tx, "inventory-service").Claim(ctx, "e1"); !fresh || err != nil {
			t.Fatalf("another group: %v, %v", fresh, err)
		}
		if _, err := d.Claim(ctx, ""); !errors.Is(err, db.ErrBadArgument) {
			t.Fatalf("empty id: %v", err)
		}
	})
}
