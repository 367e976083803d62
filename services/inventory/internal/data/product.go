package data

import (
	"context"
	"fmt"

	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

// productRow is a product joined with its stock's available counter.
type productRow struct {
	SKU       string `gorm:"column:sku"`
	Name      string `gorm:"column:name"`
	Price     int64  `gorm:"column:price"`
	Available int32  `gorm:"column:available"`
}

type productRepo struct{ d *Data }

// NewProductRepo returns the catalogue reader.
func NewProductRepo(d *Data) biz.ProductRepo { return productRepo{d: d} }

const productSelect = "p.sku AS sku, p.name AS name, p.price AS price, COALESCE(s.available, 0) AS available"

func (r productRepo) List(ctx context.Context) ([]biz.Product, error) {
	var rows []productRow
	err := r.d.tx.DB(ctx).Table("products AS p").Select(productSelect).
		Joins("LEFT JOIN stocks AS s ON s.sku = p.sku").Order("p.sku").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("data: list products: %w", err)
	}
	return toProducts(rows), nil
}

func (r productRepo) BatchGet(ctx context.Context, skus []string) ([]biz.Product, error) {
	if len(skus) == 0 {
		return nil, nil
	}
	var rows []productRow
	err := r.d.tx.DB(ctx).Table("products AS p").Select(productSelect).
		Joins("LEFT JOIN stocks AS s ON s.sku = p.sku").Where("p.sku IN ?", skus).Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("data: batch get products: %w", err)
	}
	return toProducts(rows), nil
}

func toProducts(rows []productRow) []biz.Product {
	out := make([]biz.Product, len(rows))
	for i, p := range rows {
		out[i] = biz.Product{SKU: p.SKU, Name: p.Name, Price: p.Price, Available: p.Available}
	}
	return out
}
