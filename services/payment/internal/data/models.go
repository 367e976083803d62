package data

import (
	"time"

	"github.com/sagashop/sagashop/services/payment/internal/biz"
)

// paymentOrder is a row of payment_orders, the per-order lock row.
type paymentOrder struct {
	OrderSN   string `gorm:"column:order_sn;primaryKey"`
	Status    string `gorm:"column:status"`
	PaymentSN string `gorm:"column:payment_sn"`
	Version   int64  `gorm:"column:version"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName implements gorm's schema.Tabler.
func (paymentOrder) TableName() string { return "payment_orders" }

func (m *paymentOrder) toBiz() *biz.OrderLock {
	return &biz.OrderLock{
		OrderSN: m.OrderSN, Status: biz.OrderLockStatus(m.Status), PaymentSN: m.PaymentSN, Version: m.Version,
	}
}

// payment is a row of payments.
type payment struct {
	ID        int64  `gorm:"column:id;primaryKey;autoIncrement"`
	PaymentSN string `gorm:"column:payment_sn"`
	OrderSN   string `gorm:"column:order_sn"`
	Amount    int64  `gorm:"column:amount"`
	Status    string `gorm:"column:status"`
	Version   int64  `gorm:"column:version"`
	CreatedAt time.Time
	UpdatedAt time.Time
}

// TableName implements gorm's schema.Tabler.
func (payment) TableName() string { return "payments" }

func (m *payment) toBiz() *biz.Payment {
	return &biz.Payment{
		ID: m.ID, PaymentSN: m.PaymentSN, OrderSN: m.OrderSN, Amount: m.Amount,
		Status: biz.PaymentStatus(m.Status), Version: m.Version,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func paymentFromBiz(p *biz.Payment) *payment {
	return &payment{
		ID: p.ID, PaymentSN: p.PaymentSN, OrderSN: p.OrderSN, Amount: p.Amount,
		Status: string(p.Status), Version: p.Version, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
}
