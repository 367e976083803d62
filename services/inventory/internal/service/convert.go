package service

import (
	v1 "github.com/sagashop/sagashop/services/inventory/api/inventory/v1"
	"github.com/sagashop/sagashop/services/inventory/internal/biz"
)

func toProducts(ps []biz.Product) []*v1.Product {
	out := make([]*v1.Product, len(ps))
	for i, p := range ps {
		out[i] = &v1.Product{Sku: p.SKU, Name: p.Name, Price: p.Price, Available: p.Available}
	}
	return out
}

func toStock(s biz.Stock) *v1.Stock {
	return &v1.Stock{Sku: s.SKU, Total: s.Total, Available: s.Available, Reserved: s.Reserved, Sold: s.Sold, Version: s.Version}
}

func toReservation(r biz.Reservation) *v1.Reservation {
	lines := make([]*v1.ReservationLine, len(r.Lines))
	for i, l := range r.Lines {
		lines[i] = &v1.ReservationLine{Sku: l.SKU, Quantity: l.Quantity}
	}
	return &v1.Reservation{OrderSn: r.OrderSN, Status: string(r.Status), Version: r.Version, Lines: lines}
}
