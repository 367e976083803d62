package db_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/pkg/idem"
)

type stockRow struct {
	SKU       string `gorm:"column:sku"`
	Available int64
	Version   int64
	UpdatedAt time.Time
}

func TestUpdateVersioned(t *testing.T) {
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		table, key  string
		keyVal      any
		version     int64
		set         map[string]any
		wantErr     error
		wantVersion int64 // of stocks/S1 afterwards
		wantAvail   int64
	}{
		{name: "match", table: "stocks", key: "sku", keyVal: "S1", version: 3,
			set: map[string]any{"available": gorm.Expr("available - ?", 2)}, wantVersion: 4, wantAvail: 8},
		{name: "stale version", table: "stocks", key: "sku", keyVal: "S1", version: 2,
			set: map[string]any{"available": 0}, wantErr: idem.ErrConflict, wantVersion: 3, wantAvail: 10},
		{name: "missing row", table: "stocks", key: "sku", keyVal: "nope", version: 3,
			set: map[string]any{"available": 0}, wantErr: idem.ErrConflict, wantVersion: 3, wantAvail: 10},
		{name: "empty set bumps version", table: "stocks", key: "sku", keyVal: "S1", version: 3,
			wantVersion: 4, wantAvail: 10},
		{name: "table without updated_at", table: "locks", key: "order_sn", keyVal: "O1", version: 1,
			set: map[string]any{"status": "CANCELLED"}, wantVersion: 3, wantAvail: 10},
		{name: "set names version", table: "stocks", key: "sku", keyVal: "S1", version: 3,
			set: map[string]any{"version": 9}, wantErr: db.ErrBadArgument, wantVersion: 3, wantAvail: 10},
		{name: "bad table name", table: "stocks; DROP TABLE x", key: "sku", keyVal: "S1", version: 3,
			wantErr: db.ErrBadArgument, wantVersion: 3, wantAvail: 10},
		{name: "bad column name", table: "stocks", key: "sku", keyVal: "S1", version: 3,
			set: map[string]any{"a=1,b": 1}, wantErr: db.ErrBadArgument, wantVersion: 3, wantAvail: 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
				mustExec(t, gdb, "INSERT INTO stocks (sku, available, version, updated_at) VALUES ('S1', 10, 3, ?)", old)
				mustExec(t, gdb, "INSERT INTO locks (order_sn, status, version) VALUES ('O1', 'OPEN', 1)")
				tx := db.NewTx(gdb)
				err := tx.InTx(context.Background(), func(ctx context.Context) error {
					return db.UpdateVersioned(tx.DB(ctx), tt.table, tt.key, tt.keyVal, tt.version, tt.set)
				})
				if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				var s stockRow
				if err := gdb.Table("stocks").Where("sku = ?", "S1").Take(&s).Error; err != nil {
					t.Fatal(err)
				}
				if s.Version != tt.wantVersion || s.Available != tt.wantAvail {
					t.Fatalf("stock = %+v, want version %d available %d", s, tt.wantVersion, tt.wantAvail)
				}
				if changed := s.Version != 3; changed != s.UpdatedAt.After(old) {
					t.Fatalf("updated_at = %v after version %d", s.UpdatedAt, s.Version)
				}
				if tt.table == "locks" {
					var status string
					gdb.Raw("SELECT status FROM locks WHERE order_sn = 'O1'").Scan(&status)
					if status != "CANCELLED" {
						t.Fatalf("locks status = %q", status)
					}
				}
			})
		})
	}
}

// TestRetryConcurrentUpdates runs read-then-UpdateVersioned transactions
// concurrently under idem.Retry: every increment lands exactly once.
func TestRetryConcurrentUpdates(t *testing.T) {
	dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
		mustExec(t, gdb, "INSERT INTO stocks (sku, available, version, updated_at) VALUES ('S1', 0, 1, ?)", time.Now())
		tx := db.NewTx(gdb)
		const workers, each = 4, 5
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for range workers {
			wg.Go(func() {
				for range each {
					errs <- idem.Retry(context.Background(), 100, func(ctx context.Context) error {
						return tx.InTx(ctx, func(ctx context.Context) error {
							var s stockRow
							if err := tx.DB(ctx).Table("stocks").Where("sku = ?", "S1").Take(&s).Error; err != nil {
								return err
							}
							return db.UpdateVersioned(tx.DB(ctx), "stocks", "sku", "S1", s.Version,
								map[string]any{"available": s.Available + 1})
						})
					})
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		var s stockRow
		gdb.Table("stocks").Where("sku = ?", "S1").Take(&s)
		if s.Available != workers*each || s.Version != 1+workers*each {
			t.Fatalf("stock = %+v, want available %d", s, workers*each)
		}
	})
}

func mustExec(t *testing.T, gdb *gorm.DB, q string, args ...any) {
	t.Helper()
	if err := gdb.Exec(q, args...).Error; err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
