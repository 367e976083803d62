package data

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/sagashop/sagashop/pkg/db"
	"github.com/sagashop/sagashop/pkg/db/dbtest"
	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// changeLog is a biz.ChangeNotifier that records the order_sns it is told.
type changeLog struct {
	mu  sync.Mutex
	sns []string
}

func (c *changeLog) Notify(sn string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sns = append(c.sns, sn)
}

func (c *changeLog) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.sns
	c.sns = nil
	return out
}

// TestOrderRepoNotifiesAfterCommit checks that Create and Update tell the
// notifier only once their transaction committed, and never after a
// rollback or a lost version check.
func TestOrderRepoNotifiesAfterCommit(t *testing.T) {
	dbtest.Each(t, Migrations(), func(t *testing.T, gdb *gorm.DB) {
		ctx := context.Background()
		tx, log := db.NewTx(gdb), &changeLog{}
		repo := NewNotifyingOrderRepo(tx, log)
		if err := repo.Create(ctx, newOrder("SN-1", biz.StatusCreated, t0)); err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0] != "SN-1" {
			t.Fatalf("after a create without a transaction: %v", got)
		}
		err := tx.InTx(ctx, func(ctx context.Context) error {
			if err := repo.Update(ctx, "SN-1", 1, biz.State{Status: biz.StatusAwaitingPayment}); err != nil {
				return err
			}
			if got := log.take(); len(got) != 0 {
				t.Errorf("told %v before the commit", got)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := log.take(); len(got) != 1 || got[0] != "SN-1" {
			t.Fatalf("after the commit: %v", got)
		}
		errAbort := errors.New("abort")
		err = tx.InTx(ctx, func(ctx context.Context) error {
			if err := repo.Update(ctx, "SN-1", 2, biz.State{Status: biz.StatusPaid}); err != nil {
				return err
			}
			return errAbort
		})
		if !errors.Is(err, errAbort) {
			t.Fatalf("InTx = %v", err)
		}
		if err := repo.Update(ctx, "SN-1", 1, biz.State{Status: biz.StatusPaid}); err == nil {
			t.Fatal("stale update succeeded")
		}
		if got := log.take(); len(got) != 0 {
			t.Fatalf("told %v after a rollback and a stale update", got)
		}
	})
}

// TestWaitOrderSeesCommit runs a blocking read while another goroutine
// commits the order's next version: through the notifying repository (the
// signal wakes the waiter) and through a second repository without the
// notifier, as another replica of the service would (the recheck finds it).
func TestWaitOrderSeesCommit(t *testing.T) {
	tests := []struct {
		name    string
		signal  bool          // the committing repository notifies the waiter
		recheck time.Duration // the waiter's recheck interval
	}{
		{"same process", true, time.Hour},
		{"other replica", false, 50 * time.Millisecond},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gdb := dbtest.SQLite(t, Migrations())
			ctx := context.Background()
			tx, changes := db.NewTx(gdb), biz.NewNotifier()
			repo := NewNotifyingOrderRepo(tx, changes)
			if err := repo.Create(ctx, newOrder("SN-1", biz.StatusCreated, t0)); err != nil {
				t.Fatal(err)
			}
			writer := NewOrderRepo(tx)
			if tc.signal {
				writer = repo
			}
			w, err := biz.NewWaiter(biz.WaiterOptions{Orders: repo, Changes: changes, Recheck: tc.recheck})
			if err != nil {
				t.Fatal(err)
			}

			var wg sync.WaitGroup
			defer wg.Wait()
			wg.Add(1)
			go func() {
				defer wg.Done()
				time.Sleep(100 * time.Millisecond) // let the read start waiting
				err := tx.InTx(ctx, func(ctx context.Context) error {
					return writer.Update(ctx, "SN-1", 1, biz.State{Status: biz.StatusAwaitingPayment})
				})
				if err != nil {
					t.Error(err)
				}
			}()
			start := time.Now()
			o, err := w.WaitOrder(ctx, "SN-1", 2, 20*time.Second)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			if o.Version != 2 || o.Status != biz.StatusAwaitingPayment {
				t.Fatalf("read version %d %s, want 2 AWAITING_PAYMENT", o.Version, o.Status)
			}
			if elapsed < 100*time.Millisecond || elapsed > 5*time.Second {
				t.Fatalf("answered after %v, want soon after the commit at 100ms", elapsed)
			}
		})
	}
}
