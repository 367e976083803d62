package data

import (
	"time"

	"github.com/sagashop/sagashop/services/order/internal/biz"
)

// orderModel is a row of orders.
type orderModel struct {
	ID              int64     `gorm:"column:id;primaryKey;autoIncrement"`
	OrderSN         string    `gorm:"column:order_sn"`
	UserID          string    `gorm:"column:user_id"`
	Status          string    `gorm:"column:status"`
	CancelReason    string    `gorm:"column:cancel_reason"`
	TotalAmount     int64     `gorm:"column:total_amount"`
	Version         int64     `gorm:"column:version"`
	PaymentDeadline time.Time `gorm:"column:payment_deadline"`
	PaidPaymentSN   string    `gorm:"column:paid_payment_sn"`
	CreatedAt       time.Time `gorm:"column:created_at;autoCreateTime:false"`
	UpdatedAt       time.Time `gorm:"column:updated_at;autoUpdateTime:false"`
}

// TableName implements gorm's schema.Tabler.
func (orderModel) TableName() string { return "orders" }

// orderItemModel is a row of order_items.
type orderItemModel struct {
	OrderSN   string `gorm:"column:order_sn;primaryKey"`
	SKU       string `gorm:"column:sku;primaryKey"`
	LineNo    int    `gorm:"column:line_no"`
	Name      string `gorm:"column:name"`
	Quantity  int32  `gorm:"column:quantity"`
	UnitPrice int64  `gorm:"column:unit_price"`
}

// TableName implements gorm's schema.Tabler.
func (orderItemModel) TableName() string { return "order_items" }

func toModels(o *biz.Order) (orderModel, []orderItemModel) {
	m := orderModel{
		OrderSN: o.SN, UserID: o.UserID, Status: string(o.Status), CancelReason: o.CancelReason,
		TotalAmount: o.TotalAmount, Version: o.Version, PaymentDeadline: o.PaymentDeadline.UTC(),
		PaidPaymentSN: o.PaymentSN, CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
	items := make([]orderItemModel, len(o.Items))
	for i, it := range o.Items {
		items[i] = orderItemModel{OrderSN: o.SN, SKU: it.SKU, LineNo: i, Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
	}
	return m, items
}

func toBiz(m orderModel, items []orderItemModel) *biz.Order {
	o := &biz.Order{
		ID: m.ID, SN: m.OrderSN, UserID: m.UserID, Status: biz.Status(m.Status), CancelReason: m.CancelReason,
		TotalAmount: m.TotalAmount, Version: m.Version, PaymentSN: m.PaidPaymentSN,
		PaymentDeadline: m.PaymentDeadline.UTC(), CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
		Items: make([]biz.Item, len(items)),
	}
	for i, it := range items {
		o.Items[i] = biz.Item{SKU: it.SKU, Name: it.Name, Quantity: it.Quantity, UnitPrice: it.UnitPrice}
	}
	return o
}
