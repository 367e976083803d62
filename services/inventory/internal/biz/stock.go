package biz

import (
	"context"
	"fmt"
)

// Product is one catalogue entry with the units available now.
type Product struct {
	SKU       string
	Name      string
	Price     int64 // unit price in cents
	Available int32
}

// Stock holds the counters of one SKU. Invariant: Total = Available +
// Reserved + Sold, and every counter is >= 0.
type Stock struct {
	SKU       string
	Total     int32 // every unit ever stocked
	Available int32
	Reserved  int32
	Sold      int32
	Version   int64
}

// Check reports a broken invariant of s.
func (s Stock) Check() error {
	if s.Available < 0 || s.Reserved < 0 || s.Sold < 0 || s.Total != s.Available+s.Reserved+s.Sold {
		return fmt.Errorf("biz: stock %s broken: total %d available %d reserved %d sold %d",
			s.SKU, s.Total, s.Available, s.Reserved, s.Sold)
	}
	return nil
}

// Reserve moves q units from available to reserved.
func (s Stock) Reserve(q int32) Stock {
	s.Available -= q
	s.Reserved += q
	return s
}

// Sell moves q units from reserved to sold.
func (s Stock) Sell(q int32) Stock {
	s.Reserved -= q
	s.Sold += q
	return s
}

// Release moves q units from reserved back to available.
func (s Stock) Release(q int32) Stock {
	s.Reserved -= q
	s.Available += q
	return s
}

// ProductRepo reads the catalogue.
type ProductRepo interface {
	// List returns every product ordered by SKU.
	List(ctx context.Context) ([]Product, error)
	// BatchGet returns the products among skus that exist, in any order.
	BatchGet(ctx context.Context, skus []string) ([]Product, error)
}

// StockRepo reads and writes stock rows. Update is the only way stock
// changes; it invalidates the SKU's cache entry after the transaction in
// ctx commits.
type StockRepo interface {
	// Get returns one SKU's stock or a SKU_NOT_FOUND error.
	Get(ctx context.Context, sku string) (Stock, error)
	// List returns every stock row ordered by SKU.
	List(ctx context.Context) ([]Stock, error)
	// LockMany returns the stock rows among skus that exist, keyed by SKU,
	// and locks them (in SKU order) until the transaction in ctx ends, so
	// that concurrent transactions on the same SKUs queue for the rows
	// instead of reading a version that is stale by the time they Update
	// it. Outside a transaction, or on SQLite (one writer at a time), it
	// only reads.
	LockMany(ctx context.Context, skus []string) (map[string]Stock, error)
	// Update stores s's counters if the row still has s.Version, and bumps
	// the version; a changed row is an error matching idem.ErrConflict.
	Update(ctx context.Context, s Stock) error
}

// StockCache is a read-through cache of stock rows (Redis). Get returns
// sku's stock from the cache or, on a miss, from load, and caches load's
// answer unless a change to the SKU committed in the meantime. A cache
// outage is not an error: Get logs it and returns load's answer. Errors of
// load are returned unchanged and nothing is cached. Safe for concurrent
// use.
type StockCache interface {
	Get(ctx context.Context, sku string, load func(ctx context.Context, sku string) (Stock, error)) (Stock, error)
}
