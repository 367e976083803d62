package data

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/sagashop/sagashop/pkg/db"
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// stockModel is a row of stocks (updated_at is maintained by
// db.UpdateVersioned and not read).
type stockModel struct {
	SKU       string `gorm:"column:sku;primaryKey"`
	Total     int32  `gorm:"column:total"`
	Available int32  `gorm:"column:available"`
	Reserved  int32  `gorm:"column:reserved"`
	Sold      int32  `gorm:"column:sold"`
	Version   int64  `gorm:"column:version"`
}

func (stockModel) TableName() string { return "stocks" }

func (m stockModel) toBiz() biz.Stock {
	return biz.Stock{SKU: m.SKU, Total: m.Total, Available: m.Available, Reserved: m.Reserved, Sold: m.Sold, Version: m.Version}
}

const stockColumns = "sku, total, available, reserved, sold, version"

type stockRepo struct {
	d     *Data
	cache *StockCache // nil: nothing to invalidate
}

// NewStockRepo returns the stock repository; every committed Update
// deletes the SKU's entry of cache (which may be nil).
func NewStockRepo(d *Data, cache *StockCache) biz.StockRepo { return stockRepo{d: d, cache: cache} }

func (r stockRepo) Get(ctx context.Context, sku string) (biz.Stock, error) {
	var m stockModel
	err := r.d.tx.DB(ctx).Select(stockColumns).Where("sku = ?", sku).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return biz.Stock{}, v1.ErrorSkuNotFound("sku %q not found", sku).WithMetadata(map[string]string{"sku": sku})
	}
	if err != nil {
		return biz.Stock{}, fmt.Errorf("data: get stock %s: %w", sku, err)
	}
	return m.toBiz(), nil
}

func (r stockRepo) List(ctx context.Context) ([]biz.Stock, error) {
	var ms []stockModel
	if err := r.d.tx.DB(ctx).Select(stockColumns).Order("sku").Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("data: list stocks: %w", err)
	}
	out := make([]biz.Stock, len(ms))
	for i, m := range ms {
		out[i] = m.toBiz()
	}
	return out, nil
}

// LockMany reads with SELECT ... FOR UPDATE (gorm's SQLite dialect drops
// the clause). Without the lock, a MySQL transaction reads the rows from
// its snapshot, and under load another handler has nearly always committed
// a newer version of a popular SKU by the time of the Update: the
// optimistic check then fails over and over, and handlers give up. ORDER BY
// sku makes every transaction take the row locks in the same order.
func (r stockRepo) LockMany(ctx context.Context, skus []string) (map[string]biz.Stock, error) {
	out := make(map[string]biz.Stock, len(skus))
	if len(skus) == 0 {
		return out, nil
	}
	var ms []stockModel
	err := r.d.tx.DB(ctx).Clauses(clause.Locking{Strength: clause.LockingStrengthUpdate}).
		Select(stockColumns).Where("sku IN ?", skus).Order("sku").Find(&ms).Error
	if err != nil {
		return nil, fmt.Errorf("data: get stocks: %w", err)
	}
	for _, m := range ms {
		out[m.SKU] = m.toBiz()
	}
	return out, nil
}

func (r stockRepo) Update(ctx context.Context, s biz.Stock) error {
	err := db.UpdateVersioned(r.d.tx.DB(ctx), "stocks", "sku", s.SKU, s.Version, map[string]any{
		"total": s.Total, "available": s.Available, "reserved": s.Reserved, "sold": s.Sold,
	})
	if err != nil {
		return fmt.Errorf("data: update stock: %w", err)
	}
	if r.cache != nil {
		r.cache.InvalidateAfterCommit(ctx, s.SKU)
	}
	return nil
}
