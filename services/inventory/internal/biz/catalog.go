package biz

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/sagashop/sagashop/pkg/idem"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
)

// MaxBatchSKUs bounds the SKUs of one BatchGetProducts call.
const MaxBatchSKUs = 1000

// ListProducts returns the catalogue ordered by SKU.
func (uc *Usecase) ListProducts(ctx context.Context) ([]Product, error) {
	return uc.products.List(ctx)
}

// BatchGetProducts returns the products of skus in request order, each
// SKU once; the first SKU not in the catalogue is an UNKNOWN_SKU error.
func (uc *Usecase) BatchGetProducts(ctx context.Context, skus []string) ([]Product, error) {
	if len(skus) > MaxBatchSKUs {
		return nil, v1.ErrorInvalidArgument("at most %d skus per call, got %d", MaxBatchSKUs, len(skus))
	}
	uniq := make([]string, 0, len(skus))
	seen := make(map[string]bool, len(skus))
	for _, s := range skus {
		if !seen[s] {
			seen[s] = true
			uniq = append(uniq, s)
		}
	}
	found, err := uc.products.BatchGet(ctx, uniq)
	if err != nil {
		return nil, err
	}
	bySKU := make(map[string]Product, len(found))
	for _, p := range found {
		bySKU[p.SKU] = p
	}
	out := make([]Product, 0, len(uniq))
	for _, s := range uniq {
		p, ok := bySKU[s]
		if !ok {
			return nil, v1.ErrorUnknownSku("unknown sku %q", s).WithMetadata(map[string]string{"sku": s})
		}
		out = append(out, p)
	}
	return out, nil
}

// GetStock returns one SKU's stock through the cache (the database when
// the cache misses or is down); an unknown SKU is SKU_NOT_FOUND.
func (uc *Usecase) GetStock(ctx context.Context, sku string) (Stock, error) {
	if uc.cache == nil {
		return uc.stocks.Get(ctx, sku)
	}
	return uc.cache.Get(ctx, sku, uc.stocks.Get)
}

// ListStocks returns every SKU's stock from the database, ordered by SKU.
func (uc *Usecase) ListStocks(ctx context.Context) ([]Stock, error) {
	return uc.stocks.List(ctx)
}

// Restock adds quantity (1..MaxRestockQuantity) units to sku's total and
// available counters and returns the new stock. An unknown SKU is
// SKU_NOT_FOUND; retries exhausted on a contended row are CONFLICT.
func (uc *Usecase) Restock(ctx context.Context, sku string, quantity int32) (Stock, error) {
	if quantity <= 0 || quantity > MaxRestockQuantity {
		return Stock{}, v1.ErrorInvalidArgument("quantity must be in 1..%d, got %d", MaxRestockQuantity, quantity)
	}
	var out Stock
	err := idem.Retry(ctx, uc.attempts, func(ctx context.Context) error {
		return uc.tx.InTx(ctx, func(ctx context.Context) error {
			s, err := uc.stocks.Get(ctx, sku)
			if err != nil {
				return err
			}
			if int64(s.Total)+int64(quantity) > math.MaxInt32 {
				return v1.ErrorInvalidArgument("restocking %s by %d would overflow its total %d", sku, quantity, s.Total)
			}
			next := s
			next.Total += quantity
			next.Available += quantity
			if err := uc.stocks.Update(ctx, next); err != nil {
				return fmt.Errorf("restock %s: %w", sku, err)
			}
			next.Version++
			out = next
			return nil
		})
	})
	if errors.Is(err, idem.ErrConflict) {
		return Stock{}, v1.ErrorConflict("restock %s: too much contention, try again", sku)
	}
	if err != nil {
		return Stock{}, err
	}
	uc.log.WithContext(ctx).Infof("restocked %s by %d: total %d available %d", sku, quantity, out.Total, out.Available)
	return out, nil
}

// ListReservations returns one page of reservations ordered by order_sn
// and the order_sn to continue after ("" on the last page).
func (uc *Usecase) ListReservations(ctx context.Context, f ReservationFilter) ([]Reservation, string, error) {
	if f.Limit <= 0 {
		return nil, "", v1.ErrorInvalidArgument("page size must be positive, got %d", f.Limit)
	}
	want := f.Limit
	f.Limit++
	rs, err := uc.reservations.List(ctx, f)
	if err != nil {
		return nil, "", err
	}
	if len(rs) <= want {
		return rs, "", nil
	}
	rs = rs[:want]
	return rs, rs[want-1].OrderSN, nil
}
