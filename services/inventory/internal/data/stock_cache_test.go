package data

import (
	"context"
	"errors"
	"testing"

	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

func TestStockCache(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		stocks := NewStockRepo(e.d, e.cache)
		loads := 0
		load := func(ctx context.Context, sku string) (biz.Stock, error) {
			loads++
			return stocks.Get(ctx, sku)
		}
		get := func() biz.Stock {
			t.Helper()
			s, err := e.cache.Get(ctx, "SKU-TEE", load)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
		if s := get(); s.Available != 100 || loads != 1 || !e.mr.Exists("stock:SKU-TEE") {
			t.Fatalf("miss: %+v loads %d", s, loads)
		}
		if ttl := e.mr.TTL("stock:SKU-TEE"); ttl <= 0 || ttl > DefaultStockCacheTTL {
			t.Fatalf("ttl %v", ttl)
		}
		if get(); loads != 1 {
			t.Fatal("a hit read the database")
		}

		// a rolled-back change keeps the entry, a committed one deletes it
		errRollback := errors.New("rollback")
		s := get()
		err := e.d.Tx().InTx(ctx, func(ctx context.Context) error {
			if err := stocks.Update(ctx, s.Reserve(1)); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) || !e.mr.Exists("stock:SKU-TEE") {
			t.Fatalf("rollback: %v, cached %v", err, e.mr.Exists("stock:SKU-TEE"))
		}
		err = e.d.Tx().InTx(ctx, func(ctx context.Context) error {
			if err := stocks.Update(ctx, s.Reserve(1)); err != nil {
				return err
			}
			if !e.mr.Exists("stock:SKU-TEE") {
				t.Error("entry deleted before the commit")
			}
			return nil
		})
		if err != nil || e.mr.Exists("stock:SKU-TEE") {
			t.Fatalf("commit: %v, cached %v", err, e.mr.Exists("stock:SKU-TEE"))
		}
		if got := get(); got.Available != 99 || got.Reserved != 1 {
			t.Fatalf("after commit %+v", got)
		}

		// a reader that loaded before a committed change must not cache
		// its old value afterwards
		e.cache.Invalidate(ctx, "SKU-TEE")
		racy := func(ctx context.Context, sku string) (biz.Stock, error) {
			old, err := stocks.Get(ctx, sku)
			e.cache.Invalidate(ctx, sku) // a writer commits meanwhile
			return old, err
		}
		if _, err := e.cache.Get(ctx, "SKU-TEE", racy); err != nil {
			t.Fatal(err)
		}
		if e.mr.Exists("stock:SKU-TEE") {
			t.Fatal("a stale read was cached after a concurrent change")
		}

		// a bad entry is reloaded; an outage falls back to the database
		e.mr.Set("stock:SKU-TEE", "{garbage")
		if got := get(); got.Available != 99 {
			t.Fatalf("bad entry: %+v", got)
		}
		e.mr.Close()
		before := loads
		if got := get(); got.Available != 99 || loads != before+1 {
			t.Fatalf("outage: %+v loads %d", got, loads)
		}
		if _, err := e.cache.Get(ctx, "SKU-NOPE", load); err == nil {
			t.Fatal("unknown sku through a dead cache: no error")
		}
	})
}
