package db_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
)

var errBoom = errors.New("boom")

// hookLog records AfterCommit hooks; hooks may run on any goroutine.
type hookLog struct {
	mu  sync.Mutex
	ran []string
}

func (h *hookLog) hook(name string) func() {
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.ran = append(h.ran, name)
	}
}

func (h *hookLog) get() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.ran)
}

func TestInTx(t *testing.T) {
	tests := []struct {
		name      string
		run       func(ctx context.Context, tx *db.Tx, h *hookLog) error
		wantErr   error
		wantItems int64
		wantHooks []string
	}{
		{
			name: "commit",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				return tx.InTx(ctx, func(ctx context.Context) error {
					db.AfterCommit(ctx, h.hook("a"))
					return insertItem(ctx, tx, 1, "a")
				})
			},
			wantItems: 1, wantHooks: []string{"a"},
		},
		{
			name: "rollback on error",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				return tx.InTx(ctx, func(ctx context.Context) error {
					db.AfterCommit(ctx, h.hook("a"))
					if err := insertItem(ctx, tx, 1, "a"); err != nil {
						return err
					}
					return errBoom
				})
			},
			wantErr: errBoom, wantItems: 0, wantHooks: nil,
		},
		{
			name: "nested joins and hooks wait for the outermost commit",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				return tx.InTx(ctx, func(ctx context.Context) error {
					db.AfterCommit(ctx, h.hook("outer"))
					if err := insertItem(ctx, tx, 1, "a"); err != nil {
						return err
					}
					err := tx.InTx(ctx, func(ctx context.Context) error {
						// the inner unit sees the outer's uncommitted row: same tx
						var n int64
						if err := tx.DB(ctx).Table("items").Count(&n).Error; err != nil || n != 1 {
							return errors.Join(err, errors.New("inner did not join the outer tx"))
						}
						db.AfterCommit(ctx, h.hook("inner"))
						return insertItem(ctx, tx, 2, "b")
					})
					if err != nil {
						return err
					}
					if len(h.get()) != 0 {
						return errors.New("hook ran before the outermost commit")
					}
					return nil
				})
			},
			wantItems: 2, wantHooks: []string{"outer", "inner"},
		},
		{
			name: "inner error rolls back everything",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				return tx.InTx(ctx, func(ctx context.Context) error {
					if err := insertItem(ctx, tx, 1, "a"); err != nil {
						return err
					}
					return tx.InTx(ctx, func(ctx context.Context) error {
						db.AfterCommit(ctx, h.hook("inner"))
						if err := insertItem(ctx, tx, 2, "b"); err != nil {
							return err
						}
						return errBoom
					})
				})
			},
			wantErr: errBoom, wantItems: 0, wantHooks: nil,
		},
		{
			name: "no tx: hook runs at once",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				db.AfterCommit(ctx, h.hook("now"))
				if len(h.get()) != 1 {
					return errors.New("hook did not run at once")
				}
				return insertItem(ctx, tx, 1, "a")
			},
			wantItems: 1, wantHooks: []string{"now"},
		},
		{
			name: "ctx kept after commit uses the base db",
			run: func(ctx context.Context, tx *db.Tx, h *hookLog) error {
				var kept context.Context
				if err := tx.InTx(ctx, func(ctx context.Context) error {
					kept = ctx
					return insertItem(ctx, tx, 1, "a")
				}); err != nil {
					return err
				}
				db.AfterCommit(kept, h.hook("late"))
				return insertItem(kept, tx, 2, "b")
			},
			wantItems: 2, wantHooks: []string{"late"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dbtest.Each(t, appFS, func(t *testing.T, gdb *gorm.DB) {
				h := &hookLog{}
				err := tt.run(context.Background(), db.NewTx(gdb), h)
				if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if n := count(t, gdb, "items", ""); n != tt.wantItems {
					t.Errorf("items = %d, want %d", n, tt.wantItems)
				}
				if got := h.get(); !slices.Equal(got, tt.wantHooks) {
					t.Errorf("hooks = %v, want %v", got, tt.wantHooks)
				}
			})
		})
	}
}

func TestInTxPanicRollsBack(t *testing.T) {
	gdb := dbtest.SQLite(t, appFS)
	tx := db.NewTx(gdb)
	h := &hookLog{}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Fatal("panic was swallowed")
			}
		}()
		_ = tx.InTx(context.Background(), func(ctx context.Context) error {
			db.AfterCommit(ctx, h.hook("x"))
			_ = insertItem(ctx, tx, 1, "a")
			panic("bug")
		})
	}()
	if n := count(t, gdb, "items", ""); n != 0 {
		t.Fatalf("items = %d after panic, want 0", n)
	}
	if got := h.get(); len(got) != 0 {
		t.Fatalf("hooks ran after panic: %v", got)
	}
}

// TestInTxSeparateDatabases checks that a tx of one database in ctx is not
// joined by the Tx of another database.
func TestInTxSeparateDatabases(t *testing.T) {
	a, b := dbtest.SQLite(t, appFS), dbtest.SQLite(t, appFS)
	txA, txB := db.NewTx(a), db.NewTx(b)
	err := txA.InTx(context.Background(), func(ctx context.Context) error {
		if err := insertItem(ctx, txA, 1, "a"); err != nil {
			return err
		}
		if err := txB.InTx(ctx, func(ctx context.Context) error { return insertItem(ctx, txB, 1, "b") }); err != nil {
			return err
		}
		return errBoom // rolls back a only
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v", err)
	}
	if na, nb := count(t, a, "items", ""), count(t, b, "items", ""); na != 0 || nb != 1 {
		t.Fatalf("items a=%d b=%d, want 0 and 1", na, nb)
	}
}
